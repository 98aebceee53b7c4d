import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AdminClient } from '../../src/server/admin-client.ts';
import { ROOT, runCli, tempDir, WHOLE_TRACE, waitFor } from '../helpers.ts';
import { type MgrkitRun, startMgrkitRun } from '../mgrkit-run.ts';

const STATIC_MODULE = `import { MgrModule, type NotifyType } from 'mgrkit';
export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  static COMMANDS = [
    { cmd: 'foobar name=myarg,type=CephInt,range=1|5 name=mode,type=CephChoices,strings=fast|slow,req=false', desc: 'Do foobar', perm: 'r' },
    { cmd: 'foobar crash', desc: 'Raise', perm: 'r' },
    { cmd: 'foobar tick', desc: 'Count', perm: 'r', poll: true },
    { cmd: 'foobar big name=v,type=CephInt', desc: 'Echo an int', perm: 'r' },
    { cmd: 'foobar float name=x,type=CephFloat', desc: 'Echo a float', perm: 'r' },
    { cmd: 'foobar pair name=xy,type=CephInt,n=2', desc: 'Echo a pair', perm: 'r' },
  ];
  ticks = 0;
  handle_command(inbuf: string, cmd: { prefix: string; myarg?: number; mode?: string }) {
    if (cmd.prefix === 'foobar crash') throw new Error('foobar crashed on purpose');
    if (cmd.prefix === 'foobar tick') return [0, String(++this.ticks), ''] as [number, string, string];
    if (cmd.prefix === 'foobar big' || cmd.prefix === 'foobar float' || cmd.prefix === 'foobar pair') {
      const v = (cmd as Record<string, unknown>)[cmd.prefix === 'foobar big' ? 'v' : cmd.prefix === 'foobar float' ? 'x' : 'xy'];
      return [0, \`\${typeof v} \${String(v)}\`, ''] as [number, string, string];
    }
    return [0, JSON.stringify({ myarg: cmd.myarg, mode: cmd.mode ?? null, type: typeof cmd.myarg }), ''] as [number, string, string];
  }
}
`;

describe('commands through the admin socket and `mgrkit cmd`', () => {
  let dir: string;
  let db: string;
  let daemon: MgrkitRun;
  const cmd = (...words: string[]) => runCli(['cmd', '--db', db, ...words]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mgrkit-socket-'));
    db = join(dir, 'db');
    mkdirSync(join(dir, 'mods', 'foobar'), { recursive: true });
    writeFileSync(join(dir, 'mods', 'foobar', 'module.ts'), STATIC_MODULE);
    writeFileSync(join(dir, 'pass-ok'), 'open sesame\n');
    writeFileSync(join(dir, 'pass-bad'), 'hunter2\n');
    daemon = startMgrkitRun(
      dir,
      [
        '--source',
        WHOLE_TRACE,
        '--speed',
        'max',
        '--module-path',
        join(ROOT, 'examples', 'modules'),
        '--module-path',
        join(dir, 'mods'),
        '--modules',
        'antigravity,status,foobar',
        '--set',
        'auth/client.ro=r',
      ],
      { db },
    );
    await daemon.waitFor('the host to open its socket', () => existsSync(daemon.socket));
    await waitFor('the trace to be in', async () => {
      const r = await cmd('status', '--format', 'json');
      return r.code === 0 && JSON.parse(r.stdout).osdmap?.epoch === 46;
    });
  });

  after(async () => {
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the guide's `antigravity send to blackhole` with its errors and errnos", async () => {
    const ok = await cmd('antigravity', 'send', 'to', 'blackhole', 'apple');
    assert.deepEqual([ok.code, ok.stdout, ok.stderr], [0, "the black hole swallowed 'apple'\n", '']);
    const gone = await cmd('antigravity', 'send', 'to', 'blackhole', 'apple');
    assert.deepEqual([gone.code, gone.stderr], [2, "Error ENOENT: object 'apple' not found\n"]);
    const bad = await cmd('antigravity', 'send', 'to', 'blackhole', 'newton', 'M87', '-i', join(dir, 'pass-bad'));
    assert.deepEqual([bad.code, bad.stderr], [22, 'Error EINVAL: unable to decrypt location\n']);
    const good = await cmd('antigravity', 'send', 'to', 'blackhole', 'newton', 'M87', '-i', join(dir, 'pass-ok'));
    assert.equal(good.code, 0, good.stderr);
  });

  it('answers `antigravity list wormholes` in every format, and its errors', async () => {
    const json = await cmd('antigravity', 'list', 'wormholes', 'apple');
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout, '[\n  {\n    "name": "einstein-rosen"\n  },\n  {\n    "name": "morris-thorne"\n  }\n]\n');
    const pretty = await cmd('antigravity', 'list', 'wormholes', 'apple', '--format', 'json-pretty', '--details');
    assert.deepEqual(JSON.parse(pretty.stdout), [
      { name: 'einstein-rosen', age: 42 },
      { name: 'morris-thorne', age: 7 },
    ]);
    const yaml = await cmd('antigravity', 'list', 'wormholes', 'apple', '-f', 'yaml');
    assert.equal(yaml.stdout, '- name: einstein-rosen\n- name: morris-thorne\n');
    const plain = await cmd('antigravity', 'list', 'wormholes', 'apple', '--format', 'plain');
    assert.deepEqual([plain.code, plain.stderr], [22, 'Error EINVAL: Unsupported format: plain\n']);
    const toml = await cmd('antigravity', 'list', 'wormholes', 'apple', '--format=toml');
    assert.deepEqual([toml.code, toml.stderr], [22, 'Error EINVAL: Unknown format name: toml\n']);
    const none = await cmd('antigravity', 'list', 'wormholes', 'nobody');
    assert.deepEqual([none.code, none.stderr], [2, "Error ENOENT: no wormholes known for 'nobody'\n"]);
  });

  it('validates COMMANDS descriptors as Ceph does, and answers through handle_command', async () => {
    const ok = await cmd('foobar', '3', 'slow');
    assert.deepEqual(JSON.parse(ok.stdout), { myarg: 3, mode: 'slow', type: 'number' });
    const range = await cmd('foobar', '6');
    assert.equal(range.code, 22);
    assert.match(
      range.stderr,
      /^Invalid command: 6 not in range \[1, 5\]\nfoobar <myarg:int> \[fast\|slow\] : {2}Do foobar\nError EINVAL: invalid command\n$/,
    );
    const choice = await cmd('foobar', '2', 'medium');
    assert.equal(choice.code, 22);
    const crash = await cmd('foobar', 'crash');
    assert.equal(crash.code, 22);
    assert.match(crash.stderr, /^Error EINVAL: Error: foobar crashed on purpose\n\s+at /);
    const status = await cmd('health', 'detail', '--format', 'json');
    // As Ceph's: the exception is that command's error; it does not fail the module.
    assert.ok(!('MGR_MODULE_ERROR' in JSON.parse(status.stdout).checks), 'a command that raised fails no module');
  });

  it('repeats a poll command every --period seconds', async () => {
    // Stopped after four answers (or 30 s): how soon the first comes depends on the machine, not on the command.
    const r = await runCli(['cmd', '--db', db, 'foobar', 'tick', '--period', '0.2'], {
      killWhen: ({ stdout }) =>
        stdout
          .trim()
          .split('\n')
          .filter((l) => l !== '').length >= 4,
      killAfterMs: 30_000,
    });
    const ticks = r.stdout.trim().split('\n').map(Number);
    assert.ok(ticks.length >= 3, `only ${ticks.length} answers`);
    assert.deepEqual(
      ticks,
      ticks.map((_, i) => ticks[0]! + i),
    );
    const once = await cmd('foobar', 'tick');
    assert.equal(once.code, 0);
  });

  it('an unknown command lists the closest matches, as the ceph CLI does', async () => {
    const r = await cmd('antigravity', 'nosuchthing');
    assert.equal(r.code, 22);
    assert.match(
      r.stderr,
      /^no valid command found; \d+ closest matches:\n(antigravity [^\n]+\n)+Error EINVAL: invalid command\n$/,
    );
  });

  it("`mgrkit cmd -h` prints every command's usage and help in Ceph's style", async () => {
    const r = await cmd('-h');
    assert.equal(r.code, 0);
    // Usages longer than the 40-column field wrap onto the next line, indented by one, as the ceph CLI prints them.
    assert.match(
      r.stdout,
      /^antigravity send to blackhole <oid> {5}Send the specified object to black hole\n \[<blackhole>\]$/m,
    );
    assert.match(
      r.stdout,
      /^antigravity list wormholes <oid> +Command to list known wormholes\.\n \[--details\] \[--format <value>\]$/m,
    );
    assert.match(r.stdout, /^foobar <myarg:int> \[fast\|slow\] +Do foobar$/m);
    assert.match(r.stdout, /^mgr module enable <module> +enable mgr module$/m);
    assert.match(r.stdout, /^status \[--format <value>\] +Show a summary of the cluster's state$/m);
    assert.match(r.stdout, /^mgr services {28}list service endpoints provided by mgr\n {41}modules$/m);
    const some = await cmd('antigravity', '-h');
    assert.equal(some.stdout.split('\n').filter((l) => l.startsWith('antigravity')).length, 2);
    assert.match(r.stdout, /^Usage: mgrkit cmd \[options\] WORDS\.\.\.$/m, "the client's own options come first");
    assert.doesNotMatch(some.stdout, /^Usage: mgrkit cmd/m, 'WORDS -h lists only the matching commands');
  });

  it('`mgrkit cmd -h` with no host still prints its own usage; `mgrkit --help` lists cmd; --version', async (t) => {
    const alone = await runCli(['cmd', '-h', '--db', join(tempDir(t), 'none')]);
    assert.match(alone.stdout, /^Usage: mgrkit cmd \[options\] WORDS\.\.\.\n/);
    assert.match(alone.stdout, /--socket PATH\[,PATH\]/);
    assert.match(alone.stderr, /cannot connect to .*mgr\.sock/);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^ {2}cmd +send a command to a running host/m);
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('refuses a rw command to an r client with EACCES, and serves it reads', async () => {
    const denied = await cmd('-n', 'client.ro', 'antigravity', 'send', 'to', 'blackhole', 'newton');
    assert.equal(denied.code, 13);
    assert.match(denied.stderr, /^Error EACCES: access denied/);
    const read = await cmd('-n', 'client.ro', 'antigravity', 'list', 'wormholes', 'apple');
    assert.equal(read.code, 0, read.stderr);
    const stranger = await cmd('-n', 'client.nobody', 'status');
    assert.equal(stranger.code, 13);
  });

  it('answers malformed, unknown and oversized requests with errors, and keeps serving everyone', async () => {
    const c = await AdminClient.connect(join(db, 'mgr.sock'));
    assert.equal((await c.sendRaw('{"prefix": "status"')).retval, -22);
    assert.equal((await c.sendRaw('[1, 2]')).retval, -22);
    assert.equal((await c.sendRaw('{"prefix": "no such command"}')).retval, -22);
    assert.equal((await c.sendRaw('{"prefix": "foobar", "myarg": "x"}')).retval, -22);
    assert.equal((await c.send({ prefix: 'status', format: 'json' })).retval, 0, 'the same connection still works');
    const big = await AdminClient.connect(join(db, 'mgr.sock'));
    const reply = await big.sendRaw(JSON.stringify({ prefix: 'status', pad: 'x'.repeat(9 * 1024 * 1024) }));
    assert.equal(reply.retval, -7);
    c.close();
    // Many clients at once, each in order.
    const clients = await Promise.all(Array.from({ length: 16 }, () => AdminClient.connect(join(db, 'mgr.sock'))));
    const replies = await Promise.all(
      clients.map(async (cl, i) => {
        const out: number[] = [];
        for (let k = 0; k < 5; k++)
          out.push(JSON.parse((await cl.send({ prefix: 'foobar', myarg: ((i + k) % 5) + 1 })).stdout).myarg);
        cl.close();
        return out;
      }),
    );
    for (const [i, out] of replies.entries()) {
      assert.deepEqual(
        out,
        [0, 1, 2, 3, 4].map((k) => ((i + k) % 5) + 1),
      );
    }
  });

  it('answers a 10,000-deep argument and a non-name entity with errors, and the daemon keeps serving', async () => {
    const c = await AdminClient.connect(join(db, 'mgr.sock'));
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    assert.equal((await c.sendRaw(`{"prefix": "foobar", "myarg": ${deep}}`)).retval, -22);
    assert.equal((await c.sendRaw(`{"cmd": {"prefix": "foobar", "myarg": ${deep}}}`)).retval, -22);
    assert.equal((await c.sendRaw('{"prefix": "foobar", "myarg": [[[[1]]]]}')).retval, -22);
    // an entity that is not a name is refused, not served as client.admin
    for (const entity of ['123', '"admin"', '"client."', 'null']) {
      const r = await c.sendRaw(`{"cmd": {"prefix": "status"}, "entity": ${entity}}`);
      assert.equal(r.retval, -22, entity);
    }
    assert.equal((await c.send({ prefix: 'status', format: 'json' })).retval, 0, 'the same connection still works');
    c.close();
    assert.equal(daemon.child.exitCode, null, 'the daemon is still running');
    assert.equal((await cmd('foobar', '2')).code, 0);
  });

  it("`mgrkit cmd` sends n=2 arguments, integers past 2^53 and nan/inf as Ceph's CLI does", async () => {
    const pair = await cmd('foobar', 'pair', '3', '4');
    assert.deepEqual([pair.code, pair.stdout, pair.stderr], [0, 'object 3,4\n', '']);
    const one = await cmd('foobar', 'pair', '3');
    assert.equal(one.code, 22);
    assert.match(one.stderr, /^Invalid command: saw 1 of xy\(<int>\), expected 2\n/);
    const big = await cmd('foobar', 'big', '99999999999999999999');
    assert.deepEqual([big.code, big.stdout, big.stderr], [0, 'bigint 99999999999999999999\n', '']);
    const range = await cmd('foobar', '99999999999999999999');
    assert.equal(range.code, 22);
    assert.match(range.stderr, /^Invalid command: 99999999999999999999 not in range \[1, 5\]\n/);
    const nan = await cmd('foobar', 'float', 'nan');
    assert.deepEqual([nan.code, nan.stdout, nan.stderr], [0, 'number NaN\n', '']);
    const inf = await cmd('foobar', 'float', '-inf');
    assert.deepEqual([inf.code, inf.stdout], [0, 'number -Infinity\n']);
    // raw, an integer past 2^53 reaches the module exactly
    const c = await AdminClient.connect(join(db, 'mgr.sock'));
    const raw = await c.sendRaw('{"prefix": "foobar big", "v": 9007199254740993}');
    c.close();
    assert.deepEqual(raw, { retval: 0, stdout: 'bigint 9007199254740993', stderr: '' });
  });

  it("serves the host's own commands: module ls/enable/disable, health, dumps", async () => {
    const ls = JSON.parse((await cmd('mgr', 'module', 'ls', '--format', 'json')).stdout);
    assert.ok(ls.enabled_modules.includes('antigravity'));
    assert.equal((await cmd('mgr', 'module', 'enable', 'notifylog')).code, 0);
    const ls2 = JSON.parse((await cmd('mgr', 'module', 'ls', '--format', 'json')).stdout);
    assert.ok(ls2.enabled_modules.includes('notifylog'));
    const missing = await cmd('mgr', 'module', 'enable', 'nosuch');
    assert.equal(missing.code, 2);
    const dump = JSON.parse((await cmd('osd', 'dump', '--format', 'json')).stdout);
    assert.equal(dump.epoch, 46);
    const health = await cmd('health');
    assert.match(health.stdout, /^HEALTH_(WARN|ERR)/);
  });
});
