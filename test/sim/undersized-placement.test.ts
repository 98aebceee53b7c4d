import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { runCli } from '../helpers.ts';

/** PG states by count, from `pg dump` as the monitors answer it. */
function states(sim: SimulatedCluster, pool?: number): Map<string, number> {
  const dump = JSON.parse(sim.command({ prefix: 'pg dump', format: 'json' }).outb);
  const out = new Map<string, number>();
  for (const pg of dump.pg_map.pg_stats as Array<{ pgid: string; state: string }>) {
    if (pool !== undefined && !pg.pgid.startsWith(`${pool}.`)) continue;
    out.set(pg.state, (out.get(pg.state) ?? 0) + 1);
  }
  return out;
}

const checks = (sim: SimulatedCluster) =>
  JSON.parse(sim.command({ prefix: 'health detail', format: 'json' }).outb).checks as Record<
    string,
    { summary: { message: string }; detail: Array<{ message: string }> }
  >;

describe('placement with fewer hosts than replicas (CRUSH chooseleaf host)', () => {
  it('3 replicas on 2 hosts: every PG active+undersized+degraded on two hosts, PG_DEGRADED as Ceph words it', () => {
    const sim = new SimulatedCluster({ osds: 6, hosts: 2, size: 3, pgs: 32, scenario: false, seed: 4 });
    sim.advanceTo(sim.startMs + 5000);
    assert.deepEqual([...states(sim)], [['active+undersized+degraded', 32]]);
    const dump = JSON.parse(sim.command({ prefix: 'pg dump', format: 'json' }).outb);
    const osdHost = (o: number) => sim.topo.osdHost[o];
    for (const pg of dump.pg_map.pg_stats as Array<{ acting: number[]; up: number[] }>) {
      assert.equal(pg.acting.length, 2);
      assert.notEqual(osdHost(pg.acting[0]!), osdHost(pg.acting[1]!), 'one copy a host');
    }
    const pools = JSON.parse(sim.command({ prefix: 'osd dump', format: 'json' }).outb).pools;
    assert.ok(pools.every((p: { size: number; min_size: number }) => p.size === 3 && p.min_size === 2));
    const c = checks(sim);
    assert.deepEqual(Object.keys(c), ['PG_DEGRADED']);
    // Degraded counts at once; undersized only once stuck past mon_pg_stuck_threshold (60 s), as in Ceph's PGMap.
    assert.match(
      c.PG_DEGRADED!.summary.message,
      /^Degraded data redundancy: \d+\/\d+ objects degraded \(33\.333%\), 32 pgs degraded$/,
    );
    assert.match(
      c.PG_DEGRADED!.detail[0]!.message,
      /^pg \d+\.[0-9a-f]+ is active\+undersized\+degraded, acting \[\d+,\d+\]$/,
    );
    // It never becomes clean: there is no third host to backfill to.
    sim.advanceTo(sim.startMs + 70_000);
    assert.deepEqual([...states(sim)], [['active+undersized+degraded', 32]]);
    const later = checks(sim).PG_DEGRADED!;
    assert.match(later.summary.message, /, 32 pgs degraded, 32 pgs undersized$/);
    assert.match(
      later.detail[0]!.message,
      /^pg \d+\.[0-9a-f]+ is stuck undersized for (6\d|7\d)s, current state active\+undersized\+degraded, last acting \[\d+,\d+\]$/,
    );
  });

  it('3 replicas on 1 host: below min_size, the PGs are peered, not active (PG_AVAILABILITY)', () => {
    const sim = new SimulatedCluster({ osds: 3, hosts: 1, size: 3, pgs: 16, scenario: false });
    sim.advanceTo(sim.startMs + 5000);
    assert.deepEqual([...states(sim)], [['undersized+degraded+peered', 16]]);
    assert.equal(checks(sim).PG_AVAILABILITY, undefined, 'not yet stuck');
    sim.advanceTo(sim.startMs + 70_000);
    const c = checks(sim);
    assert.equal(c.PG_AVAILABILITY?.summary.message, 'Reduced data availability: 16 pgs inactive');
    assert.match(
      c.PG_AVAILABILITY!.detail[0]!.message,
      /^pg 1\.0 is stuck inactive for (6\d|7\d)s, current state undersized\+degraded\+peered, last acting \[\d+\]$/,
    );
    assert.match(c.PG_DEGRADED!.summary.message, /objects degraded \(66\.667%\), 16 pgs degraded, 16 pgs undersized$/);
  });

  it('osd pool set size 3 on a 2-host cluster leaves that pool undersized; size 2 makes it clean again', () => {
    const sim = new SimulatedCluster({ osds: 4, hosts: 2, pgs: 32, scenario: false, seed: 2 });
    sim.advanceTo(sim.startMs + 5000);
    assert.deepEqual([...states(sim)], [['active+clean', 32]], 'the default size is one a host: 2');
    const rbd = states(sim, 1);
    const rbdPgs = rbd.get('active+clean')!;
    assert.equal(sim.command({ prefix: 'osd pool set', pool: 'rbd', var: 'size', val: '3' }).retval, 0);
    sim.advanceTo(sim.now + 10_000);
    assert.deepEqual([...states(sim, 1)], [['active+undersized+degraded', rbdPgs]]);
    assert.deepEqual([...states(sim, 2)], [['active+clean', states(sim, 2).get('active+clean')]]);
    assert.ok(checks(sim).PG_DEGRADED);
    assert.equal(sim.command({ prefix: 'osd pool set', pool: 'rbd', var: 'size', val: '2' }).retval, 0);
    sim.advanceTo(sim.now + 10_000);
    assert.deepEqual([...states(sim)], [['active+clean', 32]]);
    assert.deepEqual(checks(sim), {});
  });

  it('mgrkit simulate takes --size', async () => {
    const r = await runCli(['simulate', '--osds', '4', '--hosts', '2', '--size', '3', '--pgs', '8', '--duration', '4']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"size":3,"min_size":2/);
    assert.match(r.stdout, /active\+undersized\+degraded/);
  });
});
