import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { HealthCheck, HealthMap } from '../../schemas/maps/health.ts';
import type { OsdMap } from '../../schemas/maps/osd-map.ts';
import { byteU, siU } from '../../src/sim/byte-units.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';

const SMALL = { osds: 6, hosts: 3, pgs: 64, duration: 100, seed: 5 } as const;

/** The pools' object sizes (the file system's pools, made by `fs volume create`, are of 4 MiB). */
const OBJECT_BYTES: Record<string, number> = {
  'cephfs.data': 2 ** 20,
  'rgw.buckets.data': 256 * 1024,
  'cephfs.meta': 4096,
  'rgw.buckets.index': 1024,
};

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

  it("the clients write to the pools the cluster started with and its file system's, objects with the bytes; a pool made later stays empty", () => {
    const sim = new SimulatedCluster({ ...SMALL, duration: 600, fs: 'cephfs', scenario: false });
    sim.advanceTo(sim.startMs + 5000);
    assert.equal(sim.command({ prefix: 'osd pool create', pool: 'later', pg_num: 8 }).retval, 0);
    type Sum = { bytes: number; objects: number; writes: number; pgs: number };
    const sums = () => {
      const names = new Map(
        (JSON.parse(sim.command({ prefix: 'osd dump', format: 'json' }).outb) as OsdMap).pools.map((p) => [
          p.pool,
          p.pool_name,
        ]),
      );
      const dump = JSON.parse(sim.command({ prefix: 'pg dump', format: 'json' }).outb) as {
        pg_map: {
          pg_stats: Array<{ pgid: string; stat_sum: { num_bytes: number; num_objects: number; num_write: number } }>;
        };
      };
      const out = new Map<string, Sum>();
      for (const p of dump.pg_map.pg_stats) {
        const name = names.get(Number(p.pgid.split('.')[0]))!;
        const s = out.get(name) ?? { bytes: 0, objects: 0, writes: 0, pgs: 0 };
        out.set(name, {
          bytes: s.bytes + p.stat_sum.num_bytes,
          objects: s.objects + p.stat_sum.num_objects,
          writes: s.writes + p.stat_sum.num_write,
          pgs: s.pgs + 1,
        });
      }
      return out;
    };
    const before = sums();
    sim.advanceTo(sim.startMs + 600_000);
    const after = sums();
    assert.deepEqual(after.get('later'), { bytes: 0, objects: 0, writes: 0, pgs: 8 });
    assert.ok(after.has('cephfs.cephfs.data') && after.has('cephfs.cephfs.meta'), [...after.keys()].join(' '));
    for (const [name, a] of after) {
      if (name === 'later') continue;
      const b = before.get(name)!;
      assert.ok(a.writes > b.writes && a.bytes > b.bytes, `${name} is written to`);
      // New data makes objects: as many as its bytes fill, give or take the last one of each PG.
      const objectBytes = OBJECT_BYTES[name] ?? 4 * 2 ** 20;
      const made = a.objects - b.objects;
      assert.ok(made > 0, `${name} gains objects`);
      assert.ok(Math.abs(made - (a.bytes - b.bytes) / objectBytes) <= a.pgs, `${name}: ${made} objects`);
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

  it('fill writes over a ramp as client writes, at most an OSD in 200 s, each check raised as its ratio is crossed', () => {
    // The alert check's duration: the steps 432 s apart, each stage written over 1% of it (108 s).
    const duration = 10_800;
    const sim = new SimulatedCluster({ ...SMALL, duration, scenario: ['fill'] });
    const at = (f: number) => sim.startMs + Math.round(f * duration * 1000);
    type Dump = {
      pg_map: {
        pg_stats: Array<{ pgid: string; stat_sum: { num_bytes: number; num_objects: number; num_write_kb: number } }>;
        osd_stats: Array<{ osd: number; kb: number; kb_used: number }>;
      };
    };
    const samples: Array<{
      t: number;
      use: number[];
      writeKb: number;
      bytes: number;
      objects: number;
      checks: string[];
    }> = [];
    sim.advanceTo(at(0.135));
    for (let t = at(0.135); t <= at(0.3); t += 1000) {
      sim.advanceTo(t);
      const dump = JSON.parse(sim.command({ prefix: 'pg dump', format: 'json' }).outb) as Dump;
      const rbd = dump.pg_map.pg_stats.filter((p) => p.pgid.startsWith('1.')).map((p) => p.stat_sum);
      const sum = (k: 'num_bytes' | 'num_objects' | 'num_write_kb') => rbd.reduce((a, p) => a + p[k], 0);
      const use: number[] = [];
      for (const o of dump.pg_map.osd_stats) use[o.osd] = o.kb_used / o.kb;
      const checks = Object.keys(healthOf(sim).checks);
      samples.push({
        t,
        use,
        writeKb: sum('num_write_kb'),
        bytes: sum('num_bytes'),
        objects: sum('num_objects'),
        checks,
      });
    }
    const last = samples.at(-1)!;
    const peak = samples.find((s) => s.t === at(0.25))!.use;
    const osd = peak.reduce((best, u, o) => (u > peak[best]! ? o : best), 0);
    const osdBytes = sim.topo.osdBytes[osd]!;

    // The write rate, second by second: never over an OSD's worth in 200 s (20 GB/s for
    // its 4 TB), and the first stage spread over more than 80 s.
    const bound = osdBytes / 200;
    let busy = 0;
    for (let i = 1; i < samples.length; i++) {
      const rate = (samples[i]!.writeKb - samples[i - 1]!.writeKb) * 1024;
      assert.ok(rate <= bound, `${(rate / 2 ** 30).toFixed(1)} GiB/s at ${(samples[i]!.t - sim.startMs) / 1000} s`);
      if (samples[i]!.t < at(0.18) && rate > bound / 10) busy++;
    }
    assert.ok(busy >= 80, `the first stage writes for ${busy} s`);

    // Objects follow the bytes at the pool's 4 MiB: what the fill wrote is new objects, what it deleted is gone.
    const s14 = samples.find((s) => s.t === at(0.14))!;
    const s17 = samples.find((s) => s.t === at(0.17))!;
    const grown = s17.bytes - s14.bytes;
    const made = s17.objects - s14.objects;
    assert.ok(grown > osdBytes * 0.3, `${grown}`);
    // Within an object a PG of the pool's (at most 64) of what the bytes make.
    assert.ok(Math.abs(made * 4 * 2 ** 20 - grown) <= 64 * 4 * 2 ** 20, `${made} objects for ${grown} bytes`);
    assert.ok(last.objects < s17.objects && last.bytes < s17.bytes, 'the drain deletes objects and bytes');

    // Each check comes with the first period after the OSD crosses its ratio (the OSDs report once a period), well
    // within its step's interval, and not before.
    const period = 5000;
    for (const [check, ratio, step] of [
      ['OSD_NEARFULL', 0.85, 0.14],
      ['OSD_BACKFILLFULL', 0.9, 0.18],
      ['OSD_FULL', 0.95, 0.22],
    ] as const) {
      const crossed = samples.find((s) => s.use[osd]! > ratio)!;
      const raised = samples.find((s) => s.checks.includes(check))!;
      assert.ok(
        crossed.t > at(step) && crossed.t < at(step + 0.012),
        `${check}: crossed at ${crossed.t - at(step)} ms`,
      );
      assert.ok(raised.t >= crossed.t && raised.t <= crossed.t + period, `${check}: ${raised.t - crossed.t} ms after`);
    }
    const full = samples.find((s) => s.checks.includes('OSD_FULL'))!;
    assert.ok(full.checks.includes('POOL_FULL'), full.checks.join(' '));
    // A full pool takes no more writes: the fill stops just past the full ratio.
    const stopped = samples.filter((s) => s.t > full.t + period && s.t < at(0.28));
    assert.ok(stopped.every((s) => s.writeKb === stopped[0]!.writeKb && s.use[osd]! < 0.955));

    // The data is deleted from 28%: every check clears once the OSD is under the ratios again.
    const clear = samples.find((s) => s.t > at(0.28) && s.use[osd]! < 0.85)!;
    assert.ok(clear.t < at(0.285), `under nearfull ${clear.t - at(0.28)} ms after the drain began`);
    for (const c of ['OSD_NEARFULL', 'OSD_BACKFILLFULL', 'OSD_FULL', 'POOL_NEARFULL', 'POOL_BACKFILLFULL', 'POOL_FULL'])
      assert.ok(!last.checks.includes(c), c);
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
