import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { gunzipSync } from 'node:zlib';
import type { ParseOptions } from '../src/ingest/input-stage.ts';
import { parseTraceLine } from '../src/ingest/parse-line.ts';
import { decodeParsedBatch, encodeParsedBatch } from '../src/ingest/parsed-batch.ts';
import { replayTrace } from '../src/run/replay.ts';
import { SimulatedCluster } from '../src/sim/simulated-cluster.ts';
import { writeTraceFile } from '../src/sim/write-trace.ts';
import { Store } from '../src/store/store.ts';
import { formatNs, type Measurement, measure } from './harness.ts';

/** One way of parsing, replayed `rounds` times in turns with the other: medians. */
export interface PipelineRow {
  parsing: 'in-thread' | 'worker';
  events: number;
  wallMs: number;
  /** CPU of the whole process, every thread. */
  cpuMs: number;
  /** CPU of the main thread alone (it reads and folds; Linux only, else NaN): the ingest's critical path. */
  mainCpuMs: number;
  eventsPerSec: number;
}

/** What the main thread pays to take a batch of `pg_stats` events back from the worker, per event. */
export interface HandOverCost {
  lines: number;
  /** `JSON.parse` of the lines again: what parsing on this thread costs without validation. */
  jsonParse: Measurement;
  /** Taking a structured clone (`postMessage` of the events as they are): V8's deserializer. */
  structuredClone: Measurement;
  /** Decoding the batch as the worker sends it (MessagePack records). */
  packed: Measurement;
}

export interface PipelineResult {
  osds: number;
  duration: number;
  traceBytes: number;
  rows: PipelineRow[];
  /** The worker's replay rate over the in-thread one. */
  speedup: number;
  handOver: HandOverCost;
}

const ROUNDS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The main thread's CPU so far, from /proc (at the kernel's clock tick, 10 ms); NaN where there is none. */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, the 14th and 15th fields of the line, in ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

interface Run {
  ms: number;
  cpuMs: number;
  mainCpuMs: number;
}

async function timedReplay(trace: string, db: string, parsing: ParseOptions): Promise<Run> {
  const store = Store.open(db, { reset: true });
  const main0 = mainThreadCpuMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await replayTrace({ trace, store, parsing });
  } finally {
    await store.close();
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs: mainThreadCpuMs() - main0 };
}

function handOverCost(lines: readonly string[]): HandOverCost {
  const batch = lines.slice(0, 256);
  const parsed = batch.map((text, i) => parseTraceLine(text, 'bench', i + 1));
  const events = parsed.map((p) => (p !== null && 'event' in p ? p.event : null));
  const cloned = serialize(events);
  const packed = encodeParsedBatch(parsed, batch);
  const per = (m: Measurement): Measurement => ({
    ...m,
    medianNs: m.medianNs / batch.length,
    p99Ns: m.p99Ns / batch.length,
  });
  const opts = { batches: 15, batchMs: 20 };
  return {
    lines: batch.length,
    jsonParse: per(measure('JSON.parse', () => batch.map((l) => JSON.parse(l) as unknown), opts)),
    structuredClone: per(measure('structured clone', () => deserialize(cloned), opts)),
    packed: per(measure('packed (msgpack records)', () => decodeParsedBatch(packed), opts)),
  };
}

/**
 * Replays a simulated cluster's trace (gzip'd, `osds` OSDs over `duration` seconds) with its lines parsed on the
 * main thread and by the worker, in turns, and times what the main thread pays to take a parsed batch back.
 */
export async function benchIngestPipeline(osds = 1000, duration = 10): Promise<PipelineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-bench-pipeline-'));
  try {
    const sim = new SimulatedCluster({ osds, seed: 1, scenario: false, duration });
    const trace = join(dir, 'trace.jsonl.gz');
    const written = await writeTraceFile(sim.advanceTo(sim.startMs + duration * 1000), trace);
    const ways: Array<[PipelineRow['parsing'], ParseOptions]> = [
      ['in-thread', { workers: 0 }],
      ['worker', { workers: 1 }],
    ];
    const runs = new Map<string, Run[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, parsing] of ways) {
        const r = await timedReplay(trace, join(dir, 'db'), parsing);
        runs.set(name, [...(runs.get(name) ?? []), r]);
      }
    }
    const rows = ways.map(([parsing]): PipelineRow => {
      const rs = runs.get(parsing)!;
      const wallMs = median(rs.map((r) => r.ms));
      return {
        parsing,
        events: written.events,
        wallMs,
        cpuMs: median(rs.map((r) => r.cpuMs)),
        mainCpuMs: median(rs.map((r) => r.mainCpuMs)),
        eventsPerSec: written.events / (wallMs / 1000),
      };
    });
    const pgStats = gunzipSync(readFileSync(trace))
      .toString('utf8')
      .split('\n')
      .filter((l) => l.includes('"kind":"pg_stats"'));
    return {
      osds,
      duration,
      traceBytes: written.bytes,
      rows,
      speedup: rows[1]!.eventsPerSec / rows[0]!.eventsPerSec,
      handOver: handOverCost(pgStats),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printIngestPipeline(r: PipelineResult): void {
  console.log(
    `\nreplay of a simulated ${r.osds}-OSD trace (${r.duration} s, ${(r.traceBytes / 2 ** 20).toFixed(0)} MiB of lines), parsed in the main thread or by a worker (medians of ${ROUNDS}, in turns)`,
  );
  for (const row of r.rows) {
    console.log(
      `  ${row.parsing.padEnd(10)} ${row.events} events  wall ${(row.wallMs / 1000).toFixed(2)} s  cpu ${(row.cpuMs / 1000).toFixed(2)} s (main thread ${(row.mainCpuMs / 1000).toFixed(2)} s)  ${Math.round(row.eventsPerSec)} events/s`,
    );
  }
  const [a, b] = r.rows;
  console.log(
    `  worker / in-thread: ${r.speedup.toFixed(2)}x events/s, main thread's CPU ${(b!.mainCpuMs / a!.mainCpuMs).toFixed(2)}x`,
  );
  const h = r.handOver;
  console.log(`  taking a parsed pg_stats event back on the main thread (batches of ${h.lines}), per event:`);
  for (const m of [h.jsonParse, h.structuredClone, h.packed])
    console.log(`    ${m.name.padEnd(26)} ${formatNs(m.medianNs)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const osds = Number(process.argv[2] ?? 1000);
  const duration = Number(process.argv[3] ?? 10);
  printIngestPipeline(await benchIngestPipeline(osds, duration));
}
