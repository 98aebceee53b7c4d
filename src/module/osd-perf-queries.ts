import type { OsdPerfMetricQuery } from '../../schemas/daemon/index.ts';

/** One key's counters as `get_osd_perf_counters` gives them: the key's sub-keys and `[value, count]` per counter. */
export interface OsdPerfCountersEntry {
  readonly k: readonly (readonly string[])[];
  readonly c: readonly (readonly [number, number])[];
}

/** What `get_osd_perf_counters` returns: the counts since the last call, per key. */
export interface OsdPerfCounters {
  readonly counters: readonly OsdPerfCountersEntry[];
}

/** The manager's OSD perf queries (Ceph's `DaemonServer` with its `OSDPerfMetricCollector`), shared by its modules. */
export interface OsdPerfQueryService {
  /** Registers a query with the OSDs; its id, or null for a query that is not valid. */
  add(query: unknown): number | null;
  /** Unregisters a query; false for an id that is not registered. */
  remove(queryId: number): boolean;
  /** What the OSDs counted for the query since the last call (or since it was added); null for an unknown id. */
  counters(queryId: number): OsdPerfCounters | null;
  /** The queries registered, by id. */
  queries(): ReadonlyMap<number, OsdPerfMetricQuery>;
}
