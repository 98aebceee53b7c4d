import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { open } from 'lmdb';
import { Observable } from 'rxjs';
import { Ingestor } from '../../src/ingest/ingestor.ts';
import { inputStage, type ParseOptions, WORKER_BATCH_LINES } from '../../src/ingest/input-stage.ts';
import { parseTraceLine } from '../../src/ingest/parse-line.ts';
import { decodeParsedBatch, encodeParsedBatch } from '../../src/ingest/parsed-batch.ts';
import { formatRejection, type Rejection } from '../../src/ingest/rejection.ts';
import type { Source, SourceItem } from '../../src/ingest/source-item.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { traceSource } from '../../src/sources/trace-source.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { Store } from '../../src/store/store.ts';
import { PATCH_TRACE, tempDir, WHOLE_TRACE, waitFor } from '../helpers.ts';
import { decoded, fuzzLines } from './fuzz-lines.ts';

const IN_THREAD: ParseOptions = { workers: 0 };
/** Every line through the worker, in small batches, several at once. */
const IN_WORKER: ParseOptions = { workers: 1, workersAfterBytes: 0, maxBatchesInFlight: 3 };

function traceLines(path: string): string[] {
  return gunzipSync(readFileSync(path)).toString('utf8').split('\n');
}

/** The journal as stored: each entry as LMDB holds it (the line's own text, where it was kept). */
async function rawJournal(dir: string): Promise<unknown[]> {
  const root = open({ path: join(dir, 'store.mdb'), maxDbs: 16, readOnly: true });
  try {
    const journal = root.openDB({ name: 'journal', keyEncoding: 'uint32' });
    return [...journal.getRange()].map(({ key, value }) => [key, value]);
  } finally {
    await root.close();
  }
}

async function replay(trace: string, dir: string, parsing: ParseOptions, strict = false) {
  const rejections: Rejection[] = [];
  const store = Store.open(dir);
  try {
    const { summary } = await replayTrace({
      trace,
      store,
      parsing,
      strict,
      snapshotEvery: 100,
      onRejection: (r) => rejections.push(r),
    });
    return { summary, rejections: rejections.map(formatRejection), codes: rejections.map((r) => r.code) };
  } finally {
    await store.close();
  }
}

describe('parsing in a worker thread', () => {
  it('gives the same journal (lines kept as they came), rejections and digest as parsing in the thread', async (t) => {
    const dir = tempDir(t);
    const lines = traceLines(WHOLE_TRACE).filter((l) => l !== '');
    // A bad line of each sort among good ones, inside the worker's batches: each reported at its place.
    const bad = new Map<number, string>([
      [40, '{"kind": "health", "t": 1,'],
      [41, '{"kind": "no_such_kind", "t": 1}'],
      [300, '{"kind": "health", "t": "soon", "checks": {}}'],
      [301, '   '],
      [302, '# a comment'],
    ]);
    const mixed: string[] = [];
    const badAt: number[] = [];
    lines.forEach((l, i) => {
      const b = bad.get(i + 1);
      if (b !== undefined) {
        mixed.push(b);
        if (b.trim() !== '' && !b.startsWith('#')) badAt.push(mixed.length);
      }
      mixed.push(l);
    });
    const trace = join(dir, 'mixed.jsonl');
    writeFileSync(trace, `${mixed.join('\n')}\n`);

    const a = await replay(trace, join(dir, 'a'), IN_THREAD);
    const b = await replay(trace, join(dir, 'b'), IN_WORKER);
    assert.equal(b.summary.digest, a.summary.digest);
    assert.deepEqual(b.summary.events, a.summary.events);
    assert.equal(b.summary.events.rejected, 3);
    assert.equal(b.summary.events.accepted, lines.length);
    assert.deepEqual(b.rejections, a.rejections);
    assert.deepEqual(
      b.rejections.map((r) => r.slice(0, r.indexOf(': '))),
      badAt.map((n) => `${trace}:${n}`),
    );
    assert.deepEqual(b.codes, ['MGR_ERR_TRACE_NOT_JSON', 'MGR_ERR_TRACE_SCHEMA', 'MGR_ERR_TRACE_SCHEMA']);
    const journal = await rawJournal(join(dir, 'b'));
    assert.equal(journal.length, lines.length);
    assert.deepEqual(journal, await rawJournal(join(dir, 'a')));
    assert.ok(Array.isArray((journal[0] as [number, unknown])[1]), 'the journal keeps the text of the line');
  });

  it('stops a strict replay at the bad line, with every line before it committed', async (t) => {
    const dir = tempDir(t);
    const lines = traceLines(PATCH_TRACE).filter((l) => l !== '');
    const trace = join(dir, 'strict.jsonl');
    writeFileSync(trace, `${[...lines.slice(0, 30), '{"kind":', ...lines.slice(30)].join('\n')}\n`);
    const a = await replay(trace, join(dir, 'a'), IN_THREAD, true);
    const b = await replay(trace, join(dir, 'b'), IN_WORKER, true);
    assert.equal(b.summary.stoppedAt, a.summary.stoppedAt);
    assert.ok(b.summary.stoppedAt?.startsWith(`${trace}:31: `), `${b.summary.stoppedAt}`);
    assert.equal(b.summary.events.accepted, 30);
    assert.equal(b.summary.digest, a.summary.digest);
    assert.deepEqual(await rawJournal(join(dir, 'b')), await rawJournal(join(dir, 'a')));
  });

  it('decodes every line the fuzzer makes exactly as JSON.parse made it (key order, -0, lone surrogates)', () => {
    const { lines } = fuzzLines();
    const texts = [
      ...lines.slice(0, 3000).map(decoded),
      '{"kind":"health","t":-0,"checks":{}}',
      '{"kind":"health","t":1e-400,"checks":{"\\ud800":-1e-400}}',
      '{"kind":"health","t":1,"checks":{"b":1,"a":2,"10":3,"2":[-0.0,1e300,4294967296,-2147483649]}}',
    ];
    for (let at = 0; at < texts.length; at += 500) {
      const batch = texts.slice(at, at + 500);
      const parsed = batch.map((text, i) => parseTraceLine(text, 'f', at + i + 1));
      const back = decodeParsedBatch(structuredClone(encodeParsedBatch(parsed, batch)));
      assert.equal(back.length, parsed.length);
      for (let i = 0; i < parsed.length; i++) {
        const want = parsed[i]!;
        const got = back[i]!;
        assert.deepEqual(got, want, `line ${at + i + 1}`);
        if (want !== null && 'event' in want) {
          assert.ok(got !== null && 'event' in got);
          assert.equal(exact(got.event), exact(want.event), `line ${at + i + 1}`);
        }
      }
    }
  });

  it('reads no more than its bound of batches ahead of what is taken', async () => {
    const text = traceLines(PATCH_TRACE)[5]!;
    let read = 0;
    const endless: Source = (gate) =>
      new Observable<SourceItem>((sub) => {
        let stopped = false;
        (async () => {
          for (let line = 1; !stopped; line++) {
            const item: SourceItem = { kind: 'line', file: 'endless', text, line, end: line * 100 };
            const wait = gate(item);
            if (wait !== undefined) await wait;
            if (stopped) return;
            read++;
            sub.next(item);
          }
        })();
        return () => {
          stopped = true;
        };
      });
    const maxBatchesInFlight = 2;
    const stage = inputStage(endless, undefined, { workers: 1, workersAfterBytes: 0, maxBatchesInFlight });
    let taken = 0;
    let release: (() => void) | undefined;
    // The consumer takes one item, then holds everything back.
    const sub = stage(() => (taken === 0 ? undefined : new Promise<void>((r) => (release = r)))).subscribe(() => {
      taken++;
    });
    try {
      let last = -1;
      for (let i = 0; i < 200 && (read !== last || taken === 0); i++) {
        last = read;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(taken, 1);
      assert.ok(read >= WORKER_BATCH_LINES, `read ${read}`);
      // The batches in flight, the one being taken among them, and the line waiting at the gate.
      assert.ok(read <= maxBatchesInFlight * WORKER_BATCH_LINES + 1, `read ${read}`);
      release?.();
      await waitFor('the stage to go on once released', () => taken > 1);
    } finally {
      sub.unsubscribe();
    }
  });

  it('publishes each batch only once the journal holds it, in order, while the next is folded', async (t) => {
    const dir = tempDir(t);
    const store = Store.open(dir);
    t.after(() => store.close());
    const published: Array<[number, number]> = [];
    const ingestor = new Ingestor(store, createEmptyState(), {
      maxBatch: 7,
      parsing: IN_WORKER,
      publisher: { publish: (state) => published.push([state.seq, store.lastSeq()]) },
    });
    const report = await ingestor.ingest((gate) => traceSource(PATCH_TRACE, { gate }), 'trace:patch', {
      source: PATCH_TRACE,
      line: 0,
      offset: 0,
      accepted: 0,
      rejected: 0,
    });
    assert.ok(report.batches > 5);
    assert.ok(published.length > 5);
    for (const [seq, journaled] of published)
      assert.ok(journaled >= seq, `published ${seq} with ${journaled} journaled`);
    assert.deepEqual(
      published.map(([seq]) => seq),
      [...published.map(([seq]) => seq)].sort((x, y) => x - y),
    );
    assert.equal(published.at(-1)![0], report.lastSeq);
    assert.equal(store.lastSeq(), report.lastSeq);
  });
});

/** A value's JSON with its key order, and -0 told from 0. */
function exact(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (Object.is(x, -0) ? '-0' : x));
}
