import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EVENT_KINDS } from '../../schemas/event.ts';
import { stateDigest } from '../../src/entry/host.ts';
import { ERRORS } from '../../src/errors.ts';
import { parseTraceLine } from '../../src/ingest/parse-line.ts';
import { formatRejection, type Rejection } from '../../src/ingest/rejection.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers.ts';
import { prototypeSnapshot } from '../proto-snapshot.ts';
import { decoded, fuzzLines, ignored, MUTANTS } from './fuzz-lines.ts';

/**
 * A fuzzer of the ingest path: the lines of fuzz-lines.ts replayed in-process through the path `mgrkit replay` takes
 * (trace reader → parse → validate → fold → commit).
 */

describe('the ingest path under fuzzed input', () => {
  it(`takes ${MUTANTS} mutated lines of every kind without a crash, a silent stop or a prototype change`, async (t) => {
    const { prefix, templates, lines, goodLines } = fuzzLines();
    for (const e of prefix) {
      const parsed = parseTraceLine(JSON.stringify(e), 'good', 1);
      assert.ok(parsed !== null && 'event' in parsed, `good line of ${e.kind} is valid`);
    }
    const kinds = new Set(templates.map((e) => e.kind as string));
    assert.deepEqual(
      EVENT_KINDS.filter((k) => !kinds.has(k)),
      [],
      'templates of every kind',
    );
    for (const m of lines) assert.equal(m.indexOf(0x0a), -1);
    const dir = tempDir(t);
    const trace = join(dir, 'fuzz.jsonl');
    const nl = Buffer.from('\n');
    writeFileSync(trace, Buffer.concat(lines.flatMap((l) => [l, nl])));

    const before = prototypeSnapshot();
    const rejections: Rejection[] = [];
    const store = Store.open(join(dir, 'db'));
    let summary: Awaited<ReturnType<typeof replayTrace>>['summary'];
    try {
      ({ summary } = await replayTrace({ trace, store, onRejection: (r) => rejections.push(r) }));
    } finally {
      await store.close();
    }
    assert.deepEqual(prototypeSnapshot(), before, 'no prototype changed');

    // Every line is accepted or rejected, each rejection once, at its own line, under a registered code.
    const texts = lines.map(decoded);
    const rejectedLines = rejections.map((r) => r.line);
    assert.deepEqual(
      rejectedLines,
      [...rejectedLines].sort((a, b) => a - b),
    );
    assert.equal(new Set(rejectedLines).size, rejectedLines.length, 'no line rejected twice');
    for (const r of rejections) {
      assert.ok(r.line >= 1 && r.line <= lines.length && !ignored(texts[r.line - 1]!), `line ${r.line}`);
      assert.ok(r.code in ERRORS, r.code);
      assert.ok(formatRejection(r).startsWith(`${trace}:${r.line}: `));
      assert.ok(!goodLines.has(r.line), `good line ${r.line} was rejected: ${formatRejection(r)}`);
    }
    const counted = texts.filter((x) => !ignored(x)).length;
    assert.equal(summary.events.accepted + summary.events.rejected, counted, 'no line silently dropped');
    assert.equal(summary.total.lines, lines.length, 'read to the last line');
    assert.ok(summary.events.rejected > MUTANTS / 2, `most mutants are refused (${summary.events.rejected})`);

    // What was applied is exactly the lines not rejected, in order: the good lines among them.
    const rejectedSet = new Set(rejectedLines);
    let state: ClusterState = createEmptyState();
    let batch: Array<{ event: never; ref: number }> = [];
    const flush = () => {
      const folded = foldBatch(state, batch);
      assert.deepEqual(
        folded.rejected.map((r) => r.ref),
        [],
      );
      state = folded.state;
      batch = [];
    };
    texts.forEach((text, i) => {
      if (ignored(text) || rejectedSet.has(i + 1)) return;
      batch.push({ event: JSON.parse(text.trim()) as never, ref: i + 1 });
      if (batch.length >= 500) flush();
    });
    flush();
    assert.equal(state.seq, summary.events.accepted);
    assert.equal(stateDigest(state), summary.digest, 'the state is the fold of the accepted lines');
    assert.deepEqual(prototypeSnapshot(), before, 'no prototype changed');
  });
});
