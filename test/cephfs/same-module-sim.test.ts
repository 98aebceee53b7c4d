import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PROBE_FS_TREE, PROBE_RADOS_300 } from '../ceph/bridge-probe-answers.ts';
import { BIN, ROOT, runCli, stopProcess, tempDir, waitFor } from '../helpers.ts';

// The module the real-cluster suite (test/ceph/bridge.int.ts) drives through the bridge, unchanged, on a live
// simulated cluster: the same commands give the same answers.

describe('a module written once: the bridge suite’s module on the simulated cluster', () => {
  it('creates a pool, marks an OSD out, writes RADOS objects and a CephFS tree as it does on a real cluster', async (t) => {
    const dir = tempDir(t);
    const sock = join(dir, 'mgr.sock');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--source',
        'sim:osds=3,hosts=3,fs=cephfs,scenario=off',
        '--db',
        join(dir, 'db'),
        '--socket',
        sock,
        '--module-path',
        join(ROOT, 'test', 'ceph', 'modules'),
        '--modules',
        'bridge_probe',
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    t.after(() => stopProcess(child));
    const probe = async (...words: string[]) => {
      const r = await runCli(['cmd', '--socket', sock, ...words]);
      assert.equal(r.code, 0, `${words.join(' ')}: ${r.stderr}\n${stderr}`);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    await waitFor(
      'the monitors',
      async () => {
        const r = await runCli(['cmd', '--socket', sock, 'probe', 'connected']);
        return r.code === 0 && (JSON.parse(r.stdout) as { connected: boolean }).connected;
      },
      120_000,
      200,
    );

    const pool = await probe('probe', 'pool', 'create', 'bridged');
    assert.equal(pool.r, 0, String(pool.outs));
    assert.equal(pool.inMap, true);
    await waitFor('the osd_map cue', async () => (await probe('probe', 'cued', 'bridged')).cued === true);
    assert.equal((await probe('probe', 'osd', 'out', '1')).r, 0);

    const rados = await probe('probe', 'rados', 'write', 'objs', '300');
    assert.deepEqual(rados, PROBE_RADOS_300);

    assert.deepEqual(await probe('probe', 'fs', 'write', '/mgrkit'), { missing: 'ObjectNotFound', ...PROBE_FS_TREE });
    assert.deepEqual(await probe('probe', 'fs', 'read', '/mgrkit'), PROBE_FS_TREE);
  });
});
