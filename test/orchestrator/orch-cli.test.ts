import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AdminClient } from '../../src/server/admin-client.ts';
import { runCli, waitFor } from '../helpers.ts';
import { type MgrkitRun, startMgrkitRun } from '../mgrkit-run.ts';

interface OsdEntry {
  osd: number;
  up: number;
  in: number;
}

/** How long the simulated cluster takes to boot again an OSD marked down while it runs (its REBOOT_MS), in ms. */
const REBOOT_MS = 5000;
/** Seconds between two PG stats reports of an OSD in the simulated cluster (its stats-period). */
const STATS_PERIOD_MS = 1000;

describe('`orch` through `mgrkit cmd` on a simulated cluster', () => {
  let dir: string;
  let db: string;
  let daemon: MgrkitRun;
  let socket: AdminClient;
  /** What a user types: `mgrkit cmd ...` in its own process. */
  const cmd = (...words: string[]) => runCli(['cmd', '--db', db, ...words]);
  /** Data checks go straight to the admin socket: a process per poll would dominate the run time. */
  const ask = async <T>(req: Record<string, unknown>): Promise<T> => {
    const r = await socket.send({ format: 'json', ...req });
    assert.equal(r.retval, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const osds = async (): Promise<OsdEntry[]> => (await ask<{ osds: OsdEntry[] }>({ prefix: 'osd dump' })).osds;
  /** The stream time of the latest PG stats report. */
  const streamTime = async (): Promise<number> => {
    const { pg_stats } = await ask<{ pg_stats: Array<{ last_fresh: string }> }>({ prefix: 'pg dump_stats' });
    return Math.max(...pg_stats.map((p) => Date.parse(p.last_fresh)));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mgrkit-orch-'));
    db = join(dir, 'db');
    daemon = startMgrkitRun(
      dir,
      [
        '--source',
        `sim:osds=6,scenario=false,seed=5,stats-period=${STATS_PERIOD_MS / 1000}`,
        '--speed',
        '4',
        '--modules',
        'orchestrator,sim_orchestrator',
      ],
      { db },
    );
    await daemon.waitFor('the host to open its socket', () => existsSync(daemon.socket));
    socket = await AdminClient.connect(daemon.socket);
    await waitFor('the first OSD map', async () => {
      const r = await socket.send({ prefix: 'osd dump', format: 'json' });
      return r.retval === 0 && JSON.parse(r.stdout)?.osds?.length === 6;
    });
  });

  after(async () => {
    socket?.close();
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers `orch ls` without a backend with Ceph’s "No orchestrator configured", exit 2 (ENOENT)', async () => {
    const r = await cmd('orch', 'ls');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /ENOENT: No orchestrator configured \(try `ceph orch set backend`\)/);
  });

  it('refuses a backend that is not an enabled orchestrator module, and takes sim_orchestrator', async () => {
    assert.equal((await cmd('orch', 'set', 'backend', 'no_such_module')).code, 22);
    assert.equal((await cmd('orch', 'set', 'backend', 'sim_orchestrator')).code, 0);
    const status = await cmd('orch', 'status');
    assert.equal(status.stdout.trim(), 'Backend: sim_orchestrator\nAvailable: Yes');
  });

  it('lists the simulated hosts and their free devices', async () => {
    const hosts = await cmd('orch', 'host', 'ls');
    assert.equal(hosts.code, 0);
    const lines = hosts.stdout.trim().split('\n');
    assert.match(lines[0]!, /^HOST\s+ADDR\s+LABELS\s+STATUS$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/)[0]),
      ['node01', 'node02', 'node03'],
    );
    const devices = await ask<Array<{ devices: Array<{ path: string; available: boolean }> }>>({
      prefix: 'orch device ls',
      hostname: ['node02'],
    });
    assert.deepEqual(
      devices[0]!.devices.map((d) => [d.path, d.available]),
      [
        ['/dev/sdb', false],
        ['/dev/sdc', false],
        ['/dev/sdd', true],
        ['/dev/sde', true],
      ],
    );
  });

  it('deploys OSDs with `orch apply osd`: they appear up and in in the OSD map and in `orch ps`', async () => {
    const one = await cmd('orch', 'apply', 'osd', '--placement=node02');
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout.trim(), 'Scheduled osd.default_drive_group update...');
    const map = await osds();
    assert.deepEqual(
      map.map((o) => [o.osd, o.up, o.in]),
      [0, 1, 2, 3, 4, 5, 6, 7].map((o) => [o, 1, 1]),
    );
    const crush = await ask<{ buckets: Array<{ name: string; items: Array<{ id: number }> }> }>({
      prefix: 'osd crush dump',
    });
    assert.deepEqual(
      crush.buckets.find((b) => b.name === 'node02')?.items.map((i) => i.id),
      [2, 3, 6, 7],
    );

    const all = await cmd('orch', 'apply', 'osd', '--all-available-devices');
    assert.equal(all.code, 0, all.stderr);
    assert.equal((await osds()).filter((o) => o.up === 1 && o.in === 1).length, 12);

    type Daemon = { daemon_name: string; hostname: string; status_desc: string; service_name: string };
    const ps = await ask<Daemon[]>({ prefix: 'orch ps', daemon_type: 'osd' });
    assert.equal(ps.length, 12);
    const osd6 = ps.find((d) => d.daemon_name === 'osd.6')!;
    assert.equal(osd6.hostname, 'node02');
    assert.equal(osd6.status_desc, 'running');
    assert.equal(osd6.service_name, 'osd.default_drive_group');
    const table = (await cmd('orch', 'ps', 'node02')).stdout.split('\n');
    assert.match(
      table[0]!,
      /^NAME\s+HOST\s+PORTS\s+STATUS\s+REFRESHED\s+AGE\s+MEM USE\s+MEM LIM\s+VERSION\s+IMAGE ID\s+CONTAINER ID$/,
    );
    assert.ok(table.some((l) => /^osd\.7\s+node02\s+running/.test(l)));

    const ls = (await cmd('orch', 'ls', 'osd')).stdout;
    assert.match(ls, /^NAME\s+PORTS\s+RUNNING\s+REFRESHED\s+AGE\s+PLACEMENT/);
    assert.match(ls, /osd\.all-available-devices\s+4\/4\s.*\*$/m);
    const free = await ask<Array<{ devices: Array<{ available: boolean }> }>>({ prefix: 'orch device ls' });
    assert.ok(free.every((h) => h.devices.every((d) => !d.available)));
  });

  it('stops osd.0 with `orch daemon stop`: it goes down, PGs degrade, and it stays down until started', async () => {
    const stop = await cmd('orch', 'daemon', 'stop', 'osd.0');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout.trim(), "Scheduled to stop osd.0 on host 'node01'");
    assert.equal((await osds()).find((o) => o.osd === 0)?.up, 0);
    await waitFor('degraded PGs in pg_summary', async () => {
      const s = await ask<{ pgmap: { pgs_by_state: Array<{ state_name: string }> } }>({ prefix: 'status' });
      return s.pgmap.pgs_by_state.some((p) => p.state_name.includes('degraded'));
    });
    const ps = await ask<Array<{ daemon_name: string; status_desc: string }>>({
      prefix: 'orch ps',
      daemon_type: 'osd',
    });
    assert.equal(ps.find((d) => d.daemon_name === 'osd.0')?.status_desc, 'stopped');
    // A daemon marked down while running boots again REBOOT_MS later in stream time; a stopped one does not. The
    // stream's time is read from the PG stats, which lag it by up to a stats period.
    const stoppedBy = (await streamTime()) + STATS_PERIOD_MS;
    await waitFor('the stream to pass the time a reboot would have come', async () => {
      return (await streamTime()) > stoppedBy + REBOOT_MS + STATS_PERIOD_MS;
    });
    assert.equal((await osds()).find((o) => o.osd === 0)?.up, 0);

    assert.equal((await cmd('orch', 'daemon', 'start', 'osd.0')).code, 0);
    assert.equal((await osds()).find((o) => o.osd === 0)?.up, 1);
    const unknown = await cmd('orch', 'daemon', 'stop', 'osd.99');
    assert.equal(unknown.code, 2);
  });
});
