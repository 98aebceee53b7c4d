import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ClusterEventSchema, EVENT_KINDS, type EventKind } from '../schemas/event.ts';
import { clusterEventJsonSchema } from '../schemas/json-schema.ts';
import { CompiledEventValidator } from '../src/ingest/compiled-validator.ts';
import { parseTraceLine } from '../src/ingest/parse-line.ts';
import { simulateEvents } from '../src/sim/simulate-events.ts';
import { formatNs, type Measurement, measure } from './harness.ts';

/** The lines of one event kind from one source, and what each check costs on them. */
export interface ValidateRow {
  source: string;
  kind: EventKind;
  lines: number;
  bytes: number;
  /** JSON.parse alone: the baseline. */
  parse: Measurement;
  /** JSON.parse + zod's safeParse (what the ingest ran before the compiled validator). */
  zod: Measurement;
  /** JSON.parse + the Ajv validator compiled from the JSON Schema. */
  compiled: Measurement;
  /** The whole line path (parse, shape and kind checks, validation) with zod alone, then with the compiled check. */
  lineZod: Measurement;
  lineCompiled: Measurement;
}

/** What making the validator costs: generating the JSON Schema, and compiling each kind (first use) and all. */
export interface CompileCost {
  jsonSchemaMs: number;
  byKindMs: Record<string, number>;
  allMs: number;
}

export interface ValidateResult {
  rows: ValidateRow[];
  compile: CompileCost;
}

/** At most this many lines of a kind per source: enough for a stable figure, small enough to keep the run short. */
const MAX_LINES = 400;
/** Rounds of the five measurements of a kind, taken in turns. */
const ROUNDS = 5;

function byKind(source: string, lines: string[]): Array<{ source: string; kind: EventKind; lines: string[] }> {
  const groups = new Map<EventKind, string[]>();
  for (const line of lines) {
    const kind = (JSON.parse(line) as { kind: EventKind }).kind;
    const group = groups.get(kind) ?? [];
    if (group.length < MAX_LINES) group.push(line);
    groups.set(kind, group);
  }
  return EVENT_KINDS.filter((k) => groups.has(k)).map((kind) => ({ source, kind, lines: groups.get(kind)! }));
}

function compileCost(): CompileCost {
  let t0 = performance.now();
  const schema = clusterEventJsonSchema();
  const jsonSchemaMs = performance.now() - t0;
  const byKindMs: Record<string, number> = {};
  const v = new CompiledEventValidator(schema);
  t0 = performance.now();
  for (const kind of EVENT_KINDS) {
    const t1 = performance.now();
    v.compile(kind);
    byKindMs[kind] = performance.now() - t1;
  }
  return { jsonSchemaMs, byKindMs, allMs: performance.now() - t0 };
}

/**
 * JSON.parse alone, + zod, + the compiled validator, per event kind, on the recorded trace's lines and a simulated
 * cluster's (`osds` OSDs, their first full `pg_stats` included), and the whole line path with zod alone and with the
 * compiled check first.
 */
export function benchValidate(trace: string, osds = 1000): ValidateResult {
  const compile = compileCost();
  const recorded = gunzipSync(readFileSync(trace))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  const simulated = [...simulateEvents({ osds, duration: 10, seed: 1 })].map((e) => JSON.stringify(e));
  const groups = [...byKind(trace.split('/').pop()!, recorded), ...byKind(`simulated ${osds} OSDs`, simulated)];
  const fast = new CompiledEventValidator();
  const rows: ValidateRow[] = [];
  for (const { source, kind, lines } of groups) {
    fast.compile(kind);
    const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
    const run = (check: (v: object) => boolean) => () => {
      let ok = 0;
      for (const l of lines) if (check(JSON.parse(l) as object)) ok++;
      if (ok !== lines.length) throw new Error(`${source} ${kind}: ${lines.length - ok} lines refused`);
      return ok;
    };
    const path = (f: typeof fast | null) => () => {
      for (let i = 0; i < lines.length; i++) parseTraceLine(lines[i]!, source, i + 1, f);
    };
    // The five are measured in turns, several rounds, and each keeps its median round: a load that comes and goes
    // on a shared machine then weighs on all five alike.
    const variants = {
      parse: run(() => true),
      zod: run((v) => ClusterEventSchema.safeParse(v).success),
      compiled: run((v) => fast.isValid(v, kind)),
      lineZod: path(null),
      lineCompiled: path(fast),
    };
    const rounds: Record<keyof typeof variants, Measurement[]> = {
      parse: [],
      zod: [],
      compiled: [],
      lineZod: [],
      lineCompiled: [],
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, fn] of Object.entries(variants) as Array<[keyof typeof variants, () => unknown]>) {
        rounds[name].push(measure(`${kind} ${name}`, fn, { batches: 5, batchMs: 10 }));
      }
    }
    const median = (ms: Measurement[]) => [...ms].sort((a, b) => a.medianNs - b.medianNs)[ms.length >> 1]!;
    rows.push({
      source,
      kind,
      lines: lines.length,
      bytes,
      parse: median(rounds.parse),
      zod: median(rounds.zod),
      compiled: median(rounds.compiled),
      lineZod: median(rounds.lineZod),
      lineCompiled: median(rounds.lineCompiled),
    });
  }
  return { rows, compile };
}

export function printValidate(r: ValidateResult): void {
  console.log('\nvalidation per event kind (MB/s of JSON, µs per event; ratios against JSON.parse alone, same run)');
  console.log(
    `${'source / kind'.padEnd(36)} ${'bytes/ev'.padStart(9)} ${'parse'.padStart(18)} ${'+ zod'.padStart(24)} ${'+ compiled'.padStart(24)}   line path zod → compiled`,
  );
  for (const row of r.rows) {
    const mbps = (m: Measurement) => row.bytes / 2 ** 20 / (m.medianNs / 1e9);
    const us = (m: Measurement) => m.medianNs / row.lines / 1000;
    const cell = (m: Measurement, ratio: boolean) =>
      `${mbps(m).toFixed(1).padStart(7)} MB/s ${us(m).toFixed(2).padStart(7)} µs${ratio ? ` ${(m.medianNs / row.parse.medianNs).toFixed(2).padStart(5)}x` : ''}`;
    console.log(
      `${`${row.source} ${row.kind}`.padEnd(36)} ${Math.round(row.bytes / row.lines)
        .toString()
        .padStart(
          9,
        )} ${cell(row.parse, false)} ${cell(row.zod, true)} ${cell(row.compiled, true)}   ${us(row.lineZod).toFixed(2)} → ${us(row.lineCompiled).toFixed(2)} µs (${(row.lineZod.medianNs / row.lineCompiled.medianNs).toFixed(2)}x faster)`,
    );
  }
  const c = r.compile;
  const slow = Object.entries(c.byKindMs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, ms]) => `${k} ${ms.toFixed(1)}`)
    .join(', ');
  console.log(
    `making the validator: JSON Schema from zod ${c.jsonSchemaMs.toFixed(1)} ms; Ajv compile of all kinds ${c.allMs.toFixed(0)} ms (each on its kind's first line; slowest: ${slow} ms; ${formatNs(c.byKindMs.heartbeat! * 1e6)} for heartbeat)`,
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  // `node --import tsx bench/validate.bench.ts [OSDS]`: the recorded trace and a simulated cluster of OSDS (1000).
  const trace = new URL('../traces/pacific-3osd.jsonl.gz', import.meta.url).pathname;
  printValidate(benchValidate(trace, Number(process.argv[2] ?? 1000)));
}
