import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { BIN, runCli, stopProcess, tempDir, waitFor } from '../helpers.ts';

async function startHost(db: string): Promise<ChildProcess> {
  const socket = join(db, 'mgr.sock');
  rmSync(socket, { force: true });
  const child = spawn(process.execPath, [BIN, 'run', '--db', db, '--modules', 'notifylog'], { stdio: 'ignore' });
  await waitFor('the host to open its socket', () => existsSync(socket));
  return child;
}

it('`config` and `config-key` work through `mgrkit cmd`, and what they wrote survives a SIGKILL right after', async (t) => {
  const db = join(tempDir(t), 'db');
  const cmd = (...words: string[]) => runCli(['cmd', '--db', db, ...words]);
  let host = await startHost(db);
  try {
    assert.equal((await cmd('config', 'set', 'mgr', 'mgr/notifylog/file', '/tmp/cues.jsonl')).code, 0);
    const bad = await cmd('config', 'set', 'mgr', 'mgr/notifylog/log_level', 'loud');
    assert.equal(bad.code, 22);
    assert.match(bad.stderr, /^Error EINVAL: option "log_level": "loud" is not one of/);
    const unknown = await cmd('config', 'set', 'mgr', 'mgr/notifylog/nosuch', '1');
    assert.deepEqual(
      [unknown.code, unknown.stderr],
      [22, "Error EINVAL: unrecognized config option 'mgr/notifylog/nosuch'\n"],
    );
    assert.equal((await cmd('config', 'set', 'global', 'mon_connection_timeout', '45')).code, 0);
    const set = await cmd('config-key', 'set', 'mykey', 'myvalue');
    assert.deepEqual([set.code, set.stderr], [0, 'set mykey\n']);
    await stopProcess(host, 'SIGKILL');

    host = await startHost(db);
    assert.equal((await cmd('config', 'get', 'mgr', 'mgr/notifylog/file')).stdout, '/tmp/cues.jsonl\n');
    const dump = JSON.parse((await cmd('config', 'dump', '--format', 'json')).stdout);
    assert.deepEqual(dump, [
      { section: 'mgr', name: 'mgr/notifylog/file', value: '/tmp/cues.jsonl' },
      { section: 'global', name: 'mon_connection_timeout', value: '45' },
    ]);
    const got = await cmd('config-key', 'get', 'mykey');
    assert.deepEqual([got.code, got.stdout], [0, 'myvalue\n']);
    assert.equal((await cmd('config-key', 'exists', 'mykey')).code, 0);
    assert.deepEqual(JSON.parse((await cmd('config-key', 'ls')).stdout), ['mykey']);
    assert.deepEqual(JSON.parse((await cmd('config-key', 'dump')).stdout), { mykey: 'myvalue' });
    assert.equal((await cmd('config-key', 'rm', 'mykey')).code, 0);
    const missing = await cmd('config-key', 'get', 'mykey');
    assert.deepEqual(
      [missing.code, missing.stderr],
      [2, "Error ENOENT: error obtaining 'mykey': (2) No such file or directory\n"],
    );
    assert.equal((await cmd('config', 'rm', 'mgr', 'mgr/notifylog/file')).code, 0);
    assert.equal((await cmd('config', 'get', 'mgr', 'mgr/notifylog/file')).code, 2);
  } finally {
    await stopProcess(host);
  }
});
