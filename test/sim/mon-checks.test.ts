import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { HealthCheck, HealthMap } from '../../schemas/maps/health.ts';
import { MonDataDisks } from '../../src/sim/mon-disk.ts';
import { MonTimecheck, type TimeSyncStatus } from '../../src/sim/mon-timecheck.ts';
import type { SimOptionsInput } from '../../src/sim/sim-options.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';

// The alert check's cluster and duration: the time checks run on Ceph's own intervals (300 s, 30 s while skewed).
const D = 10_800;
const CLUSTER = { osds: 10, mons: 3, pgs: 128, duration: D, seed: 3 } as const;

interface Seen {
  t: number;
  map: HealthMap;
}

/** Runs `sim` to `fraction` of the duration a tick at a time, keeping each health map and cluster log line. */
function run(sim: SimulatedCluster, fraction: number, health: Seen[], clog: Array<{ t: number; message: string }>) {
  const end = sim.startMs + fraction * D * 1000;
  for (let t = sim.now + 1000; t <= end; t += 1000) {
    for (const e of sim.advanceTo(t)) collect(e, health, clog);
  }
}

function collect(e: ClusterEvent, health: Seen[], clog: Array<{ t: number; message: string }>) {
  if (e.kind === 'health' && e.map !== undefined) health.push({ t: e.t, map: e.map });
  if (e.kind === 'clog') clog.push({ t: e.t, message: e.entry.message });
}

const at = (sim: SimulatedCluster, fraction: number) => sim.startMs + Math.round(D * 1000 * fraction);
const checkOf = (s: Seen | undefined, code: string): HealthCheck | undefined => s?.map.checks?.[code];
const first = (seen: Seen[], code: string, from = 0) => seen.find((s) => s.t >= from && checkOf(s, code));
const cleared = (seen: Seen[], code: string, from: number) =>
  seen.find((s) => s.t >= from && checkOf(s, code) === undefined);

function cluster(options: Partial<SimOptionsInput> & { scenario: string[] }) {
  return new SimulatedCluster({ ...CLUSTER, ...options });
}

describe("the monitors' own checks", () => {
  it('mon-disk: MON_DISK_LOW then MON_DISK_CRIT (an error) on the filling monitor, in Ceph words, then clear', () => {
    const sim = cluster({ scenario: ['mon-disk'] });
    const health: Seen[] = [];
    const clog: Array<{ t: number; message: string }> = [];
    run(sim, 0.2, health, clog);
    const low = first(health, 'MON_DISK_LOW')!;
    assert.equal(low.t, at(sim, 0.06));
    assert.deepEqual(checkOf(low, 'MON_DISK_LOW'), {
      severity: 'HEALTH_WARN',
      summary: { message: 'mon b is low on available space', count: 1 },
      detail: [{ message: 'mon.b has 24% avail' }],
      muted: false,
    });
    assert.equal(low.map.status, 'HEALTH_WARN');
    const crit = first(health, 'MON_DISK_CRIT')!;
    assert.equal(crit.t, at(sim, 0.11));
    assert.deepEqual(checkOf(crit, 'MON_DISK_CRIT'), {
      severity: 'HEALTH_ERR',
      summary: { message: 'mon b is very low on available space', count: 1 },
      detail: [{ message: 'mon.b has 4% avail' }],
      muted: false,
    });
    assert.equal(checkOf(crit, 'MON_DISK_LOW'), undefined, 'one or the other');
    assert.equal(crit.map.status, 'HEALTH_ERR');
    const freed = cleared(health, 'MON_DISK_CRIT', crit.t)!;
    assert.equal(freed.t, at(sim, 0.165));
    assert.equal(checkOf(freed, 'MON_DISK_LOW'), undefined);
    const messages = clog.map((c) => c.message);
    assert.ok(messages.includes('Health check failed: mon b is low on available space (MON_DISK_LOW)'));
    assert.ok(messages.includes('Health check failed: mon b is very low on available space (MON_DISK_CRIT)'));
    assert.ok(messages.includes('Health check cleared: MON_DISK_CRIT (was: mon b is very low on available space)'));
  });

  it("mon-disk: the thresholds are the monitors' mon_data_avail_warn and mon_data_avail_crit", () => {
    const sim = cluster({ scenario: ['mon-disk'] });
    const health: Seen[] = [];
    run(sim, 0.07, health, []);
    assert.ok(checkOf(health.at(-1), 'MON_DISK_LOW'));
    assert.equal(sim.command({ prefix: 'config set', who: 'mon', name: 'mon_data_avail_warn', value: '20' }).retval, 0);
    run(sim, 0.075, health, []);
    assert.equal(checkOf(health.at(-1), 'MON_DISK_LOW'), undefined, '24% is not low at a 20% threshold');
    sim.command({ prefix: 'config set', who: 'global', name: 'mon_data_avail_crit', value: '25' });
    run(sim, 0.08, health, []);
    assert.equal(checkOf(health.at(-1), 'MON_DISK_CRIT')?.summary.message, 'mon b is very low on available space');
  });

  it('merges the monitors as the leader does, and drops those out of quorum', () => {
    const disks = new MonDataDisks(['a', 'b', 'c'], 1);
    assert.deepEqual(disks.checks([0, 1, 2], { warn: 30, crit: 5 }), {});
    disks.set(2, 12);
    disks.set(0, 30);
    disks.set(1, 5);
    const checks = disks.checks([0, 1, 2], { warn: 30, crit: 5 });
    assert.deepEqual(checks.MON_DISK_LOW?.summary, { message: 'mons a,c are low on available space', count: 2 });
    assert.deepEqual(
      checks.MON_DISK_LOW?.detail?.map((d) => d.message),
      ['mon.a has 30% avail', 'mon.c has 12% avail'],
    );
    assert.deepEqual(checks.MON_DISK_CRIT?.summary, { message: 'mon b is very low on available space', count: 1 });
    assert.deepEqual(disks.checks([0, 1], { warn: 30, crit: 5 }).MON_DISK_LOW?.detail, [
      { message: 'mon.a has 30% avail' },
    ]);
    disks.set(2, null);
    assert.ok(disks.availPercent(2) > 30, 'freed, back to its usual');
  });

  it('clock-skew: the leader raises MON_CLOCK_SKEW at a time check once the drift passes 0.05 s, and clears it', () => {
    const sim = cluster({ scenario: ['clock-skew'] });
    const health: Seen[] = [];
    const clog: Array<{ t: number; message: string }> = [];
    run(sim, 0.15, health, clog);
    const skewed = first(health, 'MON_CLOCK_SKEW')!;
    assert.ok(skewed, 'raised');
    // 150 ppm takes 333 s to drift 0.05 s; the rounds come every 300 s from the quorum's start.
    assert.ok(skewed.t >= at(sim, 0.065) + 333_000, `raised at ${skewed.t - sim.startMs} ms`);
    assert.equal((skewed.t - sim.startMs) % 300_000, 0, 'at a time check');
    const check = checkOf(skewed, 'MON_CLOCK_SKEW')!;
    assert.equal(check.severity, 'HEALTH_WARN');
    assert.deepEqual(check.summary, { message: 'clock skew detected on mon.c', count: 1 });
    assert.equal(check.detail?.length, 1);
    const detail = /^mon\.c clock skew (0\.\d+)s > max 0\.05s \(latency (0\.\d+)s\)$/.exec(check.detail![0]!.message);
    assert.ok(detail, check.detail![0]!.message);
    const skew = Number(detail[1]);
    const drift = ((skewed.t - at(sim, 0.065)) / 1000) * 150e-6;
    assert.ok(skew > 0.05 && skew < drift, `${skew} is the drift ${drift} less the latency`);
    assert.ok(
      clog.some((c) => c.t === skewed.t && c.message === `2 clock skew ${detail[1]}s > max 0.05s`),
      'the leader logs the skew of rank 2',
    );

    const status = JSON.parse(sim.command({ prefix: 'time-sync-status' }).outb) as TimeSyncStatus;
    const monStatus = JSON.parse(sim.command({ prefix: 'mon_status' }).outb) as { election_epoch: number };
    assert.deepEqual(Object.keys(status.time_skew_status ?? {}), ['a', 'b', 'c']);
    assert.deepEqual(status.time_skew_status?.a, { skew: 0, latency: 0, health: 'HEALTH_OK' });
    assert.equal(status.time_skew_status?.b?.health, 'HEALTH_OK');
    assert.equal(status.time_skew_status?.c?.health, 'HEALTH_WARN');
    assert.match(status.time_skew_status?.c?.details ?? '', /^clock skew 0\.\d+s > max 0\.05s$/);
    assert.equal(status.timechecks.epoch, monStatus.election_epoch);
    assert.equal(status.timechecks.round_status, 'finished');
    assert.equal(status.timechecks.round % 2, 0);

    // The rounds come faster while a skew is seen: 30 s, then 60 s, ... after the first.
    const rounds = [...new Set(clog.filter((c) => / clock skew /.test(c.message)).map((c) => c.t - skewed.t))];
    assert.deepEqual(rounds.slice(0, 4), [0, 30_000, 90_000, 180_000]);

    run(sim, 0.25, health, clog);
    const clear = cleared(health, 'MON_CLOCK_SKEW', skewed.t)!;
    assert.ok(clear.t > at(sim, 0.19), 'held until the clock is synced');
    assert.ok(clear.t - at(sim, 0.19) <= 300_000, 'cleared at the next round, within mon_timecheck_interval');
    assert.ok(
      clog.some((c) => c.message === 'Health check cleared: MON_CLOCK_SKEW (was: clock skew detected on mon.c)'),
    );
    const after = JSON.parse(sim.command({ prefix: 'time-sync-status' }).outb) as TimeSyncStatus;
    assert.ok(Object.values(after.time_skew_status ?? {}).every((s) => s.health === 'HEALTH_OK'));
  });

  it('an election forgets the skews and checks again at once', () => {
    const actions: Array<{ at: number; run: (now: number) => void }> = [];
    let changes = 0;
    let quorum = [0, 1, 2];
    const options: Record<string, number> = {
      mon_clock_drift_allowed: 0.05,
      mon_timecheck_interval: 300,
      mon_timecheck_skew_interval: 30,
    };
    const tc = new MonTimecheck(
      ['a', 'b', 'c'],
      1,
      {
        quorum: () => quorum,
        option: (n) => options[n]!,
        schedule: (at, r) => actions.push({ at, run: r }),
        clog: () => {},
        changed: () => changes++,
      },
      0,
      0,
    );
    const runUntil = (t: number) => {
      for (;;) {
        actions.sort((x, y) => x.at - y.at);
        if (actions.length === 0 || actions[0]!.at > t) return;
        const a = actions.shift()!;
        a.run(a.at);
      }
    };
    tc.drift(1, -2000, 0);
    runUntil(300_000);
    assert.equal(tc.healthChecks().MON_CLOCK_SKEW?.summary.message, 'clock skew detected on mon.b');
    assert.match(tc.healthChecks().MON_CLOCK_SKEW!.detail![0]!.message, /^mon\.b clock skew 0\.599\d*s > max 0\.05s/);
    assert.equal(changes, 1);
    quorum = [0, 2];
    tc.election(310_000);
    assert.deepEqual(tc.healthChecks(), {}, 'mon.b is out of quorum: no skew of it');
    assert.equal(changes, 2);
    quorum = [0, 1, 2];
    tc.election(320_000);
    assert.ok(tc.healthChecks().MON_CLOCK_SKEW, 'back in quorum and still skewed: seen at the election round');
    tc.drift(1, null, 330_000);
    runUntil(350_000);
    assert.deepEqual(tc.healthChecks(), {}, 'synced: the round 30 s after the election clears it');
  });

  it('pg-limit: a lower mon_max_pg_per_osd raises TOO_MANY_PGS and refuses new PGs with ERANGE, until removed', () => {
    const sim = cluster({ scenario: ['pool-create', 'pg-limit'] });
    const health: Seen[] = [];
    const clog: Array<{ t: number; message: string }> = [];
    run(sim, 0.08, health, clog);
    const raised = first(health, 'TOO_MANY_PGS')!;
    assert.equal(raised.t, at(sim, 0.07));
    const dump = JSON.parse(sim.command({ prefix: 'pg dump' }).outb) as {
      pg_map: { pg_stats: Array<{ up: number[] }> };
    };
    const up = dump.pg_map.pg_stats.reduce((s, p) => s + p.up.length, 0);
    const per = Math.floor(up / CLUSTER.osds);
    const limit = Math.floor((per * 0.8) / 10) * 10;
    assert.ok(per > limit && limit > 0);
    assert.deepEqual(checkOf(raised, 'TOO_MANY_PGS'), {
      severity: 'HEALTH_WARN',
      summary: { message: `too many PGs per OSD (${per} > max ${limit})`, count: per - limit },
      detail: [],
      muted: false,
    });
    assert.ok(clog.some((c) => c.message.includes(`"name": "mon_max_pg_per_osd", "value": "${limit}"`)));

    const osdDump = () =>
      JSON.parse(sim.command({ prefix: 'osd dump' }).outb) as {
        pools: Array<{ pool: number; pool_name: string; pg_num: number; size: number }>;
      };
    const total = osdDump().pools.reduce((s, p) => s + p.pg_num * p.size, 0);
    const create = sim.command({ prefix: 'osd pool create', pool: 'more', pg_num: 16 });
    assert.deepEqual(create, {
      retval: -34,
      outb: '',
      outs: ` pg_num 16 size 3 would mean ${total + 48} total pgs, which exceeds max ${limit * 10} (mon_max_pg_per_osd ${limit} * num_in_osds 10)`,
    });
    const rbd = osdDump().pools.find((p) => p.pool_name === 'rbd')!;
    const split = sim.command({ prefix: 'osd pool set', pool: 'rbd', var: 'pg_num', val: String(rbd.pg_num * 2) });
    assert.equal(split.retval, -34);
    assert.equal(
      split.outs,
      `pool id ${rbd.pool} pg_num ${rbd.pg_num * 2} size 3 would mean ${total + rbd.pg_num * 3} total pgs, which exceeds max ${limit * 10} (mon_max_pg_per_osd ${limit} * num_in_osds 10)`,
    );
    assert.equal(
      sim.command({ prefix: 'osd pool set', pool: 'rbd', var: 'pg_num', val: String(rbd.pg_num / 2) }).retval,
      0,
      'fewer PGs are always allowed',
    );

    run(sim, 0.12, health, clog);
    const gone = cleared(health, 'TOO_MANY_PGS', raised.t)!;
    assert.equal(gone.t, at(sim, 0.105));
    assert.ok(
      clog.some((c) => c.message.includes('"prefix": "config rm", "who": "global", "name": "mon_max_pg_per_osd"')),
    );
    assert.equal(sim.command({ prefix: 'osd pool create', pool: 'more', pg_num: 16 }).retval, 0);
  });

  it('a sim: spec knows the steps where it is parsed alone (mgrkit run parses it before any cluster runs)', () => {
    const code =
      "const { parseSimSpec } = await import('./src/sources/sim-source.ts');" +
      "process.stdout.write(JSON.stringify(parseSimSpec('sim:osds=3,scenario=mon-disk+clock-skew+pg-limit').scenario));";
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(out), ['mon-disk', 'clock-skew', 'pg-limit']);
  });
});
