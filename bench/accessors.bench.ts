import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { produce } from 'immer';
import type { ClusterEvent } from '../schemas/event.ts';
import { Accessors } from '../src/host/accessors.ts';
import { type ClusterState, createEmptyState } from '../src/state/cluster-state.ts';
import { foldBatch } from '../src/state/fold.ts';
import { formatNs, type Measurement, measure } from './harness.ts';

/** Real ceph-mgr 16.2.15's figures for the same calls from a Python module (recorded on a 2-core machine). */
const CEPH_US_3OSD: Record<string, number> = {
  "get('osd_map')": 99.25,
  "get('osd_map_crush')": 17.194,
  "get('health')": 3.291,
  "get_metadata('osd','0')": 4.178,
  "get_counter('osd','0','osd.op_w')": 2.879,
  "get_latest_counter('osd','0','osd.op_w')": 1.071,
  'have_mon_connection()': 0.108,
};
const CEPH_US_1003OSD: Record<string, number> = { "get('osd_map')": 19027.881, "get('osd_map_crush')": 576.074 };

export interface AccessorRow extends Measurement {
  baseline: Measurement;
  /** How many times faster than the baseline (a structuredClone of the same value, as a copying accessor does). */
  speedup: number;
  cephUs: number | null;
}

/** The state after the first `upTo` events of a trace (all of them by default), folded in memory. */
export function finalState(tracePath: string, upTo = Number.POSITIVE_INFINITY): ClusterState {
  const events = gunzipSync(readFileSync(tracePath))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(0, upTo)
    .map((l) => JSON.parse(l) as ClusterEvent);
  return foldBatch(
    createEmptyState(),
    events.map((event, ref) => ({ event, ref })),
  ).state;
}

/** The real map with its OSD entry repeated to 1003 OSDs: the size of the recorded 1003-OSD cluster. */
function scaledTo1003(state: ClusterState): ClusterState {
  return produce(state, (d) => {
    const m = d.maps.osd_map!.map;
    const proto = m.osds[0]!;
    m.osds = Array.from({ length: 1003 }, (_, i) => ({ ...proto, osd: i }));
    m.max_osd = 1003;
  });
}

export function benchAccessors(tracePath: string): { rows: AccessorRow[]; sizes: Record<string, number> } {
  const small = finalState(tracePath);
  const large = scaledTo1003(small);
  const rows: AccessorRow[] = [];
  const run = (label: string, state: ClusterState, call: (a: Accessors) => unknown, ceph: number | undefined) => {
    const acc = new Accessors(() => state);
    const value = call(acc);
    const m = measure(label, () => call(acc));
    const baseline = measure(`structuredClone ${label}`, () => structuredClone(value), { batches: 20 });
    rows.push({ ...m, baseline, speedup: baseline.medianNs / m.medianNs, cephUs: ceph ?? null });
  };
  for (const [label, call] of [
    ["get('osd_map')", (a: Accessors) => a.get('osd_map')],
    ["get('osd_map_crush')", (a: Accessors) => a.get('osd_map_crush')],
    ["get('health')", (a: Accessors) => a.get('health')],
    ["get_metadata('osd','0')", (a: Accessors) => a.get_metadata('osd', '0')],
    ["get_counter('osd','0','osd.op_w')", (a: Accessors) => a.get_counter('osd', '0', 'osd.op_w')],
    ["get_latest_counter('osd','0','osd.op_w')", (a: Accessors) => a.get_latest_counter('osd', '0', 'osd.op_w')],
    ['have_mon_connection()', (a: Accessors) => a.have_mon_connection()],
  ] as const) {
    run(`${label} [3 OSDs]`, small, call, CEPH_US_3OSD[label]);
  }
  run("get('osd_map') [1003 OSDs]", large, (a) => a.get('osd_map'), CEPH_US_1003OSD["get('osd_map')"]);
  return {
    rows,
    sizes: {
      osd_map_json_bytes_3: JSON.stringify(small.maps.osd_map!.map).length,
      osd_map_json_bytes_1003: JSON.stringify(large.maps.osd_map!.map).length,
    },
  };
}

export function printAccessors(rows: AccessorRow[]): void {
  console.log('\naccessor latency (median / p99 of batch means; baseline: structuredClone of the same value)');
  console.log(
    `${'call'.padEnd(48)} ${'median'.padStart(10)} ${'p99'.padStart(10)} ${'baseline'.padStart(10)} ${'x faster'.padStart(9)} ${'ceph-mgr'.padStart(10)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(48)} ${formatNs(r.medianNs).padStart(10)} ${formatNs(r.p99Ns).padStart(10)} ${formatNs(r.baseline.medianNs).padStart(10)} ${r.speedup.toFixed(0).padStart(9)} ${(r.cephUs === null ? '' : formatNs(r.cephUs * 1000)).padStart(10)}`,
    );
  }
}
