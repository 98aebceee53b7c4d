import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { BIN, ROOT, runCli, tempDir, WHOLE_TRACE, waitFor } from '../helpers.ts';

/** `mgrkit run ARGS...` in its own process, with its stderr so far and a way to wait for a line of it. */
function spawnRun(args: string[], t: { after: (fn: () => void) => void }) {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'run', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  /** Resolves once stderr matches, failing after a generous deadline (the machine may be loaded). */
  const stderrMatches = async (re: RegExp, deadlineMs = 60_000) => {
    await waitFor(`stderr to match ${re}`, () => re.test(stderr) || child.exitCode !== null, deadlineMs).catch(
      () => {},
    );
    if (!re.test(stderr)) assert.fail(`stderr never matched ${re}: ${stderr}`);
  };
  return { child, exited, stderrMatches, stderr: () => stderr };
}

/** A deadline for a promise, far beyond what it should take: a hang fails the test instead of stalling it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('mgrkit run: a source that cannot start fails the command', () => {
  it('a missing trace: exit 2, one line saying why, nothing served, no store left', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'db');
    const r = await runCli(['run', '--source', join(dir, 'missing.jsonl'), '--db', db], { killAfterMs: 60_000 });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `mgrkit: cannot read the trace ${join(dir, 'missing.jsonl')}: no such file\n`);
    assert.equal(existsSync(db), false);
  });

  it('an unknown source kind: exit 2, naming the kinds there are', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'db');
    const r = await runCli(['run', '--source', 'bogus:thing', '--db', db], { killAfterMs: 60_000 });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'mgrkit: unknown source "bogus:thing" (expected a trace file, sim:..., follow:FILE or listen:ADDR)\n',
    );
    assert.equal(existsSync(db), false);
  });

  it('follow: of a file in a folder that does not exist: exit 2 (a missing file alone is waited for)', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'db');
    const file = join(dir, 'nowhere', 'cluster.jsonl');
    const r = await runCli(['run', '--source', `follow:${file}`, '--db', db], { killAfterMs: 60_000 });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `mgrkit: cannot follow ${file}: no such folder ${join(dir, 'nowhere')}\n`);
    assert.equal(existsSync(db), false);
  });

  it('a listener that cannot bind: exit 2 before serving, and the new store is removed', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'db');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    t.after(() => busy.close());
    const port = (busy.address() as { port: number }).port;
    const secret = join(dir, 'secret');
    writeFileSync(secret, 'a secret of more than sixteen bytes', { mode: 0o600 });
    const r = await runCli(
      ['run', '--source', `listen:127.0.0.1:${port}`, '--bridge-secret-file', secret, '--db', db],
      {
        killAfterMs: 60_000,
      },
    );
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.stderr, /serving commands/);
    assert.match(r.stderr, /^mgrkit: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE.*\n$/);
    assert.equal(existsSync(db), false);
  });

  it('listen on TCP without the bridge secret: exit 2 saying what to give, before a store is made', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'db');
    const r = await runCli(['run', '--source', 'listen:127.0.0.1:7700', '--db', db], { killAfterMs: 60_000 });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mgrkit: listen:127\.0\.0\.1:7700: .*--bridge-secret-file FILE.*Unix socket\n$/);
    assert.equal(existsSync(db), false);
    const loose = join(dir, 'secret');
    writeFileSync(loose, 'a secret of more than sixteen bytes', { mode: 0o644 });
    chmodSync(loose, 0o644);
    const l = await runCli(['run', '--source', 'listen:127.0.0.1:7700', '--bridge-secret-file', loose, '--db', db]);
    assert.equal(l.code, 2);
    assert.match(l.stderr, /^mgrkit: the bridge secret .* is readable by others \(mode 644\): chmod 600 .*\n$/);
    assert.equal(existsSync(db), false);
  });

  it('an admin socket another host serves: exit 2 naming it, not an internal error', async (t) => {
    const dir = tempDir(t);
    const socket = join(dir, 'mgr.sock');
    const first = spawnRun(['--db', join(dir, 'a'), '--socket', socket], t);
    await first.stderrMatches(/serving commands/);
    const r = await runCli(['run', '--db', join(dir, 'b'), '--socket', socket], { killAfterMs: 60_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`^mgrkit: another host is serving ${socket}: stop it, or give this one another --socket\n$`),
    );
    first.child.kill('SIGTERM');
    assert.equal((await first.exited).code, 0);
  });
});

describe('mgrkit run: what goes wrong later is in health', () => {
  it('bad lines of the trace raise MGR_SOURCE_BAD_LINES with the count and the last rejection', async (t) => {
    const dir = tempDir(t);
    const db = join(dir, 'db');
    const good = gunzipSync(readFileSync(WHOLE_TRACE)).toString('utf8').split('\n').slice(0, 40);
    const trace = join(dir, 'bad.jsonl');
    writeFileSync(trace, [...good, 'not json at all', '{"kind":"osd_mapp","t":1}', ''].join('\n'));
    const run = spawnRun(['--source', trace, '--speed', 'max', '--db', db], t);
    await run.stderrMatches(/the trace ended: 40 events accepted, 2 lines rejected/);
    const r = await runCli(['cmd', '--db', db, 'health', 'detail', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const check = JSON.parse(r.stdout).checks.MGR_SOURCE_BAD_LINES;
    assert.equal(check.severity, 'HEALTH_WARN');
    assert.deepEqual(check.summary, { message: `2 lines of source '${trace}' rejected`, count: 2 });
    assert.match(check.detail[0].message, new RegExp(`^last: ${trace}:42: kind: `));
    run.child.kill('SIGTERM');
    assert.equal((await within(run.exited, 30_000, 'the shutdown')).code, 0);
  });

  it('replay --modules exits 2 naming a module that failed to load, and the summary says why', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'mods', 'broken'), { recursive: true });
    writeFileSync(
      join(dir, 'mods', 'broken', 'module.ts'),
      "import { MgrModule } from 'mgrkit';\nexport class Module extends MgrModule {\n  static NOTIFY_TYPES = ['osd_mapp'];\n}\n",
    );
    const r = await runCli([
      'replay',
      WHOLE_TRACE,
      '--db',
      join(dir, 'db'),
      '--module-path',
      join(dir, 'mods'),
      '--modules',
      'broken',
    ]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^mgrkit: module 'broken' has failed: .*broken\/module\.ts:3:\d+: unknown NOTIFY_TYPES "osd_mapp"$/m,
    );
    assert.match(r.stdout, /^ {2}module {4}broken \(load-error\): 0 cues; .*unknown NOTIFY_TYPES "osd_mapp"$/m);
  });
});

describe('mgrkit run: prompt shutdown', () => {
  it('SIGTERM ends the process, exit 0, though a module left an interval running and serve() never returns', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'mods', 'ticker'), { recursive: true });
    writeFileSync(
      join(dir, 'mods', 'ticker', 'module.ts'),
      `import { MgrModule } from 'mgrkit';
export class Module extends MgrModule {
  static NOTIFY_TYPES = ['osd_map'];
  async serve() {
    setInterval(() => {}, 1000);
    await new Promise(() => {});
  }
}
`,
    );
    const run = spawnRun(['--db', join(dir, 'db'), '--module-path', join(dir, 'mods'), '--modules', 'ticker'], t);
    await run.stderrMatches(/serving commands/);
    run.child.kill('SIGTERM');
    // The grace is 5 s; 30 s is far from both it and the 53 s this took when the process waited for the interval.
    const { code, signal } = await within(run.exited, 30_000, 'the shutdown');
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
  });
});
