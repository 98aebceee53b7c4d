import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterEvent } from '../schemas/event.ts';
import { replayTrace } from '../src/run/replay.ts';
import { SimulatedCluster } from '../src/sim/simulated-cluster.ts';
import { writeTraceFile } from '../src/sim/write-trace.ts';
import { type ClusterState, createEmptyState } from '../src/state/cluster-state.ts';
import { foldBatch } from '../src/state/fold.ts';
import { Store } from '../src/store/store.ts';
import { readerOn } from './accessors.bench.ts';
import { BIN, ensureBuilt } from './built-cli.ts';
import { foldInBatches, formatNs, type Measurement, measure } from './harness.ts';

/** One simulated size the suite runs at. */
export interface ScaleSize {
  readonly osds: number;
  /** Seconds of simulated stream time to replay. */
  readonly duration: number;
  /** Also time replays of whole maps, patches and PG stats on their own (minutes at 10,000 OSDs). */
  readonly byKind?: boolean;
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

/** Recovery of a store in fresh processes: {@link benchRecovery}. */
export interface RecoveryResult {
  /**
   * A fresh process running the build opens the store, recovers the latest state from its snapshot and journal,
   * and serves a module's first `get('osd_map')`: from opening the store to the answer.
   */
  ms: number;
  /** Of `ms`: the state recovered, before the module host starts. */
  stateMs: number;
  /** The same process, from its start (Node's, and loading the build) to the answer. */
  childProcessMs: number;
  /** `mgrkit get osd_map --db` (the built CLI, as a user runs it) from its start to its exit, the map printed. */
  processMs: number;
  /** Resident memory of the fresh process once it has recovered and served that get. */
  rssMiB: number;
  heapMiB: number;
}

export interface ScaleResult {
  osds: number;
  pgs: number;
  pools: number;
  events: number;
  accessors: ScaleAccessorRow[];
  replay: ReplayRow[];
  recovery: RecoveryResult & {
    /** The baseline: the same state folded from the whole journal, no snapshot. */
    fromJournalMs: number;
  };
}

function foldInMemory(events: readonly ClusterEvent[], state = createEmptyState()): ClusterState {
  return foldInBatches(state, events).state;
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

/** Reweights per run (each makes an OSD map epoch): fewer on big maps, whose whole form is megabytes a piece. */
function reweights(osds: number): number {
  return Math.max(20, Math.min(200, Math.round(200_000 / osds)));
}

/**
 * A store holding `events` as a replay leaves it (journal, snapshots, a final snapshot), written directly: the
 * recovery measured below does not depend on how the store was filled, and parsing gigabytes of trace text again
 * would take most of the run at 10,000 OSDs (the replay rows above measure that path).
 */
export async function journal(db: string, events: readonly ClusterEvent[]): Promise<ClusterState> {
  const store = Store.open(db);
  let state = createEmptyState();
  for (let i = 0; i < events.length; i += 2048) {
    const r = foldBatch(
      state,
      events.slice(i, i + 2048).map((event, ref) => ({ event, ref })),
    );
    state = r.state;
    const last = i + 2048 >= events.length;
    await store.commit({ events: r.accepted.map((a) => a.event), ...(last ? { snapshot: state } : {}) });
  }
  await store.close();
  return state;
}

/** What {@link recoverInChild} measured: medians of a few fresh processes. */
export interface RecoveryInChild {
  /** From opening the store to a module's first `get('osd_map')` served. */
  ms: number;
  /** From opening the store to its latest state recovered (the part of `ms` before the module host). */
  stateMs: number;
  /** From the child's start (Node's own start, then loading the build) to that first get. */
  sinceStartMs: number;
  rssMiB: number;
  heapMiB: number;
}

const RECOVER_CHILD = fileURLToPath(new URL('./recover-child.mjs', import.meta.url));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * Recovers the store at `db` in a fresh process running the build (dist/, built first when stale) and serves a get
 * from a module there: how long it took, and the memory then; the median of `runs` processes.
 */
export function recoverInChild(db: string, runs = 1): RecoveryInChild {
  ensureBuilt();
  const all: RecoveryInChild[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, [RECOVER_CHILD, db], { encoding: 'utf8', maxBuffer: 1 << 20 });
    all.push(JSON.parse(out.trim().split('\n').pop()!));
  }
  const mid = (k: keyof RecoveryInChild) => median(all.map((r) => r[k]));
  return {
    ms: mid('ms'),
    stateMs: mid('stateMs'),
    sinceStartMs: mid('sinceStartMs'),
    rssMiB: mid('rssMiB'),
    heapMiB: mid('heapMiB'),
  };
}

/**
 * `mgrkit get osd_map --db DB` as a user runs it (the built CLI, its output read through a pipe), from starting the
 * process to its exit: Node's start, loading, recovery, and printing the map. The median of `runs`.
 */
export function cliGetMs(db: string, runs = 3): number {
  ensureBuilt();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [BIN, 'get', 'osd_map', '--db', db], { maxBuffer: 1 << 30 });
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * Recovery of the store at `db` as a restarted host and a user's `mgrkit get` see it, each the median of 3 fresh
 * processes running the build: a module's first `get('osd_map')` after opening the store and after the process's
 * start, and `mgrkit get osd_map` from start to exit.
 */
export function benchRecovery(db: string): RecoveryResult {
  const child = recoverInChild(db, 3);
  return {
    ms: child.ms,
    stateMs: child.stateMs,
    childProcessMs: child.sinceStartMs,
    processMs: cliGetMs(db),
    rssMiB: child.rssMiB,
    heapMiB: child.heapMiB,
  };
}

/**
 * A simulated cluster's events over `duration` seconds, with an operator reweighting an OSD every 100 ms of stream
 * time from the tenth second on, so that the OSD map changes as often as the PG stats come.
 */
function simulatedEvents(size: ScaleSize, seed: number): ClusterEvent[] {
  const sim = new SimulatedCluster({ osds: size.osds, seed, scenario: false, duration: size.duration });
  const events = sim.advanceTo(sim.startMs + 10_000);
  for (let i = 0; i < reweights(size.osds); i++) {
    const r = sim.command({ prefix: 'osd reweight', id: (i * 7919) % size.osds, weight: 0.5 + (i % 5) / 10 });
    if (r.retval !== 0) throw new Error(`osd reweight failed: ${r.outs}`);
    events.push(...sim.advanceTo(sim.now + 100));
  }
  events.push(...sim.advanceTo(Math.max(sim.now, sim.startMs + size.duration * 1000)));
  return events;
}

/**
 * The suite at one simulated size: accessor latency from inside a module (baseline: a deep copy of the same value
 * per call), replay throughput with the journal on by kind of event (baseline: the fold alone), and recovery time
 * and resident memory of a store holding the cluster (baseline: folding its whole journal again).
 */
export async function benchScale(
  size: ScaleSize,
  seed = 1,
  log: (step: string) => void = () => {},
): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-scale-'));
  try {
    log('simulating');
    const events = simulatedEvents(size, seed);
    log(`folding and journaling ${events.length} events`);
    const db = join(dir, 'full.db');
    const state = await journal(db, events);
    const osdMap = state.maps.osd_map!.map;
    const pgs = osdMap.pools.reduce((n, p) => n + p.pg_num, 0);

    log('accessors');
    const { module: m, host } = await readerOn(state);
    const accessors: ScaleAccessorRow[] = [];
    const row = (label: string, call: () => unknown, batches = 40) => {
      const value = call();
      const ours = measure(label, call, { batches });
      // A deep copy of a 10,000-OSD PG dump takes seconds: a big value gets a few timed copies, not many.
      const t0 = performance.now();
      structuredClone(value);
      const once = performance.now() - t0;
      const baseline = measure(`deep copy ${label}`, () => structuredClone(value), {
        batches: once > 50 ? 3 : 10,
        batchMs: once > 50 ? 0 : 5,
      });
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
    for (const [kind, evs] of size.byKind === false ? [] : groups) {
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

    log('recovering in a fresh process');
    const recovered = benchRecovery(db);
    const store = Store.open(db, { readOnly: true });
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
      recovery: { ...recovered, fromJournalMs },
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
      `recovery in a fresh process (the build): ${r.recovery.ms.toFixed(0)} ms to open the store and serve the first get (state ${r.recovery.stateMs.toFixed(0)} ms; ${r.recovery.childProcessMs.toFixed(0)} ms from the process's start; baseline, refolding the whole journal: ${r.recovery.fromJournalMs.toFixed(0)} ms, ${(r.recovery.fromJournalMs / r.recovery.ms).toFixed(1)}x); RSS then ${r.recovery.rssMiB.toFixed(0)} MiB (heap ${r.recovery.heapMiB.toFixed(0)} MiB); \`mgrkit get osd_map\` start to exit ${r.recovery.processMs.toFixed(0)} ms`,
    );
  }
}
