import type { Draft } from 'immer';
import type { CounterValue } from '../../../schemas/daemon/index.ts';
import { type ClusterState, COUNTER_HISTORY, type CounterSample, type DaemonState } from '../cluster-state.ts';
import { dataKey } from '../data-key.ts';
import { type KeyedTable, tableGet, tableWith } from '../keyed-table.ts';
import { type Ring, ringAppend } from '../ring.ts';
import type { Reducer } from './reducer.ts';
import { replacedValue } from './replaced-value.ts';

/** Splits `osd.0` or `rgw.zone.a` into Ceph's service type and id (the id may contain dots). */
export function splitDaemonName(name: string): [type: string, id: string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

type DaemonRecord = { -readonly [K in keyof DaemonState]: DaemonState[K] };

/** The record of a daemon not seen before (its name checked as data). */
function freshDaemon(name: string): DaemonState {
  const [type, id] = splitDaemonName(name);
  dataKey(type, ['daemon']);
  dataKey(id, ['daemon']);
  return {
    type,
    id,
    hostname: '',
    open: true,
    metadata: Object.freeze({}),
    status: Object.freeze({}),
    perfSchema: null,
    counters: Object.freeze({}),
    lastReport: null,
  };
}

/**
 * The daemons table is never drafted: each change replaces a daemon's record by a new frozen one built outside the
 * draft, and the table by {@link tableWith} (which copies a chunk once per batch). A report is the most frequent
 * event of a large cluster, and a proxy per record, per chunk and per access cost more than the report itself.
 */
function daemonsOf(draft: Draft<ClusterState>): KeyedTable<DaemonState> {
  return replacedValue<KeyedTable<DaemonState>>(draft, 'daemons')!;
}

function setDaemon(draft: Draft<ClusterState>, name: string, d: DaemonRecord): void {
  draft.daemons = tableWith(daemonsOf(draft), name, Object.freeze(d)) as Draft<KeyedTable<DaemonState>>;
}

/** A sample as `get_counter` returns it: seconds, then the value, or sum and count for an average. */
function sampleOf(tSeconds: number, value: CounterValue): CounterSample {
  return typeof value === 'number' ? [tSeconds, value] : [tSeconds, value.sum, value.avgcount];
}

/** A daemon opened its session: its host, metadata and (if sent) a new perf counter schema. */
export const reduceDaemonOpen: Reducer<'daemon_open'> = (draft, event) => {
  const d: DaemonRecord = { ...(tableGet(daemonsOf(draft), event.daemon) ?? freshDaemon(event.daemon)) };
  d.hostname = event.hostname;
  d.open = true;
  d.metadata = event.metadata;
  if (event.perf_schema !== undefined) d.perfSchema = event.perf_schema;
  setDaemon(draft, event.daemon, d);
};

/**
 * A daemon's report: each counter gets a sample, the oldest dropped past Ceph's history length. A report from a
 * daemon with no open session still counts (a recording may start mid-session).
 */
export const reduceDaemonReport: Reducer<'daemon_report'> = (draft, event) => {
  for (const path of Object.keys(event.counters)) dataKey(path, ['counters', path]);
  const held = tableGet(daemonsOf(draft), event.daemon) ?? freshDaemon(event.daemon);
  const t = event.t / 1000;
  // New rings in a new frozen object: no history is copied or walked.
  const counters: Record<string, Ring<CounterSample>> = { ...held.counters };
  for (const path of Object.keys(event.counters)) {
    const ring = Object.hasOwn(held.counters, path) ? held.counters[path] : undefined;
    counters[path] = ringAppend(ring, Object.freeze(sampleOf(t, event.counters[path]!)), COUNTER_HISTORY);
  }
  const d: DaemonRecord = { ...held };
  d.counters = Object.freeze(counters);
  if (event.status !== undefined) d.status = event.status;
  if (event.health_metrics !== undefined) d.healthMetrics = event.health_metrics;
  d.lastReport = event.t;
  setDaemon(draft, event.daemon, d);
};

/** A daemon closed its session; what it told the manager stays readable, as in Ceph. */
export const reduceDaemonClose: Reducer<'daemon_close'> = (draft, event) => {
  const held = tableGet(daemonsOf(draft), event.daemon);
  if (held !== undefined) setDaemon(draft, event.daemon, { ...held, open: false });
};
