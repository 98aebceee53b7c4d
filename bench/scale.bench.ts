import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterEvent } from '../schemas/event.ts';
import type { NotifyType } from '../src/bus/notify-types.ts';
import { MgrHost } from '../src/host/host.ts';
import { describeModule } from '../src/host/loader.ts';
import { MgrModule } from '../src/host/mgr-module.ts';
import { replayTrace } from '../src/host/replay.ts';
import { createRootLogger } from '../src/log/logger.ts';
import { simulateEvents } from '../src/sources/simulator/simulate-events.ts';
import { writeTraceFile } from '../src/sources/simulator/write-trace.ts';
import { type ClusterState, createEmptyState } from '../src/state/cluster-state.ts';
import { foldBatch } from '../src/state/fold.ts';
import { stateAt } from '../src/store/recovery.ts';
import { Store } from '../src/store/store.ts';
import { formatNs, type Measurement, measure } from './harness.ts';

/** One simulated size the suite runs at. */
export interface ScaleSize {
  readonly osds: number;
  /** Seconds of simulated stream time to replay. */
  readonly duration: number;
}

export interface ScaleAccessorRow extends Measurement {
  baseline: Measurement;
  /** How many times faster than the baseline (the same value built afresh per call: a deep copy). */
  speedup: number;
}

export interface ReplayRow {
  kind: 'whole osd maps' | 'osd map patches' | 'pg_stats';
  events: number;
  eventsPerSec: number;
  /** The same events folded in memory without the journal, events/s: what the journal costs is the ratio. */
  foldOnlyEventsPerSec: number;
  ratio: number;
}

export interface ScaleResult {
  osds: number;
  pgs: number;
  pools: number;
  events: number;
  accessors: ScaleAccessorRow[];
  replay: ReplayRow[];
  recovery: {
    /** Open the store, recover the latest state from its snapshot and journal, serve the first get('osd_map'). */
    ms: number;
    /** The baseline: the same state folded from the whole journal, no snapshot. */
    fromJournalMs: number;
    rssMiB: number;
  };
}

class Reader extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
}

/** A module instance reading `state`, as a module's code calls the accessors. */
async function moduleOn(state: ClusterState): Promise<{ module: Reader; host: MgrHost }> {
  const host = await MgrHost.create({
    preloaded: [describeModule('reader', '<bench>', Reader, null)],
    builtinModules: false,
    logger: createRootLogger({ file: '/dev/null' }),
  });
  host.useModules(['reader']);
  host.start();
  host.setInitialState(state);
  return { module: host.instance<Reader>('reader')!, host };
}

function foldInMemory(events: readonly ClusterEvent[], state = createEmptyState()): ClusterState {
  for (let i = 0; i < events.length; i += 2048) {
    state = foldBatch(
      state,
      events.slice(i, i + 2048).map((event, ref) => ({ event, ref })),
    ).state;
  }
  return state;
}

/** The OSD map events as whole maps: each patch replaced by the map it makes. */
function asWholeMaps(osdMaps: readonly ClusterEvent[]): ClusterEvent[] {
  let state = createEmptyState();
  return osdMaps.map((event) => {
    state = foldBatch(state, [{ event, ref: 0 }]).state;
    const { patch: _, ...rest } = event as ClusterEvent & { patch?: unknown };
    return { ...rest, map: state.maps.osd_map!.map } as ClusterEvent;
  });
}

async function timedReplay(dir: string, name: string, events: readonly ClusterEvent[]): Promise<number> {
  const trace = join(dir, `${name}.jsonl`);
  await writeTraceFile(events, trace);
  const store = Store.open(join(dir, `${name}.db`));
  const t0 = performance.now();
  await replayTrace({ trace, store });
  const ms = performance.now() - t0;
  await store.close();
  return ms;
}

/**
 * The suite at one simulated size: accessor latency from inside a module (baseline: a deep copy of the same value
 * per call), replay throughput with the journal on by kind of event (baseline: the fold alone), and recovery time
 * and resident memory of a store holding the cluster (baseline: folding its whole journal again).
 */
export async function benchScale(size: ScaleSize, seed = 1): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-scale-'));
  try {
    const events = [...simulateEvents({ osds: size.osds, duration: size.duration, seed, scenario: false })];
    const state = foldInMemory(events);
    const osdMap = state.maps.osd_map!.map;
    const pgs = osdMap.pools.reduce((n, p) => n + p.pg_num, 0);

    const { module: m, host } = await moduleOn(state);
    const accessors: ScaleAccessorRow[] = [];
    const row = (label: string, call: () => unknown, batches = 40) => {
      const value = call();
      const ours = measure(label, call, { batches });
      const baseline = measure(`deep copy ${label}`, () => structuredClone(value), { batches: 10, batchMs: 5 });
      accessors.push({ ...ours, baseline, speedup: baseline.medianNs / ours.medianNs });
    };
    row("get('osd_map')", () => m.get('osd_map'));
    row("get('pg_summary')", () => m.get('pg_summary'));
    row("get('pg_dump')", () => m.get('pg_dump'));
    row("get_metadata('osd','0')", () => m.get_metadata('osd', '0'));
    row("get_counter('osd','0','osd.op_w')", () => m.get_counter('osd', '0', 'osd.op_w'));
    row("get_latest_counter('osd','0','osd.op_w')", () => m.get_latest_counter('osd', '0', 'osd.op_w'));
    row('get_all_perf_counters()', () => m.get_all_perf_counters());
    row('have_mon_connection()', () => m.have_mon_connection());
    await host.stop();

    const osdMaps = events.filter((e) => e.kind === 'osd_map');
    const groups: Array<[ReplayRow['kind'], ClusterEvent[]]> = [
      ['whole osd maps', asWholeMaps(osdMaps)],
      ['osd map patches', osdMaps],
      ['pg_stats', [osdMaps[0]!, ...events.filter((e) => e.kind === 'pg_stats')]],
    ];
    const replay: ReplayRow[] = [];
    for (const [kind, evs] of groups) {
      const ms = await timedReplay(dir, kind.replace(/ /g, '-'), evs);
      const t0 = performance.now();
      foldInMemory(evs);
      const foldMs = performance.now() - t0;
      replay.push({
        kind,
        events: evs.length,
        eventsPerSec: evs.length / (ms / 1000),
        foldOnlyEventsPerSec: evs.length / (foldMs / 1000),
        ratio: ms / foldMs,
      });
    }

    const full = join(dir, 'full.jsonl');
    await writeTraceFile(events, full);
    const db = join(dir, 'full.db');
    const filled = Store.open(db);
    await replayTrace({ trace: full, store: filled });
    await filled.close();
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const store = Store.open(db, { readOnly: true });
    const recovered = stateAt(store);
    const r = await moduleOn(recovered);
    r.module.get('osd_map');
    const ms = performance.now() - t0;
    const rssMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    await r.host.stop();
    const t1 = performance.now();
    foldInMemory([...store.events(0)]);
    const fromJournalMs = performance.now() - t1;
    await store.close();
    return {
      osds: size.osds,
      pgs,
      pools: osdMap.pools.length,
      events: events.length,
      accessors,
      replay,
      recovery: { ms, fromJournalMs, rssMiB },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printScale(results: readonly ScaleResult[]): void {
  for (const r of results) {
    console.log(
      `\nsimulated cluster: ${r.osds.toLocaleString('en-US')} OSDs, ${r.pools} pools, ${r.pgs.toLocaleString('en-US')} PGs, ${r.events.toLocaleString('en-US')} events`,
    );
    console.log(
      `${'call (from a module)'.padEnd(44)} ${'median'.padStart(10)} ${'p99'.padStart(10)} ${'deep copy'.padStart(10)} ${'x faster'.padStart(9)}`,
    );
    for (const a of r.accessors) {
      console.log(
        `${a.name.padEnd(44)} ${formatNs(a.medianNs).padStart(10)} ${formatNs(a.p99Ns).padStart(10)} ${formatNs(a.baseline.medianNs).padStart(10)} ${a.speedup.toFixed(0).padStart(9)}`,
      );
    }
    for (const p of r.replay) {
      console.log(
        `replay ${p.kind.padEnd(16)} ${String(p.events).padStart(7)} events: ${Math.round(p.eventsPerSec).toLocaleString('en-US').padStart(9)} events/s with the journal, ${Math.round(p.foldOnlyEventsPerSec).toLocaleString('en-US').padStart(9)} fold only (${p.ratio.toFixed(2)}x)`,
      );
    }
    console.log(
      `recovery: ${r.recovery.ms.toFixed(0)} ms to open the store and serve the first get (refolding the journal: ${r.recovery.fromJournalMs.toFixed(0)} ms); +${r.recovery.rssMiB.toFixed(0)} MiB RSS`,
    );
  }
}
