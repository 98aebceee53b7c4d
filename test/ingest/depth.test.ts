import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_NESTING } from '../../src/ingest/input-shape.ts';
import { parseTraceLine } from '../../src/ingest/parse-line.ts';
import { formatRejection, type Rejection } from '../../src/ingest/rejection.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { Store } from '../../src/store/store.ts';
import { readJsonl, tempDir, WHOLE_TRACE } from '../helpers.ts';

/** `levels` arrays (or objects) around `inner`. */
function nested(levels: number, inner = '1', asObject = false): string {
  return asObject
    ? '{"a":'.repeat(levels) + inner + '}'.repeat(levels)
    : '['.repeat(levels) + inner + ']'.repeat(levels);
}

function rejectionOf(text: string): Rejection {
  const parsed = parseTraceLine(text, 'deep.jsonl', 3);
  assert.ok(parsed !== null && 'rejection' in parsed, 'expected a rejection');
  return parsed.rejection;
}

describe('nesting of any depth is rejected cleanly at parse', () => {
  it('accepts the deepest nesting real data needs and refuses one level past the limit', () => {
    // The event object is level 1: `x` holds MAX_NESTING - 1 more.
    const ok = parseTraceLine(`{"t":2,"kind":"heartbeat","x":${nested(MAX_NESTING - 1)}}`, 'deep.jsonl', 3);
    assert.ok(ok !== null && 'event' in ok);
    const r = rejectionOf(`{"t":2,"kind":"heartbeat","x":${nested(MAX_NESTING)}}`);
    assert.equal(r.code, 'MGR_ERR_TRACE_TOO_DEEP');
    assert.match(formatRejection(r), /^deep\.jsonl:3: heartbeat\.x\[0\]\[0\].*: nested more than 64 levels deep$/);
  });

  it('refuses 10,000 levels in any field, in the kind itself, or in a patch value, with no exception', () => {
    const deep = nested(10_000);
    const cases: Array<[string, string[]]> = [
      [`{"t":2,"kind":"heartbeat","x":${deep}}`, ['heartbeat', 'x']],
      [`{"t":2,"kind":${deep}}`, ['kind']],
      [`{"t":2,"kind":"heartbeat","x":${nested(10_000, '1', true)}}`, ['heartbeat', 'x']],
      [`{"t":${deep},"kind":"heartbeat"}`, ['heartbeat', 't']],
      [`{"t":2,"kind":"osd_map","epoch":2,"patch":[{"op":"add","path":"/x","value":${deep}}]}`, ['osd_map', 'patch']],
    ];
    for (const [text, path] of cases) {
      const r = rejectionOf(text);
      assert.equal(r.code, 'MGR_ERR_TRACE_TOO_DEEP', text.slice(0, 40));
      assert.deepEqual(r.path.slice(0, path.length), path);
      assert.ok(r.reason.length < 200);
    }
    // A line that is not an object is refused as such, before anything walks into it.
    assert.equal(rejectionOf(deep).code, 'MGR_ERR_TRACE_SCHEMA');
  });

  it('a replay rejects every deep line at its own line and applies all the good lines after it', async (t) => {
    const dir = tempDir(t);
    const good = readJsonl<{ t: number; kind: string }>(WHOLE_TRACE).slice(0, 40);
    const lines: string[] = [];
    const deepLines: number[] = [];
    const variants = [
      (d: number) => `{"t":2,"kind":"heartbeat","x":${nested(d)}}`,
      (d: number) => `{"t":2,"kind":${nested(d)}}`,
      (d: number) => `{"t":2,"kind":"clog","entry":${nested(d, '1', true)}}`,
      (d: number) => `{"t":2,"kind":"config","changes":[{"who":"osd","name":"x","value":${nested(d)}}]}`,
    ];
    good.forEach((e, i) => {
      lines.push(JSON.stringify(e));
      const depth = [65, 100, 1_000, 10_000, 50_000][i % 5]!;
      lines.push(variants[i % variants.length]!(depth));
      deepLines.push(lines.length);
    });
    const trace = join(dir, 'deep.jsonl');
    writeFileSync(trace, `${lines.join('\n')}\n`);
    const rejections: Rejection[] = [];
    const store = Store.open(join(dir, 'db'));
    try {
      const { summary } = await replayTrace({ trace, store, onRejection: (r) => rejections.push(r) });
      assert.deepEqual(
        rejections.map((r) => r.line),
        deepLines,
      );
      assert.ok(rejections.every((r) => r.code === 'MGR_ERR_TRACE_TOO_DEEP'));
      assert.equal(summary.events.accepted, good.length);
      assert.equal(summary.total.lines, lines.length, 'the replay read to the last line');
      // A re-run has nothing left to do and commits nothing twice.
      const again = await replayTrace({ trace, store });
      assert.equal(again.summary.events.accepted + again.summary.events.rejected, 0);
      assert.equal(again.summary.lastSeq, good.length);
    } finally {
      await store.close();
    }
  });

  it('--strict stops at the first deep line after committing what came before', async (t) => {
    const dir = tempDir(t);
    const trace = join(dir, 'deep.jsonl');
    writeFileSync(
      trace,
      [
        '{"t":1,"kind":"heartbeat"}',
        `{"t":2,"kind":"heartbeat","x":${nested(5_000)}}`,
        '{"t":3,"kind":"heartbeat"}',
      ].join('\n'),
    );
    const store = Store.open(join(dir, 'db'));
    try {
      const { summary } = await replayTrace({ trace, store, strict: true });
      assert.match(summary.stoppedAt ?? '', /deep\.jsonl:2: heartbeat\.x.*nested more than 64 levels deep/);
      assert.equal(summary.lastSeq, 1);
    } finally {
      await store.close();
    }
  });
});
