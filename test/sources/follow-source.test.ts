import assert from 'node:assert/strict';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Subscription } from 'rxjs';
import { parseItems } from '../../src/ingest/input-stage.ts';
import type { IngestItem } from '../../src/ingest/source-item.ts';
import { followSource } from '../../src/sources/follow-source.ts';
import { PATCH_TRACE, readJsonl, tempDir, waitFor } from '../helpers.ts';

/** Collects a followed file's items, with waits for a condition and for the follower to have looked again. */
function follow(path: string, signal: AbortSignal) {
  const items: IngestItem[] = [];
  let completed = false;
  let idle = 0;
  const sub: Subscription = followSource(path, {
    pollMs: 10,
    signal,
    onIdle: () => {
      idle++;
    },
  })
    .pipe(parseItems())
    .subscribe({
      next: (i) => items.push(i),
      complete: () => {
        completed = true;
      },
    });
  const until = (check: () => boolean) => waitFor(`${items.length} items so far`, check);
  /** Resolves once the follower has found nothing new in a look that began after this call. */
  const lookedAgain = async () => {
    const from = idle;
    await waitFor('the follower to look at the file again', () => idle >= from + 2);
  };
  return { items, waitFor: until, lookedAgain, sub, done: () => completed };
}

const lines = readJsonl<Record<string, unknown>>(PATCH_TRACE)
  .slice(0, 200)
  .map((e) => `${JSON.stringify(e)}\n`);

describe('following a growing trace', () => {
  it('waits for the file, reads what is there, then each append, across a rotation and lines cut in two, in order', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'live.jsonl');
    const abort = new AbortController();
    const f = follow(file, abort.signal);
    t.after(() => abort.abort());
    await f.lookedAgain();
    assert.equal(f.items.length, 0);

    writeFileSync(file, lines.slice(0, 60).join(''));
    await f.waitFor(() => f.items.length === 60);
    // A line written in two pieces is read once it ends.
    const half = Math.floor(lines[60]!.length / 2);
    appendFileSync(file, lines[60]!.slice(0, half));
    await f.lookedAgain();
    assert.equal(f.items.length, 60);
    appendFileSync(file, lines[60]!.slice(half) + lines.slice(61, 120).join(''));
    await f.waitFor(() => f.items.length === 120);
    // Rotation as the recorder does it: the last lines go to the old file, which is renamed; a new file starts.
    appendFileSync(file, lines.slice(120, 140).join(''));
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines.slice(140).join(''));
    await f.waitFor(() => f.items.length === lines.length);
    await f.lookedAgain();

    assert.equal(f.items.length, lines.length);
    assert.ok(f.items.every((i) => i.kind === 'event'));
    assert.deepEqual(
      f.items.map((i) => (i.kind === 'event' ? i.event : null)),
      lines.map((l) => JSON.parse(l)),
    );
    assert.deepEqual(
      f.items.map((i) => i.line),
      lines.map((_, n) => n + 1),
    );
    abort.abort();
    await f.waitFor(() => f.done());
  });

  it('reads a file truncated in place again from its start, and rejects a bad line with its place', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'live.jsonl');
    writeFileSync(file, lines.slice(0, 50).join(''));
    const abort = new AbortController();
    t.after(() => abort.abort());
    const f = follow(file, abort.signal);
    await f.waitFor(() => f.items.length === 50);
    writeFileSync(file, `${lines[60]!}{"kind":"osd_map"}\n`);
    await f.waitFor(() => f.items.length === 52);
    const [again, bad] = f.items.slice(50);
    assert.equal(again!.kind, 'event');
    assert.deepEqual(again!.kind === 'event' ? again!.event : null, JSON.parse(lines[60]!));
    assert.equal(bad!.kind, 'rejection');
    if (bad!.kind === 'rejection') {
      assert.equal(bad!.rejection.code, 'MGR_ERR_TRACE_SCHEMA');
      assert.equal(bad!.rejection.file, file);
      assert.equal(bad!.rejection.line, 52);
    }
  });

  it('refuses a gzip file with a rejection naming it, and ends', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'live.jsonl.gz');
    writeFileSync(file, gzipSync(lines.slice(0, 10).join('')));
    const abort = new AbortController();
    t.after(() => abort.abort());
    const f = follow(file, abort.signal);
    await f.waitFor(() => f.done());
    assert.equal(f.items.length, 1);
    const only = f.items[0]!;
    assert.equal(only.kind, 'rejection');
    if (only.kind === 'rejection') {
      assert.equal(only.rejection.code, 'MGR_ERR_TRACE_OPEN');
      assert.match(only.rejection.reason, /gzip/);
      assert.equal(only.rejection.file, file);
    }
  });
});
