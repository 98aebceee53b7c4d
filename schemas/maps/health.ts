import { z } from 'zod';

/** A health status or a check's severity, as Ceph prints it. */
export const HealthStatusSchema = z.enum(['HEALTH_OK', 'HEALTH_WARN', 'HEALTH_ERR']);
/** What {@link HealthStatusSchema} parses to. */
export type HealthStatus = z.infer<typeof HealthStatusSchema>;
/** The health statuses by name: `HealthStatus.HEALTH_WARN === 'HEALTH_WARN'`. */
export const HealthStatus = HealthStatusSchema.enum;

/** One health check of `ceph health detail -f json`'s `checks` (keyed by its code, e.g. `OSD_DOWN`). */
export const HealthCheckSchema = z.looseObject({
  severity: HealthStatusSchema,
  summary: z.looseObject({
    message: z.string(),
    /** How many things the check counts (Octopus+). */
    count: z.number().int().nonnegative().optional(),
  }),
  /** Absent when printed without detail (`ceph status`). */
  detail: z.array(z.looseObject({ message: z.string() })).optional(),
  /** Octopus+: whether `ceph health mute` silenced this check. */
  muted: z.boolean().optional(),
});
/** What {@link HealthCheckSchema} parses to. */
export type HealthCheck = z.infer<typeof HealthCheckSchema>;

/** One health mute (`ceph health mute CODE [TTL] [--sticky]`). */
export const HealthMuteSchema = z.looseObject({
  code: z.string(),
  ttl: z.string().optional(),
  sticky: z.boolean().optional(),
  summary: z.string().optional(),
  count: z.number().int().optional(),
});
/** What {@link HealthMuteSchema} parses to. */
export type HealthMute = z.infer<typeof HealthMuteSchema>;

/** The monitors' health as `ceph health detail -f json` prints it (the JSON text in ceph-mgr's `get('health')`). */
export const HealthMapSchema = z.looseObject({
  status: HealthStatusSchema,
  /** Check code -> check. */
  checks: z.record(z.string(), HealthCheckSchema),
  /** Octopus+. */
  mutes: z.array(HealthMuteSchema).optional(),
});
/** What {@link HealthMapSchema} parses to. */
export type HealthMap = z.infer<typeof HealthMapSchema>;
