import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stateAt, stateDigest } from '../../src/entry/host.ts';
import { Store } from '../../src/store/store.ts';
import { BIN, PATCH_TRACE, ROOT, runCli, tempDir, waitFor } from '../helpers.ts';
import { referenceReplay } from './reference-replay.ts';

/** A 1 MiB tmpfs: a real full disk. Needs root (CI runs as root); elsewhere the test says why it skips. */
function smallDisk(t: { after: (fn: () => void) => void }): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  t.after(() => {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

const grow = (dir: string) => execFileSync('mount', ['-o', 'remount,size=64m', dir], { stdio: 'ignore' });

const SKIP =
  'cannot mount a small tmpfs here (needs root): the full-disk path is covered in-process by test/ingest/commit-failure.test.ts';

describe('a full disk', () => {
  it('replay: exit 2 with one line naming the store and ENOSPC/EIO; the re-run after space returns completes it', async (t) => {
    const disk = smallDisk(t);
    if (disk === null) return t.skip(SKIP);
    const db = join(disk, 'db');
    const r = await runCli(['replay', PATCH_TRACE, '--db', db]);
    assert.equal(r.code, 2, r.stderr);
    // One line, and nothing else: no stack trace (lmdb-js prints one of its own when a commit fails).
    assert.match(r.stderr, new RegExp(`^mgrkit: cannot write the store ${db}: .*\\((ENOSPC|EIO)\\)\n$`));
    grow(disk);
    const again = await runCli(['replay', PATCH_TRACE, '--db', db, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).digest, (await referenceReplay(tempDir(t))).digest);
  });

  it('run: the host keeps serving, health shows MGR_STORE_WRITE_FAILED, ingest resumes when space returns', async (t) => {
    const disk = smallDisk(t);
    if (disk === null) return t.skip(SKIP);
    const db = join(disk, 'db');
    const socket = join(tempDir(t), 'mgr.sock');
    const daemon = spawn(
      process.execPath,
      [BIN, 'run', '--source', PATCH_TRACE, '--speed', 'max', '--db', db, '--socket', socket, '--log-file', '-'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    daemon.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((r) => daemon.on('exit', (code) => r(code)));
    t.after(() => daemon.kill('SIGKILL'));
    const health = async () => (await runCli(['cmd', '--socket', socket, 'health', 'detail'])).stdout;
    const healthWhen = async (what: string, ok: (h: string) => boolean): Promise<string> => {
      const seen = await waitFor(what, async () => {
        if (daemon.exitCode !== null) return { exited: true, h: '' };
        const h = await health();
        return ok(h) ? { exited: false, h } : null;
      });
      if (seen.exited) assert.fail(`the daemon exited while waiting until ${what}:\n${stderr}`);
      return seen.h;
    };
    const failing = await healthWhen('the failure is raised', (h) => h.includes('MGR_STORE_WRITE_FAILED'));
    assert.match(failing, /HEALTH_ERR/);
    const big = join(tempDir(t), 'big');
    writeFileSync(big, 'x'.repeat(2 << 20));
    const set = await runCli(['cmd', '--socket', socket, 'config-key', 'set', 'big', '-i', big]);
    assert.ok(set.code === 28 || set.code === 5, `config-key set on a full disk: ${set.code} ${set.stderr}`);
    assert.match(set.stderr, /cannot write the store/);
    grow(disk);
    await healthWhen('the failure clears', (h) => h !== '' && !h.includes('MGR_STORE_WRITE_FAILED'));
    const last = async () => {
      const store = Store.open(db, { readOnly: true });
      try {
        return store.lastSeq();
      } finally {
        await store.close();
      }
    };
    await waitFor('the store to hold every event', async () => (await last()) >= 647);
    daemon.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    const store = Store.open(db, { readOnly: true });
    t.after(() => store.close());
    assert.equal(store.lastSeq(), 647);
    assert.equal(stateDigest(stateAt(store)), (await referenceReplay(tempDir(t))).digest);
  });
});
