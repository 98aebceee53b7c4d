import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { HealthCheck, HealthMap } from '../../schemas/maps/health.ts';
import type { OsdMap } from '../../schemas/maps/osd-map.ts';
import { byteU, siU } from '../../src/sim/byte-units.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';

const SMALL = { osds: 6, hosts: 3, pgs: 64, duration: 100, seed: 5 } as const;

const healthOf = (sim: SimulatedCluster): HealthMap =>
  JSON.parse(sim.command({ prefix: 'health detail', format: 'json' }).outb) as HealthMap;
const dumpOf = (sim: SimulatedCluster): OsdMap =>
  JSON.parse(sim.command({ prefix: 'osd dump', format: 'json' }).outb) as OsdMap;
const summary = (c: HealthCheck | undefined) => c && [c.severity, c.summary.message, c.detail?.map((d) => d.message)];
const clogs = (events: Iterable<ClusterEvent>) =>
  [...events].flatMap((e) => (e.kind === 'clog' ? [e.entry.message] : []));

describe('fullness in the simulator', () => {
  it('byte_u_t and si_u_t print as Ceph prints them', () => {
    assert.equal(byteU(0), '0 B');
    assert.equal(byteU(1023), '1023 B');
    assert.equal(byteU(24 * 2 ** 20), '24 MiB');
    assert.equal(byteU(3.1 * 2 ** 30), '3.1 GiB');
    assert.equal(byteU(10 * 2 ** 30), '10 GiB');
    assert.equal(byteU(1536), '1.5 KiB');
    assert.equal(byteU(1.26 * 2 ** 40), '1.3 TiB', '"1.26 TiB" is 8 characters');
    assert.equal(byteU(500.4 * 2 ** 30), '500 GiB');
    assert.equal(byteU(12.34 * 2 ** 20), '12 MiB');
    assert.equal(siU(1000), '1k');
    assert.equal(siU(22), '22');
    assert.equal(siU(2500), '2.50k', 'two decimals fit in 7 characters');
  });

  it('pools grow with client writes: the OSDs fill a fraction of a percent a day', () => {
    const sim = new SimulatedCluster({ ...SMALL, duration: 600, scenario: false });
    const used = new Map<string, { t: number; kbUsed: number; kb: number }[]>();
    for (const e of sim.advanceTo(sim.startMs + 600_000)) {
      if (e.kind !== 'pg_stats' || e.osd_stat === undefined) continue;
      const l = used.get(e.reporter) ?? [];
      l.push({ t: e.t, kbUsed: e.osd_stat.kb_used, kb: e.osd_stat.kb });
      used.set(e.reporter, l);
    }
    assert.equal(used.size, 6);
    for (const [osd, l] of used) {
      const first = l[0]!;
      const last = l[l.length - 1]!;
      assert.ok(last.kbUsed > first.kbUsed, `${osd} grows`);
      const perDay = ((last.kbUsed - first.kbUsed) / first.kb) * (86_400_000 / (last.t - first.t));
      assert.ok(perDay > 0.0005 && perDay < 0.02, `${osd}: ${(perDay * 100).toFixed(3)}% a day`);
    }
  });

  it('the OSD map carries the ratios; no OSD or pool is flagged on a cluster 30% full', () => {
    const sim = new SimulatedCluster({ ...SMALL, scenario: false });
    sim.advanceTo(sim.startMs + 10_000);
    const map = dumpOf(sim);
    assert.equal(map.full_ratio, 0.949999988079071);
    assert.equal(map.backfillfull_ratio, 0.8999999761581421);
    assert.equal(map.nearfull_ratio, 0.8500000238418579);
    for (const o of map.osds) assert.deepEqual(o.state, ['exists', 'up']);
    for (const p of map.pools) assert.equal(p.flags_names, 'hashpspool');
    assert.equal(healthOf(sim).status, 'HEALTH_OK');
  });

  it('fill: an OSD past nearfull, backfillfull, full, then drained; its state, the pools flags and the checks follow', () => {
    const sim = new SimulatedCluster({ ...SMALL, scenario: ['fill'] });
    const at = (f: number) => sim.advanceTo(sim.startMs + f * SMALL.duration * 1000);
    const events: ClusterEvent[] = [...at(0.1)];
    const flagged = () => {
      const map = dumpOf(sim);
      const osds = map.osds.filter((o) => (o.state ?? []).some((s) => s.endsWith('full')));
      return { osds, pools: map.pools.map((p) => p.flags_names) };
    };
    assert.deepEqual(flagged().osds, []);

    events.push(...at(0.16));
    const near = flagged();
    assert.equal(near.osds.length, 1, 'one OSD');
    const osd = near.osds[0]!.osd;
    assert.deepEqual(near.osds[0]!.state, ['exists', 'nearfull', 'up']);
    assert.ok(
      near.pools.every((f) => f === 'hashpspool,nearfull'),
      near.pools.join(' '),
    );
    let h = healthOf(sim);
    assert.equal(h.status, 'HEALTH_WARN');
    assert.deepEqual(summary(h.checks.OSD_NEARFULL), ['HEALTH_WARN', '1 nearfull osd(s)', [`osd.${osd} is near full`]]);
    const pools = dumpOf(sim).pools.map((p) => p.pool_name);
    assert.deepEqual(summary(h.checks.POOL_NEARFULL), [
      'HEALTH_WARN',
      `${pools.length} pool(s) nearfull`,
      pools.map((n) => `pool '${n}' is nearfull`),
    ]);

    events.push(...at(0.21));
    assert.deepEqual(dumpOf(sim).osds[osd]!.state, ['backfillfull', 'exists', 'up']);
    h = healthOf(sim);
    assert.deepEqual(summary(h.checks.OSD_BACKFILLFULL), [
      'HEALTH_WARN',
      '1 backfillfull osd(s)',
      [`osd.${osd} is backfill full`],
    ]);
    assert.equal(h.checks.OSD_NEARFULL, undefined);
    assert.equal(h.checks.POOL_BACKFILLFULL?.summary.message, `${pools.length} pool(s) backfillfull`);
    assert.deepEqual(h.checks.POOL_BACKFILLFULL?.detail?.[0], { message: `pool '${pools[0]}' is backfillfull` });

    events.push(...at(0.26));
    const full = flagged();
    assert.deepEqual(
      full.osds.map((o) => [o.osd, o.state]),
      [[osd, ['exists', 'full', 'up']]],
    );
    assert.ok(
      full.pools.every((f) => f === 'hashpspool,full'),
      full.pools.join(' '),
    );
    h = healthOf(sim);
    assert.equal(h.status, 'HEALTH_ERR');
    assert.deepEqual(summary(h.checks.OSD_FULL), ['HEALTH_ERR', '1 full osd(s)', [`osd.${osd} is full`]]);
    assert.equal(h.checks.POOL_FULL?.severity, 'HEALTH_WARN');
    assert.deepEqual(h.checks.POOL_FULL?.detail?.[0], { message: `pool '${pools[0]}' is full (no space)` });
    assert.equal(h.checks.POOL_BACKFILLFULL, undefined);

    events.push(...at(0.4));
    assert.deepEqual(flagged().osds, []);
    assert.ok(flagged().pools.every((f) => f === 'hashpspool'));
    h = healthOf(sim);
    for (const c of ['OSD_NEARFULL', 'OSD_BACKFILLFULL', 'OSD_FULL', 'POOL_NEARFULL', 'POOL_BACKFILLFULL', 'POOL_FULL'])
      assert.equal(h.checks[c], undefined, c);
    const log = clogs(events);
    assert.ok(log.includes('Health check failed: 1 nearfull osd(s) (OSD_NEARFULL)'), log.join('\n'));
    assert.ok(log.includes('Health check failed: 1 full osd(s) (OSD_FULL)'));
    assert.ok(log.includes('Health check cleared: OSD_FULL (was: 1 full osd(s))'));
  });

  it('set-quota and get-quota as the monitors answer them', () => {
    const sim = new SimulatedCluster({ ...SMALL, scenario: false });
    sim.advanceTo(sim.startMs + 5000);
    const get = () => sim.command({ prefix: 'osd pool get-quota', pool: 'rbd' });
    assert.equal(get().outb, "quotas for pool 'rbd':\n  max objects: N/A\n  max bytes  : N/A\n");
    assert.deepEqual(sim.command({ prefix: 'osd pool set-quota', pool: 'rbd', field: 'max_bytes', val: '10G' }), {
      retval: 0,
      outb: '',
      outs: 'set-quota max_bytes = 10737418240 for pool rbd',
    });
    assert.equal(
      sim.command({ prefix: 'osd pool set-quota', pool: 'rbd', field: 'max_objects', val: '1k' }).outs,
      'set-quota max_objects = 1000 for pool rbd',
    );
    const j = JSON.parse(sim.command({ prefix: 'osd pool get-quota', pool: 'rbd', format: 'json' }).outb);
    assert.equal(j.pool_name, 'rbd');
    assert.equal(j.pool_id, 1);
    assert.equal(j.quota_max_bytes, 10737418240);
    assert.equal(j.quota_max_objects, 1000);
    assert.ok(j.current_num_bytes > 10737418240 && j.current_num_objects > 1000);
    assert.equal(
      get().outb,
      `quotas for pool 'rbd':\n  max objects: 1k objects  (current num objects: ${j.current_num_objects} objects)\n` +
        `  max bytes  : 10 GiB  (current num bytes: ${j.current_num_bytes} bytes)\n`,
    );
    const pool = dumpOf(sim).pools.find((p) => p.pool_name === 'rbd')!;
    assert.equal(pool.quota_max_bytes, 10737418240);
    assert.equal(pool.quota_max_objects, 1000);
    assert.deepEqual(sim.command({ prefix: 'osd pool set-quota', pool: 'nope', field: 'max_bytes', val: '1' }), {
      retval: -2,
      outb: '',
      outs: "unrecognized pool 'nope'",
    });
    assert.equal(
      sim.command({ prefix: 'osd pool set-quota', pool: 'rbd', field: 'size', val: '1' }).outs,
      "unrecognized field 'size'; should be 'max_bytes' or 'max_objects'",
    );
    const bad = sim.command({ prefix: 'osd pool set-quota', pool: 'rbd', field: 'max_bytes', val: '12X' });
    assert.equal(bad.retval, -22);
    assert.equal(bad.outs, "error parsing value '12X': strict_iecstrtoll: unit prefix not recognized");
    // The pool is over both quotas: at the next stats period the monitors flag it and say so.
    const later = sim.advanceTo(sim.now + 6000);
    assert.equal(dumpOf(sim).pools.find((p) => p.pool_name === 'rbd')?.flags_names, 'hashpspool,full,full_quota');
    const log = clogs(later);
    assert.ok(log.includes("pool 'rbd' is full (reached quota's max_bytes: 10 GiB)"), log.join('\n'));
    assert.ok(log.includes("pool 'rbd' is full (reached quota's max_objects: 1000)"));
    const h = healthOf(sim);
    assert.deepEqual(summary(h.checks.POOL_FULL), [
      'HEALTH_WARN',
      '1 pool(s) full',
      ["pool 'rbd' is full (running out of quota)"],
    ]);
  });

  it('quota: POOL_NEAR_FULL near the quota, POOL_FULL at it, cleared when it is lifted', () => {
    const sim = new SimulatedCluster({ ...SMALL, scenario: ['quota'] });
    const at = (f: number) => sim.advanceTo(sim.startMs + f * SMALL.duration * 1000);
    const events = [...at(0.45)];
    assert.equal(healthOf(sim).checks.POOL_NEAR_FULL, undefined);
    events.push(...at(0.52));
    let h = healthOf(sim);
    const near = h.checks.POOL_NEAR_FULL;
    assert.equal(near?.severity, 'HEALTH_WARN');
    assert.equal(near?.summary.message, '1 pools nearfull');
    assert.match(near?.detail?.[0]?.message ?? '', /^pool 'rbd' has [\d.]+ [KMGT]iB \(max [\d.]+ [KMGT]iB\)$/);
    assert.equal(h.checks.POOL_FULL, undefined);

    events.push(...at(0.6));
    h = healthOf(sim);
    assert.equal(h.checks.POOL_NEAR_FULL, undefined, 'at the quota it is full, not near');
    assert.deepEqual(h.checks.POOL_FULL?.detail, [{ message: "pool 'rbd' is full (running out of quota)" }]);
    assert.equal(dumpOf(sim).pools[0]!.flags_names, 'hashpspool,full,full_quota');

    events.push(...at(0.7));
    h = healthOf(sim);
    assert.equal(h.checks.POOL_FULL, undefined);
    assert.equal(dumpOf(sim).pools[0]!.flags_names, 'hashpspool');
    assert.equal(dumpOf(sim).pools[0]!.quota_max_bytes, 0);
    const log = clogs(events);
    assert.ok(log.some((m) => /^pool 'rbd' is full \(reached quota's max_bytes: [\d.]+ [KMGT]iB\)$/.test(m)));
    assert.ok(log.includes("pool 'rbd' no longer out of quota; removing NO_QUOTA flag"));
    assert.ok(log.some((m) => m.includes('"prefix": "osd pool set-quota"')));
  });
});
