import { z } from 'zod';

/** One daemon registered with a service of `ceph service dump` (an rgw, an rbd-mirror, ...). */
export const ServiceDaemonSchema = z.looseObject({
  start_epoch: z.number().int().nonnegative(),
  start_stamp: z.string(),
  /** Legacy form of the daemon's address. */
  addr: z.string(),
  /** Static metadata the daemon registered with. */
  metadata: z.record(z.string(), z.string()),
  gid: z.number().int().optional(),
  /** Running tasks' status strings (Octopus+). */
  task_status: z.record(z.string(), z.string()).optional(),
});
/** What {@link ServiceDaemonSchema} parses to. */
export type ServiceDaemon = z.infer<typeof ServiceDaemonSchema>;

/** One service of `ceph service dump`; Ceph prints its `summary` string inside `daemons`, beside the daemons. */
export const ServiceSchema = z.looseObject({
  daemons: z.object({ summary: z.string().optional() }).catchall(ServiceDaemonSchema),
});
/** What {@link ServiceSchema} parses to. */
export type Service = z.infer<typeof ServiceSchema>;

/** The service map as `ceph service dump -f json` prints it (ceph-mgr's `get('service_map')`). */
export const ServiceMapSchema = z.looseObject({
  epoch: z.number().int().nonnegative(),
  modified: z.string(),
  /** Service name (`rgw`, `rbd-mirror`, ...) -> service. */
  services: z.record(z.string(), ServiceSchema),
});
/** What {@link ServiceMapSchema} parses to. */
export type ServiceMap = z.infer<typeof ServiceMapSchema>;
