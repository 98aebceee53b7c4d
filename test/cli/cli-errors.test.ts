import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeFailure, EXIT } from '../../src/cli/cli-error.ts';
import { BIN, type CliResult, ROOT, runCli, tempDir, WHOLE_TRACE, waitFor } from '../helpers.ts';

/** The failure is said in one line that names `what`, with no stack. */
function assertOneLine(r: CliResult, what: string): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.ok(lines[0]!.includes(what), `"${lines[0]}" does not name ${what}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
}

/** Runs `mgrkit ARGS...` and closes its stdout after the first chunk, as `| head -1` does. */
function runCliIntoHead(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.once('data', (d) => {
      stdout += d;
      child.stdout.destroy();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function filledStore(dir: string): Promise<string> {
  const db = join(dir, 'db');
  const r = await runCli(['replay', WHOLE_TRACE, '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  return db;
}

describe('CLI errors are one line naming the place, with a documented exit status', () => {
  it('--db that is a file: exit 2', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const r = await runCli(['replay', WHOLE_TRACE, '--db', file]);
    assert.equal(r.code, EXIT.badInput);
    assertOneLine(r, `--db ${file}`);
    const g = await runCli(['get', 'health', '--db', file]);
    assert.equal(g.code, EXIT.badInput);
    assertOneLine(g, file);
  });

  it('a trace that is a directory or does not exist: exit 2, and no store is left behind', async (t) => {
    const dir = tempDir(t);
    for (const trace of [dir, join(dir, 'missing.jsonl')]) {
      const db = join(dir, 'db');
      const r = await runCli(['replay', trace, '--db', db]);
      assert.equal(r.code, EXIT.badInput);
      assertOneLine(r, trace);
      assert.equal(existsSync(db), false, `replay of ${trace} left a store behind`);
    }
  });

  it('a replay that fails at its start removes the store it created, and keeps one that was there', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'db');
    const r = await runCli(['replay', WHOLE_TRACE, '--db', db, '--set', 'no-equals-sign']);
    assert.equal(r.code, EXIT.usage);
    assertOneLine(r, 'no-equals-sign');
    assert.equal(existsSync(db), false);
    const filled = await filledStore(dir);
    const again = await runCli(['replay', WHOLE_TRACE, '--db', filled, '--set', 'no-equals-sign']);
    assert.equal(again.code, EXIT.usage);
    assert.ok(existsSync(join(filled, 'store.mdb')));
  });

  it('a truncated .gz: exit 2 naming the file and what was read, the events before it committed', async (t) => {
    const dir = tempDir(t);
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, readFileSync(WHOLE_TRACE).subarray(0, 3000));
    const db = join(dir, 'db');
    const r = await runCli(['replay', cut, '--db', db, '--json']);
    assert.equal(r.code, EXIT.badInput);
    assertOneLine(r, cut);
    assert.match(r.stderr, /3000 bytes of the file read/);
    const summary = JSON.parse(r.stdout) as { events: { accepted: number }; lastSeq: number };
    assert.ok(summary.events.accepted > 0);
    const digest = await runCli(['call', 'have_mon_connection', '--db', db]);
    assert.equal(digest.code, 0, digest.stderr);
  });

  it('simulate -o into a folder that does not exist: exit 2 naming it', async (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'no-such-folder', 'trace.jsonl');
    const r = await runCli(['simulate', '--osds', '3', '--duration', '10', '-o', out]);
    assert.equal(r.code, EXIT.badInput);
    assertOneLine(r, out);
  });

  it('a store this user cannot write or read: exit 2 naming --db', async (t) => {
    const asNobody = (args: string[]) =>
      spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, BIN, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) {
      // As another user the permission bits decide, which is the case to show; without root and setpriv it cannot be.
      t.skip('needs root and setpriv to run the CLI as nobody against a store it may not write');
      return;
    }
    // The checkout itself must be open to nobody (a clone under a 0700 folder, as mktemp -d makes, is not).
    const reach = spawnSync('setpriv', [
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      process.execPath,
      '-e',
      `require('node:fs').accessSync(${JSON.stringify(BIN)}); require('node:fs').accessSync(${JSON.stringify(WHOLE_TRACE)})`,
    ]);
    if (reach.status !== 0) {
      t.skip(`nobody cannot read this checkout (${ROOT}): clone it where other users may read it to run this case`);
      return;
    }
    const dir = tempDir(t);
    chmodSync(dir, 0o755);
    const db = await filledStore(dir);
    for (const f of readdirSync(db)) chmodSync(join(db, f), 0o444);
    chmodSync(db, 0o555);
    const w = asNobody(['replay', WHOLE_TRACE, '--db', db]);
    assert.equal(w.status, EXIT.badInput, w.stderr);
    assertOneLine({ code: w.status, signal: null, stdout: w.stdout, stderr: w.stderr }, `--db ${db}`);
    assert.match(w.stderr, /permission denied/);
    chmodSync(db, 0o700);
    const r = asNobody(['get', 'health', '--db', db]);
    assert.equal(r.status, EXIT.badInput, r.stderr);
    assertOneLine({ code: r.status, signal: null, stdout: r.stdout, stderr: r.stderr }, `--db ${db}`);
  });

  it('stdout closed early (| head -1): get and simulate end quietly with status 0', async (t) => {
    const db = await filledStore(tempDir(t));
    const get = await runCliIntoHead(['get', 'pg_dump', '--db', db, '--format', 'json-pretty']);
    assert.deepEqual({ code: get.code, stderr: get.stderr }, { code: 0, stderr: '' });
    const sim = await runCliIntoHead(['simulate', '--osds', '3', '--duration', '600']);
    assert.deepEqual({ code: sim.code, stderr: sim.stderr }, { code: 0, stderr: '' });
  });

  it('cmd: -i of a missing file exits with ENOENT in one line; | head -1 ends quietly with 0', async (t) => {
    const dir = tempDir(t);
    const db = await filledStore(dir);
    const socket = join(dir, 'mgr.sock');
    const daemon = spawn(process.execPath, [BIN, 'run', '--db', db, '--socket', socket], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise((r) => daemon.once('close', r));
    t.after(async () => {
      daemon.kill('SIGTERM');
      await exited;
    });
    await waitFor('the admin socket', () => existsSync(socket));
    const missing = join(dir, 'missing-input');
    const r = await runCli(['cmd', '--socket', socket, '-i', missing, 'config-key', 'set', 'k']);
    assert.equal(r.code, 2); // ENOENT, as `cmd` exits with the errno
    assertOneLine(r, missing);
    const head = await runCliIntoHead(['cmd', '--socket', socket, 'pg', 'dump_stats', '-f', 'json-pretty']);
    assert.deepEqual({ code: head.code, stderr: head.stderr }, { code: 0, stderr: '' });
  });

  it('an error that escapes every handler, a rejection no one handled included, is one line, exit 70', async (t) => {
    const script = join(tempDir(t), 'escape.mts');
    const main = join(ROOT, 'src', 'cli', 'main.ts');
    writeFileSync(
      script,
      `const { reportEscapedErrors } = await import(${JSON.stringify(main)});\nreportEscapedErrors();\nPromise.reject(new TypeError('lost'));\n`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, EXIT.internal);
    assert.equal(r.stderr, 'mgrkit: internal error: lost; run with MGRKIT_DEBUG=1 for the stack\n');
  });

  it('an unexpected error is one line pointing at MGRKIT_DEBUG, exit 70', () => {
    const f = describeFailure(new TypeError("Cannot read properties of undefined (reading 'x')\n    at f (a.ts:1)"));
    assert.equal(f.exit, EXIT.internal);
    assert.equal(
      f.message,
      "internal error: Cannot read properties of undefined (reading 'x'); run with MGRKIT_DEBUG=1 for the stack",
    );
    // An LMDB error (errno as a number, no path) is about the store of the command.
    const lmdb = Object.assign(new Error('Permission denied: Attempting to setup locks'), { code: 13 });
    assert.deepEqual(describeFailure(lmdb, { db: '/srv/db' }), {
      message:
        '--db /srv/db: permission denied (Permission denied: Attempting to setup locks): use a store directory this user can read and write, or fix its owner and mode',
      exit: EXIT.badInput,
    });
  });
});
