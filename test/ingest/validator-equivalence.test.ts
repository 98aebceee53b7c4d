import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ClusterEventSchema, EVENT_KINDS, type EventKind } from '../../schemas/event.ts';
import { CompiledEventValidator } from '../../src/ingest/compiled-validator.ts';
import { checkInputShape } from '../../src/ingest/input-shape.ts';
import { parseTraceLine } from '../../src/ingest/parse-line.ts';
import { simulateEvents } from '../../src/sim/simulate-events.ts';
import { ROOT, readJsonl } from '../helpers.ts';
import { decoded, fuzzLines, ignored } from './fuzz-lines.ts';

/**
 * The ingest checks a line with a validator compiled from the JSON Schema and re-runs zod only on a line it refuses.
 * That gives today's outcome for every line only if the two decide alike: here, on every line of the recorded
 * traces, of a simulated cluster and of the fuzzer.
 */

const KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);

interface Tally {
  accepted: number;
  rejected: number;
}

function traceLines(): Array<{ name: string; lines: string[] }> {
  const dir = join(ROOT, 'traces');
  const traces = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl.gz') && !f.endsWith('.expect.jsonl.gz'))
    .map((f) => ({ name: f, lines: readJsonl<unknown>(join(dir, f)).map((e) => JSON.stringify(e)) }));
  assert.ok(traces.length >= 2, 'the recorded traces');
  const sim = { osds: 8, hosts: 4, pgs: 128, duration: 90, statsPeriod: 2, seed: 7 };
  traces.push({ name: 'simulated', lines: [...simulateEvents(sim)].map((e) => JSON.stringify(e)) });
  const fuzz = fuzzLines().lines.map(decoded);
  traces.push({ name: 'fuzz', lines: fuzz });
  return traces;
}

/** Runs both checks on every line: the same verdict from each, and from the whole line path the same outcome. */
function compare(name: string, lines: readonly string[], fast: CompiledEventValidator, tally: Map<string, Tally>) {
  lines.forEach((text, i) => {
    if (ignored(text)) return;
    const at = `${name}:${i + 1}`;
    assert.deepEqual(parseTraceLine(text, name, i + 1, fast), parseTraceLine(text, name, i + 1, null), at);
    let value: unknown;
    try {
      value = JSON.parse(text.trim());
    } catch {
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const kind = (value as { kind?: unknown }).kind;
    if (checkInputShape(value) !== null || typeof kind !== 'string' || !KINDS.has(kind)) return;
    const byZod = ClusterEventSchema.safeParse(value).success;
    const compiled = fast.isValid(value, kind as EventKind);
    assert.equal(compiled, byZod, `${at}: ${kind} ${byZod ? 'accepted' : 'rejected'} by zod: ${text.slice(0, 300)}`);
    const t = tally.get(kind) ?? { accepted: 0, rejected: 0 };
    if (byZod) t.accepted++;
    else t.rejected++;
    tally.set(kind, t);
  });
}

describe('the compiled validator', () => {
  it('accepts and rejects exactly the lines zod does, so every line keeps its outcome and its rejection', () => {
    const fast = new CompiledEventValidator();
    const tally = new Map<string, Tally>();
    for (const { name, lines } of traceLines()) compare(name, lines, fast, tally);
    // Both verdicts were reached on every kind: neither side of the comparison is vacuous.
    for (const kind of EVENT_KINDS) {
      const t = tally.get(kind);
      assert.ok(t !== undefined && t.accepted > 0 && t.rejected > 0, `${kind}: ${JSON.stringify(t)}`);
    }
  });

  it('leaves a kind it cannot compile to zod: its valid lines are still accepted, past the warm-up too', () => {
    const broken = new CompiledEventValidator({ oneOf: [], $defs: {} });
    const { name, lines } = traceLines()[0]!;
    const text = lines.find((l) => {
      const r = parseTraceLine(l, name, 1, null);
      return r !== null && 'event' in r;
    })!;
    for (let line = 1; line <= 100; line++) {
      const r = parseTraceLine(text, name, line, broken);
      assert.ok(r !== null && 'event' in r, `line ${line}: ${JSON.stringify(r)}`);
    }
  });
});
