import { z } from 'zod';

// Bits of a perf counter's `type` (Ceph's `perfcounter_type_d`): a counter's type is an OR of these.
/** Bit of a perf counter's `type`: the value is a time, in nanoseconds. */
export const PERFCOUNTER_TIME = 0x1;
/** Bit of a perf counter's `type`: the value is an unsigned integer. */
export const PERFCOUNTER_U64 = 0x2;
/** Bit of a perf counter's `type`: the value is an average, given as sum and count. */
export const PERFCOUNTER_LONGRUNAVG = 0x4;
/** Bit of a perf counter's `type`: the value only grows (a counter, not a gauge). */
export const PERFCOUNTER_COUNTER = 0x8;
/** Bit of a perf counter's `type`: the value is a histogram. */
export const PERFCOUNTER_HISTOGRAM = 0x10;

/** A perf counter's unit (Ceph's `unit_t`): bytes. Note bytes is 0 and none is 1. */
export const UNIT_BYTES = 0;
/** A perf counter's unit (Ceph's `unit_t`): none, a plain number. */
export const UNIT_NONE = 1;

// A perf counter's priority: 0 debug only .. 10 critical.
/** A perf counter's priority: critical (10). */
export const PRIO_CRITICAL = 10;
/** A perf counter's priority: interesting (8). */
export const PRIO_INTERESTING = 8;
/** A perf counter's priority: useful (5), `get_all_perf_counters()`'s default lower limit. */
export const PRIO_USEFUL = 5;
/** A perf counter's priority: uninteresting (2). */
export const PRIO_UNINTERESTING = 2;
/** A perf counter's priority: for debugging only (0). */
export const PRIO_DEBUGONLY = 0;

/** A perf counter's `type` as `get_perf_schema` prints it: a bit set of the PERFCOUNTER_* values (e.g. 10, 5). */
export const PerfCounterTypeSchema = z.number().int().nonnegative();
/** What {@link PerfCounterTypeSchema} parses to. */
export type PerfCounterType = z.infer<typeof PerfCounterTypeSchema>;

/** A perf counter's `units` as `get_perf_schema` prints it: UNIT_BYTES (0) or UNIT_NONE (1). */
export const PerfCounterUnitSchema = z.number().int().nonnegative();
/** What {@link PerfCounterUnitSchema} parses to. */
export type PerfCounterUnit = z.infer<typeof PerfCounterUnitSchema>;

/** One counter's entry in what ceph-mgr's `get_perf_schema(type, id)` returns for a daemon. */
export const PerfSchemaEntrySchema = z.looseObject({
  description: z.string(),
  /** A short name; most counters have none. */
  nick: z.string().optional(),
  priority: z.number().int().nonnegative(),
  type: PerfCounterTypeSchema,
  units: PerfCounterUnitSchema,
});
/** What {@link PerfSchemaEntrySchema} parses to. */
export type PerfSchemaEntry = z.infer<typeof PerfSchemaEntrySchema>;

/** One daemon's perf counter schema, counter path (`osd.op_w`) -> entry, as `get_perf_schema` gives it per daemon. */
export const PerfSchemaSchema = z.record(z.string(), PerfSchemaEntrySchema);
/** What {@link PerfSchemaSchema} parses to. */
export type PerfSchema = z.infer<typeof PerfSchemaSchema>;

/** A long-running average's value: count and sum, plus `avgtime` for time averages (as `perf dump` prints them). */
export const CounterAverageSchema = z.looseObject({
  avgcount: z.number().int().nonnegative(),
  sum: z.number(),
  avgtime: z.number().optional(),
});
/** What {@link CounterAverageSchema} parses to. */
export type CounterAverage = z.infer<typeof CounterAverageSchema>;

/** One counter's value in a daemon's report: a number, or `{avgcount, sum[, avgtime]}` for an average. */
export const CounterValueSchema = z.union([z.number(), CounterAverageSchema]);
/** What {@link CounterValueSchema} parses to. */
export type CounterValue = z.infer<typeof CounterValueSchema>;

/** A daemon report's counters: counter path -> value. */
export const PerfCountersSchema = z.record(z.string(), CounterValueSchema);
/** What {@link PerfCountersSchema} parses to. */
export type PerfCounters = z.infer<typeof PerfCountersSchema>;

/** A daemon's metadata as ceph-mgr's `get_metadata(type, id)` returns it: every value a string. */
export const DaemonMetadataSchema = z.record(z.string(), z.string());
/** What {@link DaemonMetadataSchema} parses to. */
export type DaemonMetadata = z.infer<typeof DaemonMetadataSchema>;

/** One element of `ceph osd metadata -f json`: the OSD's metadata strings plus its numeric `id`. */
export const OsdMetadataEntrySchema = z.object({ id: z.number().int() }).catchall(z.string());
/** What {@link OsdMetadataEntrySchema} parses to. */
export type OsdMetadataEntry = z.infer<typeof OsdMetadataEntrySchema>;

/** A daemon's status as ceph-mgr's `get_daemon_status(type, id)` returns it: every value a string. */
export const DaemonStatusSchema = z.record(z.string(), z.string());
/** What {@link DaemonStatusSchema} parses to. */
export type DaemonStatus = z.infer<typeof DaemonStatusSchema>;

/**
 * One health metric a daemon reports with its stats (Ceph's `DaemonHealthMetric`): `SLOW_OPS` (count of slow
 * requests) or `PENDING_CREATING_PGS`, and its value.
 */
export const DaemonHealthMetricSchema = z.looseObject({
  type: z.string().min(1),
  value: z.number().int(),
});
/** What {@link DaemonHealthMetricSchema} parses to. */
export type DaemonHealthMetric = z.infer<typeof DaemonHealthMetricSchema>;
