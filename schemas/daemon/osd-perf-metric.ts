import { z } from 'zod';

/** What an OSD perf query groups ops by (Ceph's `OSDPerfMetricSubKeyType`, as `add_osd_perf_query` names them). */
export const OsdPerfMetricSubKeyTypeSchema = z.enum([
  'client_id',
  'client_address',
  'pool_id',
  'namespace',
  'osd_id',
  'pg_id',
  'object_name',
  'snap_id',
]);
/** What {@link OsdPerfMetricSubKeyTypeSchema} parses to. */
export type OsdPerfMetricSubKeyType = z.infer<typeof OsdPerfMetricSubKeyTypeSchema>;

/** What an OSD perf query counts per key (Ceph's `PerformanceCounterType`): latencies are sum (ns) and count. */
export const OsdPerfCounterTypeSchema = z.enum([
  'ops',
  'write_ops',
  'read_ops',
  'bytes',
  'write_bytes',
  'read_bytes',
  'latency',
  'write_latency',
  'read_latency',
]);
/** What {@link OsdPerfCounterTypeSchema} parses to. */
export type OsdPerfCounterType = z.infer<typeof OsdPerfCounterTypeSchema>;

/**
 * A query the manager gives the OSDs (Ceph's `OSDPerfMetricQuery`, in `add_osd_perf_query`'s form): an op counts
 * under the key made of each descriptor's regex groups matched against the op's value of that type, if all match.
 */
export const OsdPerfMetricQuerySchema = z.looseObject({
  key_descriptor: z.array(z.looseObject({ type: OsdPerfMetricSubKeyTypeSchema, regex: z.string() })).min(1),
  performance_counter_descriptors: z.array(OsdPerfCounterTypeSchema).min(1),
});
/** What {@link OsdPerfMetricQuerySchema} parses to. */
export type OsdPerfMetricQuery = z.infer<typeof OsdPerfMetricQuerySchema>;

/** One counter of a key: `[value, count]` (count 0 but for latencies and byte counts). */
export const OsdPerfCounterSchema = z.tuple([z.number().nonnegative(), z.number().nonnegative()]);

/**
 * What one OSD counted for one query since its last report (an entry of `MMgrReport::osd_perf_metric_reports`):
 * per key (`k`: each descriptor's matched groups), the counters in the query's order (`c`).
 */
export const OsdPerfMetricReportSchema = z.looseObject({
  query: OsdPerfMetricQuerySchema,
  counters: z.array(z.looseObject({ k: z.array(z.array(z.string())), c: z.array(OsdPerfCounterSchema) })),
});
/** What {@link OsdPerfMetricReportSchema} parses to. */
export type OsdPerfMetricReport = z.infer<typeof OsdPerfMetricReportSchema>;

/**
 * A query's identity, as Ceph compares queries (descriptor types and regexes, counter types, in order): the key a
 * manager finds the OSDs' reports for its query under.
 */
export function osdPerfQueryKey(query: OsdPerfMetricQuery): string {
  return JSON.stringify([query.key_descriptor.map((d) => [d.type, d.regex]), query.performance_counter_descriptors]);
}
