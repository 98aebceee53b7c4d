export { CEPH_PERF_SCHEMA } from './ceph-perf-schema.ts';
export type { ClogEntry } from './clog-entry.ts';
export { ClogEntrySchema } from './clog-entry.ts';
export type {
  OsdPerfCounterType,
  OsdPerfMetricQuery,
  OsdPerfMetricReport,
  OsdPerfMetricSubKeyType,
} from './osd-perf-metric.ts';
export {
  OsdPerfCounterSchema,
  OsdPerfCounterTypeSchema,
  OsdPerfMetricQuerySchema,
  OsdPerfMetricReportSchema,
  OsdPerfMetricSubKeyTypeSchema,
  osdPerfQueryKey,
} from './osd-perf-metric.ts';
export type {
  CounterAverage,
  CounterValue,
  DaemonHealthMetric,
  DaemonMetadata,
  DaemonStatus,
  OsdMetadataEntry,
  PerfCounters,
  PerfCounterType,
  PerfCounterUnit,
  PerfSchema,
  PerfSchemaEntry,
} from './perf.ts';
export {
  CounterAverageSchema,
  CounterValueSchema,
  DaemonHealthMetricSchema,
  DaemonMetadataSchema,
  DaemonStatusSchema,
  OsdMetadataEntrySchema,
  PERFCOUNTER_COUNTER,
  PERFCOUNTER_HISTOGRAM,
  PERFCOUNTER_LONGRUNAVG,
  PERFCOUNTER_TIME,
  PERFCOUNTER_U64,
  PerfCountersSchema,
  PerfCounterTypeSchema,
  PerfCounterUnitSchema,
  PerfSchemaEntrySchema,
  PerfSchemaSchema,
  PRIO_CRITICAL,
  PRIO_DEBUGONLY,
  PRIO_INTERESTING,
  PRIO_UNINTERESTING,
  PRIO_USEFUL,
  UNIT_BYTES,
  UNIT_NONE,
} from './perf.ts';
export type {
  ObjectStatSum,
  OsdStat,
  PgStat,
  PingInterface,
  PingTimesEntry,
  PingWindows,
  PoolStatfs,
  PoolStatfsEntry,
  StoreStatfs,
} from './pg-stats.ts';
export {
  ObjectStatSumSchema,
  OsdStatSchema,
  PgStatSchema,
  PingInterfaceSchema,
  PingTimesEntrySchema,
  PingWindowsSchema,
  PoolStatfsEntrySchema,
  PoolStatfsSchema,
  StoreStatfsSchema,
} from './pg-stats.ts';
