import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { lastValueFrom, toArray } from 'rxjs';
import { parseItems } from '../../src/ingest/input-stage.ts';
import { readTraceLines, type TraceLine } from '../../src/sources/trace-lines.ts';
import { traceSource } from '../../src/sources/trace-source.ts';
import { tempDir, WHOLE_TRACE } from '../helpers.ts';

async function collect(path: string, opts = {}): Promise<TraceLine[]> {
  const out: TraceLine[] = [];
  for await (const batch of readTraceLines(path, opts)) out.push(...batch);
  return out;
}

const text = (l: TraceLine) => ('text' in l ? l.text : `<${l.oversized} bytes>`);

describe('reading trace lines', () => {
  it('reads plain and gzip files alike, by content not by name, with CRLF and a last line without newline', async (t) => {
    const dir = tempDir(t);
    const body = 'a\r\n\n# c\nbb\nlast';
    writeFileSync(join(dir, 'plain.jsonl'), body);
    writeFileSync(join(dir, 'zipped.jsonl'), gzipSync(body));
    for (const f of ['plain.jsonl', 'zipped.jsonl']) {
      const lines = await collect(join(dir, f));
      assert.deepEqual(lines.map(text), ['a', '', '# c', 'bb', 'last']);
      assert.deepEqual(
        lines.map((l) => l.line),
        [1, 2, 3, 4, 5],
      );
      assert.deepEqual(
        lines.map((l) => l.end),
        [3, 4, 8, 11, 15],
      );
    }
  });

  it('rejects a line over the limit by its length, keeping the lines around it', async (t) => {
    const dir = tempDir(t);
    const f = join(dir, 'big.jsonl');
    writeFileSync(f, `one\n${'x'.repeat(5000)}\ntwo\n${'y'.repeat(3000)}`);
    const lines = await collect(f, { maxLineBytes: 1000 });
    assert.deepEqual(lines.map(text), ['one', '<5000 bytes>', 'two', '<3000 bytes>']);
  });

  it('resumes after a line: a plain file by seeking, gzip by skipping', async (t) => {
    const dir = tempDir(t);
    const body = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    writeFileSync(join(dir, 'p.jsonl'), body);
    writeFileSync(join(dir, 'z.jsonl.gz'), gzipSync(body));
    const all = await collect(join(dir, 'p.jsonl'));
    const at = all[41]!;
    for (const f of ['p.jsonl', 'z.jsonl.gz']) {
      const rest = await collect(join(dir, f), { afterLine: at.line, afterOffset: at.end });
      assert.equal(rest.length, 58);
      assert.deepEqual(rest[0], { line: 43, text: 'line 43', end: all[42]!.end });
    }
  });

  it('emits the validated events of a real trace as an Observable, in order', async () => {
    const lines = await lastValueFrom(traceSource(WHOLE_TRACE).pipe(toArray()));
    assert.ok(
      lines.every((i) => i.kind === 'line'),
      'a source yields lines; ingest parses them',
    );
    const items = await lastValueFrom(traceSource(WHOLE_TRACE).pipe(parseItems(), toArray()));
    assert.equal(items.length, 647);
    assert.ok(items.every((i, n) => i.kind === 'event' && i.line === n + 1));
  });

  it('ends with a rejection, not an error, when the file breaks part-way', async (t) => {
    const dir = tempDir(t);
    const f = join(dir, 'cut.jsonl.gz');
    const whole = gzipSync(`${'{"kind":"heartbeat","t":1}\n'.repeat(2000)}`);
    writeFileSync(f, whole.subarray(0, whole.length - 30));
    const items = await lastValueFrom(traceSource(f).pipe(parseItems(), toArray()));
    const last = items.at(-1)!;
    assert.equal(last.kind, 'rejection');
    assert.ok(items.length > 1);
    if (last.kind === 'rejection') {
      assert.equal(last.rejection.code, 'MGR_ERR_TRACE_READ');
      assert.match(
        last.rejection.reason,
        /^truncated or corrupt gzip \(.*\) after line \d+, \d+ bytes of the file read$/,
      );
    }
  });
});
