import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { BIN, freePort, ROOT, runCli, stopProcess } from '../helpers.ts';
import { PROBE_FS_TREE, PROBE_RADOS_300 } from './bridge-probe-answers.ts';
import { BridgeProxy } from './bridge-proxy.ts';
import { CephCluster, cephMissing, waitUntil } from './cluster.ts';

// mgrkit managing a real cluster: the recorder inside the real ceph-mgr connects over TCP (through a relay the test
// can cut) to `mgrkit run --source listen:` with a shared secret; a module hosted by mgrkit acts on the cluster.

const missing = cephMissing({ mds: true });
if (missing) console.log(`# skipping the bridge tests: ${missing}`);
const execFileP = promisify(execFile);

type Json = Record<string, unknown>;

describe('the bridge from mgrkit to a real cluster', { skip: missing ?? false }, () => {
  let dir: string;
  let cluster: CephCluster;
  let proxy: BridgeProxy;
  let daemon: ChildProcess;
  let mgrkitPort: number;
  let secret: string;
  let stderr = '';
  const sock = () => join(dir, 'mgrkit.sock');
  const started = Date.now();

  /** `mgrkit cmd WORDS...` against the daemon; its stdout parsed. */
  async function probe(...words: string[]): Promise<Json> {
    const r = await runCli(['cmd', '--socket', sock(), ...words]);
    assert.equal(r.code, 0, `mgrkit cmd ${words.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Json;
  }

  /** `ceph ARGS...` with its exit status, not thrown. */
  async function cephRaw(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await execFileP('ceph', ['-c', cluster.conf, '--connect-timeout', '20', ...args], {
        timeout: 120_000,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  }

  async function configSet(name: string, value: string): Promise<void> {
    const r = await runCli(['cmd', '--socket', sock(), 'config', 'set', 'mgr', name, value]);
    assert.equal(r.code, 0, r.stderr);
  }

  async function bridgeStatus(): Promise<Json> {
    const s = JSON.parse(await cluster.ceph('mgrkit_recorder', 'status')) as Json;
    return s.bridge as Json;
  }

  async function pools(): Promise<string[]> {
    return (await cluster.ceph('osd', 'pool', 'ls')).split('\n').filter((l) => l !== '');
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mgrkit-bridge-'));
    secret = randomBytes(24).toString('hex');
    const secretFile = join(dir, 'bridge.secret');
    writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
    mgrkitPort = await freePort();
    proxy = await BridgeProxy.start(mgrkitPort);
    cluster = await CephCluster.start(join(dir, 'cluster'), {
      recorder: `listen:127.0.0.1:${proxy.port}`,
      recorderOptions: { stats_period: '1' },
      cephx: true,
      mds: true,
    });
    await cluster.ceph('config-key', 'set', 'mgr/mgrkit_recorder/secret', secret);
    daemon = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--source',
        `listen:127.0.0.1:${mgrkitPort}`,
        '--bridge-secret-file',
        secretFile,
        '--db',
        join(dir, 'db'),
        '--socket',
        sock(),
        '--module-path',
        join(ROOT, 'test', 'ceph', 'modules'),
        '--modules',
        'bridge_probe',
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    daemon.stderr?.on('data', (d) => {
      stderr += d;
    });
    await waitUntil('the bridge up', async () => ((await bridgeStatus()).up === true ? true : undefined), 120_000, 500);
    await waitUntil('mgrkit to see the monitors', async () =>
      (await probe('probe', 'connected')).connected === true ? true : undefined,
    );
  });

  after(async () => {
    await stopProcess(daemon);
    await proxy?.close();
    await cluster?.stop();
    console.log(`# bridge suite: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (stderr !== '') console.log(`# mgrkit stderr:\n${stderr.replace(/^/gm, '#   ')}`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a peer without the secret gets the challenge and nothing else, and is logged', async () => {
    for (const answer of [
      '{"v":1,"t":1,"kind":"mon_session","state":"down"}',
      JSON.stringify({ bridge: 'auth', version: 1, hmac: '0'.repeat(64) }),
    ]) {
      const got = await new Promise<string>((resolve, reject) => {
        const s = connect(mgrkitPort, '127.0.0.1');
        let text = '';
        let sent = false;
        s.on('data', (d) => {
          text += d;
          if (!sent && text.includes('\n') && !s.destroyed) {
            sent = true;
            s.write(`${answer}\n`);
          }
        });
        s.on('close', () => resolve(text));
        s.on('error', reject);
      });
      const lines = got.split('\n').filter((l) => l !== '');
      assert.deepEqual(
        lines.map((l) => (JSON.parse(l) as Json).bridge),
        ['challenge', 'refused'],
        `the challenge, then why it was refused: ${got}`,
      );
    }
    const log = readFileSync(join(dir, 'db', 'mgr.log'), 'utf8');
    assert.match(log, /refused a connection that did not authenticate/);
    assert.doesNotMatch(log, new RegExp(secret), 'the secret is never logged');
    // The recorder's connection was not replaced by the peer's: the monitors are still heard.
    assert.equal((await probe('probe', 'connected')).connected, true);
    // mgrkit raises it, and the bridge puts it where the operator looks: the cluster's health.
    const refused = await waitUntil(
      'MGRKIT_BRIDGE_REFUSED in ceph health',
      async () =>
        (await cluster.cephJson<{ checks: Record<string, { summary: { message: string } }> }>('health', 'detail'))
          .checks.MGRKIT_BRIDGE_REFUSED,
      60_000,
      500,
    );
    assert.match(refused.summary.message, /^2 connections to the bridge refused/);
  });

  it('a module creates a pool with mon_command: ceph osd pool ls shows it, and the module is cued with it', async () => {
    const r = await probe('probe', 'pool', 'create', 'bridged');
    assert.equal(r.r, 0, String(r.outs));
    assert.equal(r.inMap, true, 'get(osd_map) shows the pool once mon_command returned');
    assert.ok((await pools()).includes('bridged'));
    await waitUntil('the osd_map cue with the pool', async () =>
      (await probe('probe', 'cued', 'bridged')).cued === true ? true : undefined,
    );
  });

  it('send_command marks an OSD out, as ceph osd dump shows', async () => {
    const r = await probe('probe', 'osd', 'out', '1');
    assert.equal(r.r, 0, String(r.outs));
    const dump = await cluster.cephJson<{ osds: Array<{ osd: number; in: number }> }>('osd', 'dump');
    assert.equal(dump.osds.find((o) => o.osd === 1)?.in, 0);
    await cluster.ceph('osd', 'in', '1');
  });

  it('send_command reaches an OSD by id, a PG, and the real ceph-mgr; check_mon_command raises on an error', async () => {
    const osd = await probe('probe', 'target', 'osd', '0', 'version');
    assert.equal(osd.r, 0, String(osd.outs));
    assert.match(String(osd.outb), /"version"/);
    const pgid = (await cluster.cephJson<{ pg_stats: Array<{ pgid: string }> }>('pg', 'dump', 'pgs')).pg_stats[0]!.pgid;
    const pg = await probe('probe', 'target', 'pg', pgid, 'query');
    assert.equal(pg.r, 0, String(pg.outs));
    assert.equal((JSON.parse(String(pg.outb)) as { info: { pgid: string } }).info.pgid, pgid);
    const mgr = await probe('probe', 'target', 'mgr', '', 'balancer status');
    assert.equal(mgr.r, 0, String(mgr.outs));
    assert.equal(typeof (JSON.parse(String(mgr.outb)) as { active: boolean }).active, 'boolean');
    assert.deepEqual(await probe('probe', 'check', 'osd stat'), { r: 0 });
    assert.deepEqual(await probe('probe', 'check', 'no such command'), { failed: 'MonCommandFailed' });
  });

  it("a module's health check shows in ceph health detail, and is gone when cleared", async () => {
    const checks = async () =>
      (await cluster.cephJson<{ checks: Record<string, { summary: { message: string } }> }>('health', 'detail')).checks;
    let t0 = Date.now();
    await probe('probe', 'health', 'set');
    const shown = await waitUntil('MGRKIT_TEST in ceph health', async () => (await checks()).MGRKIT_TEST, 60_000, 200);
    const raisedMs = Date.now() - t0;
    assert.equal(shown.summary.message, 'raised by mgrkit');
    t0 = Date.now();
    await probe('probe', 'health', 'clear');
    await waitUntil(
      'MGRKIT_TEST gone from ceph health',
      async () => ((await checks()).MGRKIT_TEST === undefined ? true : undefined),
      60_000,
      200,
    );
    console.log(`# health check shown in ceph health after ${raisedMs} ms, gone ${Date.now() - t0} ms after clearing`);
  });

  it('ceph mgrkit runs read commands, ceph mgrkit-rw any; an r client is refused a write command with EACCES', async () => {
    const echo = await cephRaw('mgrkit', 'probe', 'echo', 'hello');
    assert.equal(echo.code, 0, echo.stderr);
    assert.equal(echo.stdout.trim(), 'echo hello');
    const listed = await cephRaw('mgrkit', 'mgr', 'module', 'ls', '-f', 'json');
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok((JSON.parse(listed.stdout) as { enabled_modules: string[] }).enabled_modules.includes('bridge_probe'));
    const help = await cephRaw('mgrkit', 'help');
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /mgrkit probe echo <text>/);
    assert.match(help.stdout, /mgrkit-rw probe pool create <pool>/);

    const refused = await cephRaw('mgrkit', 'probe', 'pool', 'create', 'viacli');
    assert.equal(refused.code, 13, `EACCES: ${refused.stderr}`);
    assert.match(refused.stderr, /mgrkit-rw/);
    assert.ok(!(await pools()).includes('viacli'));

    const written = await cephRaw('mgrkit-rw', 'probe', 'pool', 'create', 'viacli');
    assert.equal(written.code, 0, written.stderr);
    assert.ok((await pools()).includes('viacli'));

    const bad = await cephRaw('mgrkit', 'probe', 'nonsense');
    assert.equal(bad.code, 22, bad.stderr);

    // A client with r caps on mgr (cephx): read commands run; Ceph refuses it mgrkit-rw.
    const keyring = join(dir, 'ro.keyring');
    await cluster.ceph('auth', 'get-or-create', 'client.ro', 'mon', 'allow r', 'mgr', 'allow r', '-o', keyring);
    const ro = ['-n', 'client.ro', '-k', keyring];
    const roEcho = await cephRaw(...ro, 'mgrkit', 'probe', 'echo', 'ro');
    assert.equal(roEcho.code, 0, roEcho.stderr);
    assert.equal(roEcho.stdout.trim(), 'echo ro');
    const roWrite = await cephRaw(...ro, 'mgrkit-rw', 'probe', 'pool', 'create', 'byro');
    assert.equal(roWrite.code, 13, `EACCES: ${roWrite.stderr}`);
    const roThroughRead = await cephRaw(...ro, 'mgrkit', 'probe', 'pool', 'create', 'byro');
    assert.equal(roThroughRead.code, 13, `EACCES: ${roThroughRead.stderr}`);
    assert.ok(!(await pools()).includes('byro'));
  });

  it('a module writes objects, xattrs and omap with this.rados; the rados CLI reads them back equal', async () => {
    assert.deepEqual(await probe('probe', 'rados', 'write', 'objs', '300'), PROBE_RADOS_300);
    const names = (await cluster.rados('-p', 'objs', 'ls')).split('\n').filter((l) => l !== '');
    assert.equal(names.length, 302);
    for (const i of [0, 7, 299]) {
      await cluster.rados('-p', 'objs', 'get', `obj-${i}`, join(dir, 'got'));
      assert.equal(readFileSync(join(dir, 'got'), 'utf8'), `data-${i}-${'x'.repeat(i)}`);
      assert.equal(await cluster.rados('-p', 'objs', 'getxattr', `obj-${i}`, 'tag'), `x-${i}`);
    }
    const omap = await cluster.rados('-p', 'objs', 'listomapkeys', 'index');
    assert.equal(omap.split('\n').filter((l) => l !== '').length, 300);
    await cluster.rados('-p', 'objs', 'getomapval', 'index', 'k42', join(dir, 'got'));
    assert.equal(readFileSync(join(dir, 'got'), 'utf8'), 'v42');
    await cluster.rados('-p', 'objs', 'get', 'big', join(dir, 'got'));
    const big = readFileSync(join(dir, 'got'));
    assert.equal(big.length, 9 * 1024 * 1024 + 123 + 4);
    assert.equal(big[1000], (1000 * 7) % 251);
    assert.equal(big.subarray(-4).toString(), 'tail');
  });

  it('a module builds a tree with this.cephfs; a python-cephfs client reads it back equal; ceph fs status shows the file system', async () => {
    const wrote = await probe('probe', 'fs', 'write', '/mgrkit');
    assert.deepEqual(wrote, { missing: 'ObjectNotFound', ...PROBE_FS_TREE });
    assert.deepEqual(await probe('probe', 'fs', 'read', '/mgrkit'), PROBE_FS_TREE);
    const script = [
      'import cephfs, json, sys',
      'fs = cephfs.LibCephFS(conffile=sys.argv[1]); fs.mount(filesystem_name=b"cephfs")',
      'def get(p):',
      '    fd = fs.open(p, "r"); st = fs.fstat(fd); d = fs.read(fd, 0, st.st_size); fs.close(fd); return d',
      'def ls(p):',
      '    d = fs.opendir(p); out = []; e = fs.readdir(d)',
      '    while e:',
      '        n = e.d_name.decode()',
      '        if n not in (".", ".."): out.append(n)',
      '        e = fs.readdir(d)',
      '    fs.closedir(d); return sorted(out)',
      'big = get(b"/mgrkit/big.bin")',
      'print(json.dumps({"root": ls(b"/mgrkit"), "a": ls(b"/mgrkit/a"), "b": ls(b"/mgrkit/a/b"),',
      '  "one": get(b"/mgrkit/a/one.txt").decode(), "deux": get(b"/mgrkit/a/b/deux.txt").decode(),',
      '  "big": len(big) == 5 * 1024 * 1024 + 17 and all(big[i] == (i * 13) % 251 for i in range(0, len(big), 4099)),',
      '  "tag": fs.getxattr(b"/mgrkit/a/one.txt", "user.tag").decode()}))',
      'fs.unmount(); fs.shutdown()',
    ].join('\n');
    const { stdout } = await execFileP('/usr/bin/python3', ['-c', script, cluster.conf], { timeout: 120_000 });
    assert.deepEqual(JSON.parse(stdout), {
      root: ['a', 'big.bin'],
      a: ['b', 'one.txt'],
      b: ['deux.txt'],
      one: 'one',
      deux: 'two'.repeat(1000),
      big: true,
      tag: 'mgrkit',
    });
    const status = await cluster.cephJson<{ mdsmap: Array<{ state: string }>; pools: Array<{ name: string }> }>(
      'fs',
      'status',
      'cephfs',
    );
    assert.ok(status.mdsmap.some((m) => m.state === 'active'));
    assert.deepEqual(status.pools.map((p) => p.name).sort(), ['cephfs.data', 'cephfs.meta']);
  });

  it('the connection cut before the answer: the request is sent again with its id and applied once', async () => {
    const before = await bridgeStatus();
    const commandId = () => {
      for (const line of proxy.toRecorder) {
        const m = JSON.parse(line) as Json;
        const args = m.args as { cmd?: { pool?: string } } | undefined;
        if (m.op === 'command' && args?.cmd?.pool === 'cutpool') return m.id as string;
      }
      return undefined;
    };
    proxy.cutWhenRecorderSends((line) => {
      const id = commandId();
      return id !== undefined && line.includes(`"id": "${id}"`) && line.includes('"bridge": "reply"');
    });
    const connections = proxy.connections;
    const r = await probe('probe', 'mon', 'osd pool create', '--pool', 'cutpool');
    assert.equal(r.r, 0, String(r.outs));
    assert.ok(proxy.connections > connections, 'the recorder connected again');
    assert.ok((await pools()).includes('cutpool'));
    const now = await bridgeStatus();
    assert.equal((now.applied as number) - (before.applied as number), 1, 'applied once');
    assert.equal(
      (now.duplicates as number) - (before.duplicates as number),
      1,
      'the second sending was answered from memory',
    );
  });

  it('a recorder with the wrong secret is refused, and ceph health says why', async () => {
    await cluster.ceph('config-key', 'set', 'mgr/mgrkit_recorder/secret', 'not the secret mgrkit holds');
    proxy.cutAll();
    const output = await waitUntil(
      'MGRKIT_RECORDER_OUTPUT saying mgrkit refused it',
      async () => {
        const checks = (
          await cluster.cephJson<{ checks: Record<string, { detail: Array<{ message: string }> }> }>('health', 'detail')
        ).checks;
        const c = checks.MGRKIT_RECORDER_OUTPUT;
        return c?.detail.some((d) => /mgrkit refused the connection: a wrong answer to the challenge/.test(d.message))
          ? c
          : undefined;
      },
      60_000,
      500,
    );
    assert.ok(output);
    await cluster.ceph('config-key', 'set', 'mgr/mgrkit_recorder/secret', secret);
    await waitUntil('the bridge up again', async () => ((await bridgeStatus()).up === true ? true : undefined));
  });

  it('no connection: a call fails with ETIMEDOUT at rados_mon_op_timeout, or ENOTCONN without one; have_mon_connection() follows', async () => {
    await configSet('rados_mon_op_timeout', '3');
    proxy.refusing = true;
    proxy.cutAll();
    await waitUntil('have_mon_connection() false', async () =>
      (await probe('probe', 'connected')).connected === false ? true : undefined,
    );
    const timedOut = await probe('probe', 'mon', 'osd pool create', '--pool', 'never1');
    assert.equal(timedOut.r, -110, `ETIMEDOUT: ${String(timedOut.outs)}`);
    await configSet('rados_mon_op_timeout', '0');
    const down = await probe('probe', 'mon', 'osd pool create', '--pool', 'never2');
    assert.equal(down.r, -107, `ENOTCONN: ${String(down.outs)}`);

    proxy.refusing = false;
    await waitUntil('have_mon_connection() true again', async () =>
      (await probe('probe', 'connected')).connected === true ? true : undefined,
    );
    const listed = await pools();
    assert.ok(!listed.includes('never1') && !listed.includes('never2'), 'a failed call is not applied later');
  });
});
