import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parseItems } from '../../src/ingest/input-stage.ts';
import type { IngestItem } from '../../src/ingest/source-item.ts';
import { followSource } from '../../src/sources/follow-source.ts';
import { PATCH_TRACE, readJsonl, tempDir, waitFor } from '../helpers.ts';
import { PYTHON3_MISSING, RECORDER } from './recorder-python.ts';

// The recorder's file output (recorder/mgrkit_recorder/writers.py, run here outside ceph-mgr: it needs only the
// standard library) read back by mgrkit: a plain file followed while it is written and rotated, a gzip file replayed.

/**
 * Writes stdin's lines through FileWriter(path, max_bytes, keep), flushing every `every` lines; with a 6th argument
 * it waits for SIGUSR1 after the first flush, then writes the rest at once.
 */
const WRITE = `
import signal, sys
sys.path.insert(0, sys.argv[1])
from writers import FileWriter
gated = len(sys.argv) > 6
if gated:
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
w = FileWriter(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
lines = sys.stdin.buffer.read().splitlines(keepends=True)
every = int(sys.argv[5])
for i in range(0, len(lines), every):
    w.write(lines[i:i + every])
    w.flush()
    if gated and i == 0:
        signal.sigwait([signal.SIGUSR1])
w.close()
print(w.rotations)
`;

const events = readJsonl<Record<string, unknown>>(PATCH_TRACE).slice(0, 200);
const text = events.map((e) => `${JSON.stringify(e)}\n`).join('');

describe("the recorder's file output", { skip: PYTHON3_MISSING }, () => {
  it('a plain file followed while the recorder writes and rotates it (faster than it is read) gives every event, in order', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'cluster.jsonl');
    const abort = new AbortController();
    t.after(() => abort.abort());
    const items: IngestItem[] = [];
    followSource(file, { pollMs: 10, signal: abort.signal })
      .pipe(parseItems())
      .subscribe((i) => items.push(i));

    const writer = spawn('python3', ['-c', WRITE, RECORDER, file, String(128 * 1024), '50', '5', 'gated'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    let out = '';
    writer.stdout.on('data', (d) => {
      out += d;
    });
    const exited = new Promise((r) => writer.once('exit', r));
    writer.stdin.end(text);
    // Once the first lines are followed the reader has the first file open; the rest comes faster than it reads,
    // rotated several times between two of its polls.
    await waitFor('the first lines followed', () => items.length >= 5);
    writer.kill('SIGUSR1');
    const code = await exited;
    assert.equal(code, 0);
    const rotations = Number(out.trim());
    assert.ok(rotations >= 5, `${rotations} rotations`);
    assert.ok(existsSync(`${file}.1`) && existsSync(`${file}.${rotations}`));

    await waitFor('every event followed', () => items.length >= events.length);
    assert.equal(items.length, events.length);
    assert.deepEqual(
      items.map((i) => (i.kind === 'event' ? i.event : i.rejection)),
      events,
    );
  });

  it('a gzip file, flushed as it is written, reads back whole', (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'cluster.jsonl.gz');
    execFileSync('python3', ['-c', WRITE, RECORDER, file, '0', '0', '7'], {
      input: text,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.deepEqual(
      gunzipSync(readFileSync(file))
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l)),
      events,
    );
  });
});
