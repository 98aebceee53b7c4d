import { readFileSync } from 'node:fs';
import { produce } from 'immer';
import type { NotifyType } from '../src/bus/notify-types.ts';
import { MgrHost } from '../src/host/host.ts';
import { describeModule } from '../src/host/loader.ts';
import { createRootLogger } from '../src/log/logger.ts';
import { MgrModule } from '../src/module/mgr-module.ts';
import type { ClusterState } from '../src/state/cluster-state.ts';
import { finalState } from '../test/fixtures/final-state.ts';
import { formatNs, type Measurement, measure } from './harness.ts';

/** Real ceph-mgr 16.2.15's figures for the same calls from a Python module (µs, recorded on a 2-core machine). */
function cephFigures(file: string): Record<string, number> {
  return JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')).us_per_call;
}
const CEPH_US_3OSD = cephFigures('./ceph-latency-3osd.json');
const CEPH_US_1003OSD = cephFigures('./ceph-latency-1003osd.json');

export interface AccessorRow extends Measurement {
  baseline: Measurement;
  /** How many times faster than the baseline (a structuredClone of the same value, as a copying accessor does). */
  speedup: number;
  cephUs: number | null;
}

/** The real map with its OSD entry repeated to 1003 OSDs: the size of the recorded 1003-OSD cluster. */
export function scaledTo1003(state: ClusterState): ClusterState {
  return produce(state, (d) => {
    const m = d.maps.osd_map!.map;
    const proto = m.osds[0]!;
    m.osds = Array.from({ length: 1003 }, (_, i) => ({ ...proto, osd: i }));
    m.max_osd = 1003;
  });
}

export class Reader extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
}

/** A module reading `state`, as module code calls the accessors. */
export async function readerOn(state: ClusterState): Promise<{ module: Reader; host: MgrHost }> {
  const host = await MgrHost.create({
    preloaded: [describeModule('reader', '<bench>', Reader, null)],
    builtinModules: false,
    logger: createRootLogger({ file: '/dev/null' }),
  });
  host.modules.use(['reader']);
  host.start();
  host.feed.adopt(state);
  return { module: host.modules.instance<Reader>('reader')!, host };
}

/**
 * Accessor latency from inside a module on the recorded 3-OSD trace's final state (and its OSD map grown to 1003
 * OSDs, the size of the recorded large cluster). Baseline in the same run: a deep copy of the same value per call,
 * which is what ceph-mgr's conversion to Python amounts to; real ceph-mgr's recorded figures are printed beside.
 */
export async function benchAccessors(
  tracePath: string,
): Promise<{ rows: AccessorRow[]; sizes: Record<string, number> }> {
  const small = finalState(tracePath);
  const large = scaledTo1003(small);
  const rows: AccessorRow[] = [];
  const run = async (
    label: string,
    state: ClusterState,
    call: (m: Reader) => unknown,
    ceph: Record<string, number>,
    key: string,
  ) => {
    const { module, host } = await readerOn(state);
    const value = call(module);
    const m = measure(label, () => call(module));
    const baseline = measure(`deep copy ${label}`, () => structuredClone(value), { batches: 20 });
    rows.push({ ...m, baseline, speedup: baseline.medianNs / m.medianNs, cephUs: ceph[key] ?? null });
    await host.stop();
  };
  const calls: Array<[string, (m: Reader) => unknown]> = [
    ["get('osd_map')", (m) => m.get('osd_map')],
    ["get('osd_map_crush')", (m) => m.get('osd_map_crush')],
    ["get('health')", (m) => m.get('health')],
    ["get('pg_summary')", (m) => m.get('pg_summary')],
    ["get('pg_status')", (m) => m.get('pg_status')],
    ["get('pg_dump')", (m) => m.get('pg_dump')],
    ["get('df')", (m) => m.get('df')],
    ["get('osd_metadata')", (m) => m.get('osd_metadata')],
    ["get_metadata('osd','0')", (m) => m.get_metadata('osd', '0')],
    ["get_daemon_status('osd','0')", (m) => m.get_daemon_status('osd', '0')],
    ["get_counter('osd','0','osd.op_w')", (m) => m.get_counter('osd', '0', 'osd.op_w')],
    ["get_latest_counter('osd','0','osd.op_w')", (m) => m.get_latest_counter('osd', '0', 'osd.op_w')],
    ["get_perf_schema('osd','0')", (m) => m.get_perf_schema('osd', '0')],
    ['get_all_perf_counters()', (m) => m.get_all_perf_counters()],
    ['list_servers()', (m) => m.list_servers()],
    ['have_mon_connection()', (m) => m.have_mon_connection()],
    ['get_mgr_id()', (m) => m.get_mgr_id()],
  ];
  for (const [label, call] of calls) await run(`${label} [3 OSDs]`, small, call, CEPH_US_3OSD, label);
  for (const [label, call] of calls.slice(0, 2)) await run(`${label} [1003 OSDs]`, large, call, CEPH_US_1003OSD, label);
  return {
    rows,
    sizes: {
      osd_map_json_bytes_3: JSON.stringify(small.maps.osd_map!.map).length,
      osd_map_json_bytes_1003: JSON.stringify(large.maps.osd_map!.map).length,
    },
  };
}

export function printAccessors(rows: AccessorRow[]): void {
  console.log(
    '\naccessor latency from a module, recorded trace (median / p99 of batch means; baseline: a deep copy of the same value; ceph-mgr: recorded, not this run)',
  );
  console.log(
    `${'call'.padEnd(48)} ${'median'.padStart(10)} ${'p99'.padStart(10)} ${'baseline'.padStart(10)} ${'x faster'.padStart(9)} ${'ceph-mgr'.padStart(10)}`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(48)} ${formatNs(r.medianNs).padStart(10)} ${formatNs(r.p99Ns).padStart(10)} ${formatNs(r.baseline.medianNs).padStart(10)} ${r.speedup.toFixed(0).padStart(9)} ${(r.cephUs === null ? '' : formatNs(r.cephUs * 1000)).padStart(10)}`,
    );
  }
}
