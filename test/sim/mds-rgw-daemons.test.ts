import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClusterEvent, ClusterEventSchema } from '../../schemas/event.ts';
import type { FsMap } from '../../schemas/maps/fs-map.ts';
import type { HealthMap } from '../../schemas/maps/health.ts';
import { resolveSimOptions } from '../../src/sim/sim-options.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { parseSimSpec } from '../../src/sources/sim-source.ts';
import { runCli } from '../helpers.ts';

const SMALL = { osds: 6, hosts: 3, pgs: 64, duration: 60, statsPeriod: 2, seed: 5 } as const;

const clogs = (events: Iterable<ClusterEvent>) =>
  [...events].flatMap((e) => (e.kind === 'clog' ? [e.entry.message] : []));
const fsDump = (sim: SimulatedCluster): FsMap => JSON.parse(sim.command({ prefix: 'fs dump', format: 'json' }).outb);
const health = (sim: SimulatedCluster): HealthMap =>
  JSON.parse(sim.command({ prefix: 'health detail', format: 'json' }).outb);
const counters = (events: ClusterEvent[], daemon: string) =>
  events.flatMap((e) => (e.kind === 'daemon_report' && e.daemon === daemon ? [e.counters] : []));
/** Rank 0's holder and its state, in each fs_map the manager gets. */
const rankStates = (events: ClusterEvent[]) =>
  events.flatMap((e) => {
    if (e.kind !== 'fs_map' || e.map === undefined) return [];
    const m = e.map.filesystems[0]?.mdsmap;
    const gid = m?.up.mds_0;
    const info = gid === undefined ? undefined : m?.info[`gid_${gid}`];
    return [info === undefined ? 'failed' : `${info.name}=${info.state}`];
  });

describe('MDS daemons (--mds)', () => {
  it('adds no option, file system or event without mds and rgw', () => {
    const c = resolveSimOptions({ osds: 6 });
    assert.ok(!('fs' in c) && !('mds' in c) && !('rgw' in c), JSON.stringify(c));
    assert.equal(resolveSimOptions({ osds: 6, mds: 2 }).fs, 'cephfs');
    assert.equal(resolveSimOptions({ osds: 6, mds: 2, fs: 'home' }).fs, 'home');
  });

  it('gives a file system whose rank 0 mds.a holds, mds.b standing by, as ceph fs dump shows them', () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 2, scenario: false });
    const events = sim.advanceTo(sim.startMs + 10_000);
    for (const e of events) ClusterEventSchema.parse(e);
    const opens = events.filter((e) => e.kind === 'daemon_open' && e.daemon.startsWith('mds.'));
    assert.deepEqual(
      opens.map((e) => e.kind === 'daemon_open' && [e.daemon, e.hostname, e.metadata.hostname]),
      [
        ['mds.a', 'node03', 'node03'],
        ['mds.b', 'node02', 'node02'],
      ],
    );
    const open = opens[0]!;
    assert.ok(open.kind === 'daemon_open');
    assert.match(open.metadata.addr!, /^\[v2:[\d.]+:7000\/\d+,v1:[\d.]+:7001\/\d+\]$/);
    assert.equal(open.metadata.ceph_version_short, '16.2.15');
    assert.deepEqual(open.perf_schema?.['mds_server.handle_client_request'], {
      description: 'Client requests',
      nick: 'hcr',
      priority: 8,
      type: 10,
      units: 1,
    });
    assert.deepEqual(rankStates(events), ['a=up:creating', 'a=up:active']);
    const log = clogs(events);
    assert.ok(log.includes('daemon mds.a assigned to filesystem cephfs as rank 0'), log.join('\n'));
    assert.ok(log.includes('daemon mds.a is now active in filesystem cephfs as rank 0'));

    const dump = fsDump(sim);
    const m = dump.filesystems[0]!.mdsmap;
    assert.equal(m.fs_name, 'cephfs');
    assert.deepEqual([m.in, m.failed, Object.keys(m.up)], [[0], [], ['mds_0']]);
    const active = m.info[`gid_${m.up.mds_0}`]!;
    assert.deepEqual([active.name, active.rank, active.state], ['a', 0, 'up:active']);
    assert.equal(active.addr, open.metadata.addr!.replace(/^\[v2:[^,]+,v1:(.*)\]$/, '$1'));
    assert.deepEqual(
      dump.standbys.map((s) => [s.name, s.rank, s.state, typeof s.epoch]),
      [['b', -1, 'up:standby', 'number']],
    );
    assert.equal(health(sim).status, 'HEALTH_OK', JSON.stringify(health(sim)));
  });

  it('the active MDS serves requests and reports its counters; the standby serves none', () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 2, scenario: false });
    const events = sim.advanceTo(sim.startMs + 30_000);
    const a = counters(events, 'mds.a');
    const b = counters(events, 'mds.b');
    assert.ok(a.length >= 10 && b.length >= 10, `${a.length} ${b.length}`);
    const last = a.at(-1)!;
    const prev = a.at(-2)!;
    // Over a stats period of 2 s: a plausible rate, and the objecter follows the requests.
    const rate = ((last['mds.request'] as number) - (prev['mds.request'] as number)) / 2;
    assert.ok(rate > 50 && rate < 5000, `${rate} requests/s`);
    assert.equal(last['mds_server.handle_client_request'], last['mds.request']);
    assert.ok((last['objecter.op_r'] as number) > (prev['objecter.op_r'] as number));
    assert.ok((last['objecter.op_w'] as number) > (prev['objecter.op_w'] as number));
    assert.ok((last['mds.inodes'] as number) > 0 && (last['mds.caps'] as number) > 0);
    assert.equal(last['mds_mem.ino'], last['mds.inodes']);
    const lat = last['mds.reply_latency'] as { avgcount: number; sum: number };
    assert.equal(lat.avgcount, last['mds.request']);
    const ms = lat.sum / lat.avgcount / 1e6;
    assert.ok(ms > 0.2 && ms < 10, `${ms} ms a reply`);
    assert.equal(b.at(-1)!['mds.request'], 0);
    assert.equal(b.at(-1)!['mds.inodes'], 0);
    const schema = events.find((e) => e.kind === 'daemon_open' && e.daemon === 'mds.a');
    assert.ok(schema?.kind === 'daemon_open');
    assert.deepEqual(Object.keys(last).sort(), Object.keys(schema.perf_schema!).sort(), 'every counter of the schema');
  });

  it('with one MDS and no standby, MDS_INSUFFICIENT_STANDBY as the monitors word it', () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 1, scenario: false });
    sim.advanceTo(sim.startMs + 5000);
    assert.deepEqual(health(sim).checks.MDS_INSUFFICIENT_STANDBY, {
      severity: 'HEALTH_WARN',
      summary: { message: 'insufficient standby MDS daemons available', count: 1 },
      detail: [{ message: 'have 0; want 1 more' }],
      muted: false,
    });
  });

  it('parses mds= and rgw= in a sim: spec and --mds, --rgw in mgrkit simulate', async () => {
    assert.deepEqual(parseSimSpec('sim:osds=6,mds=2,rgw=1'), { osds: 6, mds: 2, rgw: 1 });
    const r = await runCli(['simulate', '--osds', '4', '--duration', '6', '--mds', '2', '--rgw', '1', '--no-scenario']);
    assert.equal(r.code, 0, r.stderr);
    const kinds = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ClusterEvent);
    assert.ok(kinds.some((e) => e.kind === 'daemon_open' && e.daemon === 'mds.b'));
    assert.ok(kinds.some((e) => e.kind === 'service_map'));
  });
});

describe('an MDS failover (mds-failover)', () => {
  it('a standby takes the rank through replay, reconnect and rejoin; the failed one comes back as standby', () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 2, scenario: ['mds-failover'] });
    const before = sim.advanceTo(sim.startMs + 0.16 * 60_000);
    assert.equal(health(sim).status, 'HEALTH_OK');
    const during = sim.advanceTo(sim.startMs + 0.19 * 60_000);
    assert.ok(during.some((e) => e.kind === 'daemon_close' && e.daemon === 'mds.a'));
    const h = health(sim);
    assert.deepEqual(Object.keys(h.checks), ['FS_DEGRADED', 'MDS_INSUFFICIENT_STANDBY']);
    assert.deepEqual(h.checks.FS_DEGRADED, {
      severity: 'HEALTH_WARN',
      summary: { message: '1 filesystem is degraded', count: 1 },
      detail: [{ message: 'fs cephfs is degraded' }],
      muted: false,
    });
    assert.deepEqual(h.checks.MDS_INSUFFICIENT_STANDBY?.detail, [{ message: 'have 0; want 1 more' }]);
    const after = sim.advanceTo(sim.startMs + 0.5 * 60_000);
    const states = rankStates([...before, ...during, ...after]);
    assert.deepEqual(states.slice(states.indexOf('a=up:active')), [
      'a=up:active',
      'b=up:replay',
      'b=up:reconnect',
      'b=up:rejoin',
      'b=up:active',
    ]);
    const log = clogs([...during, ...after]);
    for (const line of [
      'Standby daemon mds.b assigned to filesystem cephfs as rank 0',
      'Health check failed: 1 filesystem is degraded (FS_DEGRADED)',
      'Health check failed: insufficient standby MDS daemons available (MDS_INSUFFICIENT_STANDBY)',
      'daemon mds.b is now active in filesystem cephfs as rank 0',
      'Health check cleared: FS_DEGRADED (was: 1 filesystem is degraded)',
    ]) {
      assert.ok(log.includes(line), `${line}\n${log.join('\n')}`);
    }
    const b = counters(after, 'mds.b').at(-1)!;
    assert.ok((b['mds_log.replayed'] as number) > 0, 'mds.b replayed the journal mds.a left');
    assert.ok((b['mds.request'] as number) > 0, 'and serves the clients');
    assert.deepEqual(Object.keys(health(sim).checks), ['MDS_INSUFFICIENT_STANDBY']);

    const back = sim.advanceTo(sim.startMs + 0.6 * 60_000);
    assert.ok(back.some((e) => e.kind === 'daemon_open' && e.daemon === 'mds.a'));
    assert.deepEqual(
      fsDump(sim).standbys.map((s) => s.name),
      ['a'],
    );
    assert.ok(
      clogs(back).includes(
        'Health check cleared: MDS_INSUFFICIENT_STANDBY (was: insufficient standby MDS daemons available)',
      ),
    );
    assert.equal(health(sim).status, 'HEALTH_OK');
  });

  it('with no standby the rank stays failed: the file system is offline (HEALTH_ERR) until the MDS comes back', () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 1, scenario: ['mds-failover'] });
    sim.advanceTo(sim.startMs + 0.3 * 60_000);
    const h = health(sim);
    assert.equal(h.status, 'HEALTH_ERR');
    assert.deepEqual(Object.keys(h.checks), [
      'FS_DEGRADED',
      'FS_WITH_FAILED_MDS',
      'MDS_ALL_DOWN',
      'MDS_INSUFFICIENT_STANDBY',
    ]);
    assert.deepEqual(h.checks.MDS_ALL_DOWN, {
      severity: 'HEALTH_ERR',
      summary: { message: '1 filesystem is offline', count: 1 },
      detail: [{ message: 'fs cephfs is offline because no MDS is active for it.' }],
      muted: false,
    });
    assert.deepEqual(h.checks.FS_WITH_FAILED_MDS?.summary, {
      message: '1 filesystem has a failed mds daemon',
      count: 1,
    });
    assert.deepEqual(h.checks.FS_WITH_FAILED_MDS?.detail, [{ message: 'fs cephfs has 1 failed mds' }]);
    const m = fsDump(sim).filesystems[0]!.mdsmap;
    assert.deepEqual([m.failed, m.up, m.in], [[0], {}, [0]]);

    const back = sim.advanceTo(sim.startMs + 0.8 * 60_000);
    assert.deepEqual(rankStates(back), ['a=up:replay', 'a=up:reconnect', 'a=up:rejoin', 'a=up:active']);
    assert.ok(clogs(back).includes('Standby daemon mds.a assigned to filesystem cephfs as rank 0'));
    assert.deepEqual(Object.keys(health(sim).checks), ['MDS_INSUFFICIENT_STANDBY']);
  });

  it('is refused on a cluster without MDS daemons', () => {
    assert.throws(
      () => new SimulatedCluster({ ...SMALL, scenario: ['mds-failover'] }),
      /scenario step mds-failover: needs MDS daemons \(--mds; has none\)/,
    );
  });
});

describe('every MDS down (mds-all-down)', () => {
  it('stops every daemon: the rank fails with no standby (MDS_ALL_DOWN) until they start and one replays into it', () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 2, scenario: ['mds-all-down'] });
    sim.advanceTo(sim.startMs + 0.3 * 60_000);
    assert.equal(health(sim).status, 'HEALTH_OK');
    sim.advanceTo(sim.startMs + 0.37 * 60_000);
    const h = health(sim);
    assert.equal(h.status, 'HEALTH_ERR');
    assert.ok(h.checks.MDS_ALL_DOWN && h.checks.FS_WITH_FAILED_MDS, Object.keys(h.checks).join(','));
    assert.deepEqual(fsDump(sim).filesystems[0]!.mdsmap.failed, [0]);
    const back = sim.advanceTo(sim.startMs + 0.9 * 60_000);
    assert.deepEqual(rankStates(back).at(-1), 'a=up:active');
    assert.equal(health(sim).status, 'HEALTH_OK');
  });

  it('with mds-failover, leaves mds.a to it: only the others start again at 40%', () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 2, scenario: ['mds-failover', 'mds-all-down'] });
    sim.advanceTo(sim.startMs + 0.37 * 60_000);
    assert.ok(health(sim).checks.MDS_ALL_DOWN);
    const between = sim.advanceTo(sim.startMs + 0.5 * 60_000);
    assert.equal(rankStates(between).at(-1), 'b=up:active');
    assert.deepEqual(Object.keys(health(sim).checks), ['MDS_INSUFFICIENT_STANDBY']);
  });
});

describe('MDS ranks beyond the daemons (mds-ranks, fs set max_mds)', () => {
  it('the standbys take the new ranks; one short raises MDS_UP_LESS_THAN_MAX; back to 1 the extra ranks stop', () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 2, scenario: ['mds-ranks'] });
    sim.advanceTo(sim.startMs + 0.7 * 60_000);
    const m = fsDump(sim).filesystems[0]!.mdsmap;
    assert.deepEqual([m.max_mds, m.in], [3, [0, 1]]);
    const holders = Object.values(m.info).map((i) => [i.name, i.rank, i.state]);
    assert.deepEqual(holders.sort(), [
      ['a', 0, 'up:active'],
      ['b', 1, 'up:active'],
    ]);
    const h = health(sim);
    assert.deepEqual(h.checks.MDS_UP_LESS_THAN_MAX, {
      severity: 'HEALTH_WARN',
      summary: { message: '1 filesystem is online with fewer MDS than max_mds', count: 1 },
      detail: [{ message: 'fs cephfs has 2 MDS online, but wants 3' }],
      muted: false,
    });
    const later = sim.advanceTo(sim.startMs + 0.95 * 60_000);
    const log = clogs(later);
    for (const line of [
      'stopping daemon mds.b',
      'daemon mds.b finished stopping rank 1 in filesystem cephfs (now has 1 ranks)',
      'Health check cleared: MDS_UP_LESS_THAN_MAX (was: 1 filesystem is online with fewer MDS than max_mds)',
    ]) {
      assert.ok(log.includes(line), `${line}\n${log.join('\n')}`);
    }
    const after = fsDump(sim);
    assert.deepEqual([after.filesystems[0]!.mdsmap.in, after.filesystems[0]!.mdsmap.stopped], [[0], [1]]);
    assert.deepEqual(
      after.standbys.map((s) => s.name),
      ['b'],
    );
    assert.equal(health(sim).status, 'HEALTH_OK');
  });

  it('fs set answers as the monitors do', () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 1, scenario: false });
    sim.advanceTo(sim.startMs + 2000);
    const set = (fs: string, v: string, val: string) => sim.command({ prefix: 'fs set', fs_name: fs, var: v, val });
    assert.deepEqual(set('nope', 'max_mds', '2'), { retval: -2, outb: '', outs: "Not found: 'nope'" });
    assert.equal(set('cephfs', 'max_mds', '0').outs, 'You must specify at least one MDS');
    assert.equal(set('cephfs', 'max_mds', '300').outs, 'may not have more than 256 MDS ranks');
    assert.equal(set('cephfs', 'max_mds', 'x').retval, -22);
    assert.equal(set('cephfs', 'max_mds', '2').retval, 0);
    assert.equal(fsDump(sim).filesystems[0]!.mdsmap.max_mds, 2);
  });
});

describe('damaged metadata (mds-damage)', () => {
  it("rank 0's MDS reports MDS_DAMAGE, an error, while the damage is there", () => {
    const sim = new SimulatedCluster({ ...SMALL, mds: 2, scenario: ['mds-damage'] });
    sim.advanceTo(sim.startMs + 0.72 * 60_000);
    const h = health(sim);
    assert.equal(h.status, 'HEALTH_ERR');
    assert.deepEqual(h.checks.MDS_DAMAGE, {
      severity: 'HEALTH_ERR',
      summary: { message: '1 MDSs report damaged metadata', count: 1 },
      detail: [{ message: 'mds.a(mds.0): Metadata damage detected' }],
      muted: false,
    });
    const log = clogs(sim.advanceTo(sim.startMs + 0.8 * 60_000));
    assert.ok(log.includes('Health check cleared: MDS_DAMAGE (was: 1 MDSs report damaged metadata)'), log.join('\n'));
    assert.equal(health(sim).status, 'HEALTH_OK');
  });
});

describe('RGW daemons (--rgw)', () => {
  it('register in the service map and report their counters under their instance id', () => {
    const sim = new SimulatedCluster({ ...SMALL, rgw: 2, scenario: false });
    const events = sim.advanceTo(sim.startMs + 20_000);
    for (const e of events) ClusterEventSchema.parse(e);
    const sm = events.find((e) => e.kind === 'service_map');
    assert.ok(sm?.kind === 'service_map' && sm.map !== undefined);
    const daemons = sm.map.services.rgw!.daemons;
    assert.equal(daemons.summary, '');
    const keys = Object.keys(daemons).filter((k) => k !== 'summary');
    assert.equal(keys.length, 2);
    const d = daemons[keys[0]!] as { gid: number; addr: string; metadata: Record<string, string> };
    assert.equal(String(d.gid), keys[0]);
    assert.match(d.addr, /^[\d.]+:0\/\d+$/);
    assert.match(d.metadata.id!, /^default\.node03\.[a-z]{6}$/);
    assert.equal(d.metadata.hostname, 'node03');
    assert.deepEqual(
      [d.metadata.zonegroup_name, d.metadata.zone_name, d.metadata['frontend_type#0']],
      ['default', 'default', 'beast'],
    );
    const open = events.find((e) => e.kind === 'daemon_open' && e.daemon === `rgw.${keys[0]}`);
    assert.ok(open?.kind === 'daemon_open');
    assert.deepEqual(open.metadata, d.metadata);
    assert.deepEqual(open.perf_schema?.['rgw.get_initial_lat'], {
      description: 'Get latency',
      priority: 5,
      type: 5,
      units: 1,
    });
    const reports = counters(events, `rgw.${keys[0]}`);
    assert.ok(reports.length >= 8);
    const [prev, last] = reports.slice(-2) as [Record<string, unknown>, Record<string, unknown>];
    const rate = ((last['rgw.req'] as number) - (prev['rgw.req'] as number)) / 2;
    assert.ok(rate > 20 && rate < 3000, `${rate} requests/s`);
    assert.ok((last['rgw.get'] as number) + (last['rgw.put'] as number) < (last['rgw.req'] as number));
    assert.ok((last['rgw.get_b'] as number) > (prev['rgw.get_b'] as number));
    assert.ok((last['objecter.op_w'] as number) > 0);
    assert.deepEqual(Object.keys(last).sort(), Object.keys(open.perf_schema!).sort());
  });
});
