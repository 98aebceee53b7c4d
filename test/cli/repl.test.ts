import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { completeLine, isIncomplete } from '../../src/cli/repl-input.ts';
import { AdminClient } from '../../src/server/admin-client.ts';
import { BIN, runCli, stopProcess, WHOLE_TRACE, waitFor } from '../helpers.ts';
import { type MgrkitRun, startMgrkitRun } from '../mgrkit-run.ts';

/** Why the terminal test cannot run here, or '' when `script` can give a process a pseudo-terminal. */
function noTerminal(): string {
  try {
    execFileSync('script', ['-qfec', 'true', '/dev/null'], { stdio: 'ignore', timeout: 10_000 });
    return '';
  } catch (e) {
    return `util-linux's script cannot run a command in a pseudo-terminal here (${(e as Error).message})`;
  }
}

describe('what the shell reads as one input, and what it completes', () => {
  it('waits for more lines while brackets, blocks or templates are open', () => {
    for (const code of ['1 +', 'foo(', 'function f() {', '[1,\n2', '`a', 'await Promise.all([', 'const o = {'])
      assert.equal(isIncomplete(code), true, code);
    for (const code of [
      '1 + 1',
      'await mgr.remote("a", "b")',
      'f(a b)',
      "'open string",
      '{a: 1}',
      'for await (x of y) {}',
    ])
      assert.equal(isIncomplete(code), false, code);
  });

  it('completes `mgr.` to the names the host listed, and a word to `mgr`', () => {
    const names = ['get', 'get_metadata', 'get_mgr_id', 'version'];
    assert.deepEqual(completeLine('x = mgr.get_m', names), [['mgr.get_metadata', 'mgr.get_mgr_id'], 'mgr.get_m']);
    assert.deepEqual(completeLine('mgr.ver', names), [['mgr.version'], 'mgr.ver']);
    assert.deepEqual(completeLine('print(mg', names), [['mgr'], 'mg']);
    assert.deepEqual(completeLine('other.get_m', names), [[], '']);
  });
});

// Each `mgrkit` process takes a second to start: the tests run side by side, and check the host in-process.
describe('`mgrkit repl` on a running host', { concurrency: true }, () => {
  let dir: string;
  let db: string;
  let daemon: MgrkitRun;
  let admin: AdminClient;
  const repl = (input: string, ...args: string[]) =>
    runCli(['repl', '--db', db, ...args], { input, env: { MGRKIT_REPL_HISTORY: '' } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mgrkit-repl-'));
    db = join(dir, 'db');
    daemon = startMgrkitRun(
      dir,
      ['--source', WHOLE_TRACE, '--speed', 'max', '--modules', 'selftest', '--set', 'auth/client.ro=r'],
      { db },
    );
    await daemon.waitFor('the host to open its socket', () => existsSync(daemon.socket));
    admin = await AdminClient.connect(daemon.socket);
    await waitFor('the trace folded up to OSD map epoch 46', async () => {
      const r = await admin.send({ prefix: 'osd dump', format: 'json' });
      return r.retval === 0 && JSON.parse(r.stdout)?.epoch === 46;
    });
  });

  after(async () => {
    admin.close();
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers the guide's sample inputs, line by line, with multi-line input", async () => {
    const r = await repl(
      [
        'mgr.get_mgr_id()',
        "mgr.get('osd_map').epoch",
        'mgr.version',
        'function twice(n) {',
        '  return n * 2',
        '}',
        'twice(',
        '  21)',
        "await mgr.remote('selftest', 'echo', { a: [1, 2] })",
        '',
      ].join('\n'),
    );
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdout.split('\n'), [
      "'x'",
      '46',
      "'ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)'",
      'undefined',
      '42',
      '{ a: [ 1, 2 ] }',
      '',
    ]);
  });

  it("prints a thrown error's message, goes on, and leaves the host undisturbed", async () => {
    const r = await repl(
      ["throw new Error('boom')", "mgr.remote('no_such_module', 'x'); 'left behind'", 'mgr.get_mgr_id()', ''].join(
        '\n',
      ),
    );
    assert.equal(r.stderr, 'Uncaught Error: boom\n');
    assert.equal(r.stdout, "'left behind'\n'x'\n");
    assert.equal(r.code, 22, 'the errno of the first input that failed');
    // A promise the code left rejected did not end the host, and no module error was raised: the host has taken
    // turns of its event loop since (a command's round trip), where an unhandled rejection would have surfaced.
    assert.equal((await admin.send({ prefix: 'mgr self-test eval', s: '1' })).retval, 0);
    const health = await admin.send({ prefix: 'health', detail: 'detail' });
    assert.equal(health.retval, 0, health.stderr);
    assert.doesNotMatch(health.stdout, /MGR_MODULE_ERROR/);
    const again = await admin.send({ prefix: 'mgr self-test eval', s: 'mgr.get_mgr_id()' });
    assert.equal(again.stdout, "'x'\n");
  });

  it('refuses a client with only r caps (EACCES), in the shell as at the socket', async () => {
    const r = await repl('mgr.get_mgr_id()\n', '-n', 'client.ro');
    assert.equal(r.code, 13);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^Error EACCES: access denied: "mgr self-test eval" needs 'rw' and client.ro has 'r'\n$/);
    const c = await admin.send({ prefix: 'mgr self-test eval', s: 'mgr.get_mgr_id()' }, { entity: 'client.ro' });
    assert.equal(c.retval, -13);
  });

  it('says clearly when there is no host at the socket, or no such eval command', async () => {
    const [none, wrong] = await Promise.all([
      runCli(['repl', '--socket', join(dir, 'nothing.sock')], { input: '1\n' }),
      repl('1\n', '--prefix', 'mgr nosuch eval'),
    ]);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /^mgrkit repl: cannot connect to .*nothing\.sock: ENOENT \(is `mgrkit run` serving it\?\)\n$/,
    );
    assert.equal(wrong.code, 22);
    assert.match(wrong.stderr, /^Error EINVAL: no valid command found for prefix "mgr nosuch eval"/);
  });

  it('puts a cluster_log entry where `log last` shows it', async () => {
    const r = await admin.send({
      prefix: 'mgr self-test eval',
      s: "await mgr.cluster_log('cluster', 'WARN', 'written from the shell')",
    });
    assert.deepEqual(r, { retval: 0, stdout: 'undefined\n', stderr: '' });
    const last = await admin.send({ prefix: 'log last', num: 1 });
    assert.match(
      last.stdout,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000 mgr\.x \(mgr\.4143\) 1 : cluster \[WRN\] written from the shell$/,
    );
  });

  it('works as an interactive shell in a terminal: completion, multi-line input, errors, history', {
    skip: noTerminal() || false,
  }, async () => {
    const history = join(dir, 'history');
    const command = [BIN, 'repl', '--db', db].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', `'${process.execPath}' ${command}`, '/dev/null'], {
      env: { ...process.env, MGRKIT_REPL_HISTORY: history, TERM: 'xterm' },
    });
    let out = '';
    let err = '';
    let exited: number | null | undefined;
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.once('exit', (code) => {
      exited = code;
    });
    // The shell's first prompt waits for a process start, slow while other test files load the machine: the
    // deadline is generous, and a miss says what the terminal and stderr showed.
    const seen = async (what: RegExp, ms = 30_000) => {
      await waitFor(`the terminal to show ${what}`, () => what.test(out) || exited !== undefined, ms).catch(() => {});
      assert.match(out, what, `terminal showed ${JSON.stringify(out)}; stderr ${JSON.stringify(err)}; exit ${exited}`);
    };
    const type = (text: string) => child.stdin.write(text);
    try {
      await seen(/\[mgr self-test eval\] >>> /);
      // get_mgr_id and get_mgr_ip: Tab completes what they share.
      type('mgr.get_mgr_\t');
      await seen(/mgr\.get_mgr_i/);
      type('d()\r');
      await seen(/'x'/);
      type('function g() {\r');
      await seen(/\.\.\. /);
      type('  return 7\r}\r');
      await seen(/undefined\r?\n[\s\S]*>>> /);
      type('g()\r');
      await seen(/\r?\n7\r?\n/);
      type('null.x\r');
      await seen(/Uncaught TypeError: Cannot read properties of null \(reading 'x'\)/);
      type('\u0004');
      await waitFor('the shell to exit after ^D', () => exited !== undefined);
      const code = exited;
      assert.equal(code, 0);
      assert.deepEqual(readFileSync(history, 'utf8').trim().split('\n'), [
        'null.x',
        'g()',
        '}',
        '  return 7',
        'function g() {',
        'mgr.get_mgr_id()',
      ]);
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });
});
