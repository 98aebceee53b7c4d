import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, ROOT, tempDir, waitFor } from '../helpers.ts';

describe('mgrkit run --source sim:...', () => {
  it('says how far the published state trails the cluster when it stops', async (t) => {
    const db = join(tempDir(t), 'db');
    const child = spawn(process.execPath, [BIN, 'run', '--source', 'sim:osds=6,seed=2', '--db', db, '--speed', '20'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor('the cluster to run', () => /simulated cluster of 6 OSDs running/.test(stderr), 120_000);
    // Long enough at 20 times real time for the cluster's first minute to pass.
    await new Promise((r) => setTimeout(r, 4000));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.match(
      stderr,
      /mgrkit: simulated cluster at \+\d+m\d\ds: the published state \(seq [1-9]\d*\) trails it by \d+\.\d s; at most \d+\.\d s after its first minute\n/,
    );
  });
});
