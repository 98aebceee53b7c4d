import type { Draft } from 'immer';
import { type CounterValue, type OsdPerfMetricReport, osdPerfQueryKey } from '../../../schemas/daemon/index.ts';
import {
  type ClusterState,
  COUNTER_HISTORY,
  type CounterSample,
  type DaemonState,
  type OsdPerfTotals,
} from '../cluster-state.ts';
import { dataKey } from '../data-key.ts';
import { countersKey, daemonLeaf, daemonReportLeafOf, swapLeaf, swapRing } from '../digest-sum.ts';
import { draftTableGet, draftTableOrder, draftTableSet } from '../keyed-table.ts';
import { type Ring, ringAppend } from '../ring.ts';
import type { Reducer } from './reducer.ts';
import { replacedValue } from './replaced-value.ts';

/** Splits `osd.0` or `rgw.zone.a` into Ceph's service type and id (the id may contain dots). */
export function splitDaemonName(name: string): [type: string, id: string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}

function daemonEntry(draft: Draft<ClusterState>, name: string): Draft<DaemonState> {
  const existing = draftTableGet(draft.daemons, name);
  if (existing !== undefined) return existing;
  const [type, id] = splitDaemonName(name);
  dataKey(type, ['daemon']);
  dataKey(id, ['daemon']);
  const fresh: DaemonState = {
    type,
    id,
    hostname: '',
    open: true,
    metadata: {},
    status: {},
    perfSchema: null,
    counters: {},
    lastReport: null,
  };
  draftTableSet(draft.daemons, name, fresh);
  swapLeaf(undefined, daemonLeaf(name, draftTableOrder(draft.daemons, name), fresh));
  swapLeaf(undefined, daemonReportLeafOf(name, fresh));
  return draftTableGet(draft.daemons, name)!;
}

/** Changes a daemon's record through `change`, its leaf swapped in the digest sum. */
function changeDaemon(draft: Draft<ClusterState>, name: string, d: Draft<DaemonState>, change: () => void): void {
  const order = draftTableOrder(draft.daemons, name);
  const before = daemonLeaf(name, order, d);
  change();
  swapLeaf(before, daemonLeaf(name, order, d));
}

/** A sample as `get_counter` returns it: seconds, then the value, or sum and count for an average. */
function sampleOf(tSeconds: number, value: CounterValue): CounterSample {
  return typeof value === 'number' ? [tSeconds, value] : [tSeconds, value.sum, value.avgcount];
}

/** `totals` with an OSD's report for its perf queries added, as a new frozen object (the old one is shared). */
function addOsdPerf(totals: OsdPerfTotals | undefined, reports: readonly OsdPerfMetricReport[]): OsdPerfTotals {
  const out: Record<string, Record<string, (readonly [number, number])[]>> = {};
  for (const [q, keys] of Object.entries(totals ?? {})) out[q] = { ...keys } as Record<string, [number, number][]>;
  for (const r of reports) {
    const q = osdPerfQueryKey(r.query);
    const keys = out[q] ?? {};
    out[q] = keys;
    for (const { k, c } of r.counters) {
      const key = JSON.stringify(k);
      const held = keys[key] ?? [];
      keys[key] = c.map(([v, n], i) => Object.freeze([v + (held[i]?.[0] ?? 0), n + (held[i]?.[1] ?? 0)] as const));
    }
  }
  for (const keys of Object.values(out)) {
    for (const v of Object.values(keys)) Object.freeze(v);
    Object.freeze(keys);
  }
  return Object.freeze(out);
}

/** A daemon opened its session: its host, metadata and (if sent) a new perf counter schema. */
export const reduceDaemonOpen: Reducer<'daemon_open'> = (draft, event) => {
  const d = daemonEntry(draft, event.daemon);
  changeDaemon(draft, event.daemon, d, () => {
    d.hostname = event.hostname;
    d.open = true;
    d.metadata = event.metadata;
    if (event.perf_schema !== undefined) d.perfSchema = event.perf_schema;
  });
};

/**
 * A daemon's report: each counter gets a sample, the oldest dropped past Ceph's history length. A report from a
 * daemon with no open session still counts (a recording may start mid-session).
 */
export const reduceDaemonReport: Reducer<'daemon_report'> = (draft, event) => {
  for (const path of Object.keys(event.counters)) dataKey(path, ['counters', path]);
  const d = daemonEntry(draft, event.daemon);
  const t = event.t / 1000;
  // The counters are replaced by a new frozen object of new rings, built outside the draft: neither the object nor
  // any history goes through the draft's proxy, and none is walked when the snapshot is finalised.
  const held = replacedValue<DaemonState['counters']>(d, 'counters')!;
  const counters: Record<string, Ring<CounterSample>> = { ...held };
  const owner = countersKey(event.daemon);
  for (const [path, value] of Object.entries(event.counters)) {
    const ring = Object.hasOwn(held, path) ? held[path] : undefined;
    const next = ringAppend(ring, Object.freeze(sampleOf(t, value)), COUNTER_HISTORY);
    swapRing(owner, path, ring, next);
    counters[path] = next;
  }
  d.counters = Object.freeze(counters) as Draft<DaemonState['counters']>;
  const before = daemonReportLeafOf(event.daemon, d);
  if (event.status !== undefined) d.status = event.status;
  if (event.health_metrics !== undefined) d.healthMetrics = event.health_metrics;
  if (event.osd_perf_metric_reports !== undefined && event.osd_perf_metric_reports.length > 0) {
    const held = replacedValue<OsdPerfTotals>(d, 'osdPerfTotals');
    d.osdPerfTotals = addOsdPerf(held, event.osd_perf_metric_reports) as Draft<OsdPerfTotals>;
  }
  d.lastReport = event.t;
  swapLeaf(before, daemonReportLeafOf(event.daemon, d));
};

/** A daemon closed its session; what it told the manager stays readable, as in Ceph. */
export const reduceDaemonClose: Reducer<'daemon_close'> = (draft, event) => {
  const d = draftTableGet(draft.daemons, event.daemon);
  if (d === undefined) return;
  changeDaemon(draft, event.daemon, d, () => {
    d.open = false;
  });
};
