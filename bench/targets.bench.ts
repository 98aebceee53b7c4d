import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import type { ClusterEvent } from '../schemas/event.ts';
import { MgrHost } from '../src/host/host.ts';
import { createRootLogger } from '../src/log/logger.ts';
import { runLiveSim } from '../src/run/live-sim.ts';
import { replayTrace } from '../src/run/replay.ts';
import { writeTraceFile } from '../src/sim/write-trace.ts';
import { liveSim, parseSimSpec } from '../src/sources/sim-source.ts';
import type { ClusterState } from '../src/state/cluster-state.ts';
import { Store } from '../src/store/store.ts';
import { eventsOf, templates } from './fold-scale.bench.ts';
import { journal } from './scale.bench.ts';

const BIN = fileURLToPath(new URL('../bin/mgrkit.js', import.meta.url));
const TRACE_3OSD = fileURLToPath(new URL('../traces/pacific-3osd.jsonl.gz', import.meta.url));

/** A whole simulated trace replayed with the journal on, in a fresh process. */
export interface TraceReplayResult {
  osds: number;
  pgs: number | null;
  duration: number;
  events: number;
  /** Bytes of JSON (uncompressed). */
  bytes: number;
  wallMs: number;
  /** Wall time until the stream's clock passed the start-up burst (its first 5 s). */
  burstMs: number | null;
  /** Wall seconds per stream second after the burst. */
  steadyWallPerStreamS: number | null;
  /** After the last snapshot was published: the final snapshot, the cursor and the digest. */
  finalMs: number;
  maxRssMiB: number;
  stateHeapMiB: number;
  /** The baseline, in this process: gunzip, split and JSON.parse of every line, nothing else. */
  parseOnlyMs: number;
  /** `mgrkit digest --at SEQ` on the replay's store, a whole process each, at seqs all over the journal. */
  digestAt: DigestAtResult | null;
}

/** `mgrkit digest --at` timed at several seqs of a store. */
export interface DigestAtResult {
  seqs: number[];
  /** The slowest, start to exit, and its seq. */
  worstMs: number;
  worstSeq: number;
  medianMs: number;
  /** The farthest a timed seq was from the newest snapshot at or before it, in events. */
  farthestFromSnapshot: number;
  /** The baseline, in the same run: `mgrkit digest --at SEQ --verify` at the first seq after a snapshot (one event to fold, then every leaf hashed). */
  verifyMs: number;
  verifySeq: number;
}

/**
 * Times `mgrkit digest --at` as a process at 9 seqs spread over the store's journal (the first, the last, and the
 * ones farthest from a snapshot among evenly spaced ones), against `--verify` one event past a snapshot.
 */
export function benchDigestAt(db: string): DigestAtResult {
  const store = Store.open(db, { readOnly: true });
  const last = store.lastSeq();
  const spaced = Array.from({ length: 7 }, (_, i) => Math.max(1, Math.round(((i + 0.5) * last) / 7)));
  const seqs = [1, ...spaced, last];
  const farthestFromSnapshot = Math.max(...seqs.map((seq) => seq - store.snapshotSeqAtOrBefore(seq)));
  const snap = store.lastSnapshotSeq() === last ? store.snapshotSeqAtOrBefore(last - 1) : store.lastSnapshotSeq();
  void store.close();
  const times = seqs.map((seq) => {
    const t0 = performance.now();
    execFileSync(process.execPath, [BIN, 'digest', '--db', db, '--at', String(seq)], { encoding: 'utf8' });
    return performance.now() - t0;
  });
  const worst = times.indexOf(Math.max(...times));
  const verifySeq = Math.min(snap + 1, last);
  const t0 = performance.now();
  execFileSync(process.execPath, [BIN, 'digest', '--db', db, '--at', String(verifySeq), '--verify'], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const verifyMs = performance.now() - t0;
  const sorted = [...times].sort((a, b) => a - b);
  return {
    seqs,
    worstMs: times[worst]!,
    worstSeq: seqs[worst]!,
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    farthestFromSnapshot,
    verifyMs,
    verifySeq,
  };
}

/** Gunzip, split and JSON.parse every line of a trace: the floor any replay of it pays. */
export async function parseOnly(trace: string): Promise<{ ms: number; bytes: number; lines: number }> {
  const t0 = performance.now();
  let bytes = 0;
  let lines = 0;
  const input = createReadStream(trace);
  const rl = createInterface({ input: trace.endsWith('.gz') ? input.pipe(createGunzip()) : input, crlfDelay: 1 });
  for await (const line of rl) {
    bytes += line.length + 1;
    if (line === '') continue;
    JSON.parse(line);
    lines++;
  }
  return { ms: performance.now() - t0, bytes, lines };
}

/**
 * `mgrkit simulate --osds N --duration D` written to a file, then replayed as `mgrkit replay` does in a fresh process
 * (so its peak memory is its own), against the parse-only floor of the same file.
 */
export async function benchTraceReplay(
  osds: number,
  duration: number,
  pgs: number | null = null,
  log: (s: string) => void = () => {},
): Promise<TraceReplayResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-targets-'));
  try {
    const trace = join(dir, 'trace.jsonl.gz');
    log(`simulating ${osds} OSDs for ${duration} s`);
    execFileSync(
      process.execPath,
      [
        BIN,
        'simulate',
        '--osds',
        String(osds),
        ...(pgs !== null ? ['--pgs', String(pgs)] : []),
        '--seed',
        '1',
        '--duration',
        String(duration),
        '-o',
        trace,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    log(`parsing it alone (${(statSync(trace).size / 2 ** 20).toFixed(0)} MiB gzipped)`);
    const floor = await parseOnly(trace);
    log(`replaying it in a fresh process (${floor.lines} events)`);
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=16384',
        '--import',
        'tsx',
        fileURLToPath(new URL('./replay-child.ts', import.meta.url)),
        trace,
        join(dir, 'db'),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const r = JSON.parse(out.trim().split('\n').pop()!);
    log('timing mgrkit digest --at on its store');
    const digestAt = benchDigestAt(join(dir, 'db'));
    return {
      osds,
      pgs,
      duration,
      events: r.events,
      bytes: floor.bytes,
      wallMs: r.wallMs,
      burstMs: r.burstMs,
      steadyWallPerStreamS: r.steadyWallPerStreamS,
      finalMs: r.finalMs,
      maxRssMiB: r.maxRssMiB,
      stateHeapMiB: r.stateHeapMiB,
      parseOnlyMs: floor.ms,
      digestAt,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One kind of small event replayed with the journal on onto a cluster of many daemons. */
export interface IngestRateRow {
  kind: string;
  daemons: number;
  events: number;
  bytes: number;
  eventsPerSec: number;
  mbPerSec: number;
  /** The baseline, in the same run: JSON.parse of the same lines alone. */
  parseOnlyEventsPerSec: number;
}

/** How many events of each kind a rate is measured over (a second or so each at the targets). */
const RATE_EVENTS: Record<string, number> = {
  heartbeat: 200_000,
  clog: 100_000,
  daemon_report: 30_000,
  pg_stats: 3_000,
};

/**
 * A store holding a cluster of `n` daemons, each open, with its counters and PG stats reported once (the journal and
 * a snapshot, as a replay leaves them).
 */
async function storeOfCluster(db: string, n: number, tpl: Map<string, ClusterEvent>): Promise<ClusterState> {
  const t = 1_700_000_000_000;
  const evs: ClusterEvent[] = [];
  for (let i = 0; i < n; i++)
    evs.push({ ...structuredClone(tpl.get('daemon_open')!), daemon: `osd.${i}`, t } as ClusterEvent);
  for (let i = 0; i < n; i++) {
    evs.push({ ...structuredClone(tpl.get('daemon_report')!), daemon: `osd.${i}`, t } as ClusterEvent);
    evs.push({ ...structuredClone(tpl.get('pg_stats')!), reporter: `osd.${i}`, t } as ClusterEvent);
  }
  return journal(db, evs);
}

/**
 * Heartbeats, cluster log entries, daemon reports and PG stats, each kind written as a trace and replayed with the
 * journal on (parse, check, fold, commit) onto a cluster of `daemons` daemons.
 */
export async function benchIngestRates(
  daemons = 10_000,
  log: (s: string) => void = () => {},
): Promise<IngestRateRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-rates-'));
  try {
    const tpl = templates(TRACE_3OSD);
    const db = join(dir, 'db');
    log(`a cluster of ${daemons} daemons`);
    let t = (await storeOfCluster(db, daemons, tpl)).stamp + 1000;
    const rows: IngestRateRow[] = [];
    for (const [kind, count] of Object.entries(RATE_EVENTS)) {
      const trace = join(dir, `${kind}.jsonl`);
      const events = eventsOf(kind, daemons, count, t, tpl);
      t += count + 1000;
      await writeTraceFile(events, trace);
      const floor = await parseOnly(trace);
      log(`${count} ${kind} events`);
      const store = Store.open(db);
      const t0 = performance.now();
      const { summary } = await replayTrace({ trace, store });
      const ms = performance.now() - t0;
      await store.close();
      if (summary.events.accepted !== count) throw new Error(`${kind}: ${summary.events.rejected} rejected`);
      rows.push({
        kind,
        daemons,
        events: count,
        bytes: floor.bytes,
        eventsPerSec: count / (ms / 1000),
        mbPerSec: floor.bytes / 1e6 / (ms / 1000),
        parseOnlyEventsPerSec: count / (floor.ms / 1000),
      });
      rmSync(trace, { force: true });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How far a live simulated cluster's published state trails the cluster's own clock. */
export interface LiveLagResult {
  osds: number;
  seconds: number;
  /** `[seconds since start, lag in seconds]`, one a second. */
  samples: Array<[number, number]>;
  /** The largest lag seen after the first minute. */
  maxLagAfterMinuteS: number | null;
}

/**
 * `mgrkit run --source sim:osds=N` in this process for `seconds` of wall time (the cluster runs on the wall clock):
 * each second, the cluster's clock minus the stamp of the snapshot the modules see.
 */
export async function benchLiveLag(
  osds = 10_000,
  seconds = 75,
  log: (s: string) => void = () => {},
): Promise<LiveLagResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-lag-'));
  const spec = `sim:osds=${osds}`;
  const store = Store.open(join(dir, 'db'));
  const host = await MgrHost.create({ builtinModules: false, logger: createRootLogger({ file: '/dev/null' }) });
  try {
    host.start();
    const sim = liveSim(parseSimSpec(spec));
    const started = Date.now();
    const run = runLiveSim({ sim, spec, store, host });
    const samples: Array<[number, number]> = [];
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = Date.now();
        const since = (now - started) / 1000;
        const stamp = host.state.stamp;
        samples.push([since, stamp === 0 ? since : (now - stamp) / 1000]);
        if (samples.length % 15 === 0)
          log(`${since.toFixed(0)} s: ${samples[samples.length - 1]![1].toFixed(1)} s behind`);
        if (since >= seconds) {
          clearInterval(timer);
          resolve();
        }
      }, 1000);
    });
    sim.stop();
    await run.done;
    const after = samples.filter(([s]) => s >= 60).map(([, lag]) => lag);
    return { osds, seconds, samples, maxLagAfterMinuteS: after.length > 0 ? Math.max(...after) : null };
  } finally {
    await host.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
