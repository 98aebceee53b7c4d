import { z } from 'zod';

/** A host the orchestrator manages, as Ceph's `HostSpec` (`orch host add <hostname> [<addr>] [<labels>...]`). */
export const HostSpecSchema = z.object({
  hostname: z.string().min(1),
  /** The address the orchestrator reaches it at; the hostname when not given. */
  addr: z.string().min(1).optional(),
  labels: z.array(z.string()).default([]),
  /** `''` when reachable, else why not (`Offline`, `maintenance`). */
  status: z.string().default(''),
});
/** What {@link HostSpecSchema} parses to. */
export type HostSpec = z.output<typeof HostSpecSchema>;
