import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { simulateEvents } from '../../src/sim/simulate-events.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';

/** What must hold of any state the simulator leads to; returns what does not. */
function disagreements(s: ClusterState, settled = false): string[] {
  const out: string[] = [];
  const acc = new Accessors(() => s);
  const map = acc.get('osd_map');
  if (map === null) return out;
  const osds = new Map(map.osds.map((o) => [o.osd, o]));
  const pools = new Map(map.pools.map((p) => [p.pool, p]));
  const pgs = acc.get('pg_stats').pg_stats;
  const expected = map.pools.reduce((n, p) => n + p.pg_num, 0);
  if (pgs.length !== expected) out.push(`${pgs.length} PGs in the PG map, the pools have ${expected}`);
  const all = acc.get('pg_summary').all as Record<string, number>;
  const counted = Object.values(all).reduce((a, b) => a + b, 0);
  if (counted !== expected) out.push(`pg_summary counts ${counted} PGs of ${expected}`);
  for (const pg of pgs) {
    const pool = pools.get(Number(pg.pgid.split('.')[0]));
    if (pool === undefined) out.push(`${pg.pgid}: no such pool`);
    if (pg.state === 'unknown') continue;
    for (const id of [...pg.up, ...pg.acting]) if (!osds.has(id)) out.push(`${pg.pgid}: on osd.${id}, not in the map`);
    if (pool !== undefined && pg.acting.length > pool.size) out.push(`${pg.pgid}: ${pg.acting.length} > size`);
    if (pg.state.split('+').includes('active') && pool !== undefined && pg.acting.length < pool.min_size)
      out.push(`${pg.pgid}: active with ${pg.acting.length} < min_size`);
    if (pg.state === 'active+clean') {
      if (pool !== undefined && pg.acting.length !== pool.size)
        out.push(`${pg.pgid}: clean but ${pg.acting.length} copies`);
      // A replica going down reaches the PG map only with the primary's next report (as in Ceph): checked settled.
      if (settled)
        for (const id of pg.acting) if (osds.get(id)?.up !== 1) out.push(`${pg.pgid}: clean on down osd.${id}`);
    }
  }
  return out;
}

describe('the simulated PG map and OSD map', () => {
  it('agree at every point of a scenario: PGs on existing OSDs, counts adding up, clean PGs fully replicated', () => {
    let state = createEmptyState();
    let batch: ClusterEvent[] = [];
    let checked = 0;
    const problems = new Set<string>();
    const flush = () => {
      const r = foldBatch(
        state,
        batch.map((event, ref) => ({ event, ref })),
      );
      assert.equal(r.rejected.length, 0, r.rejected[0]?.error.message);
      state = r.state;
      batch = [];
      // Between an OSD map and the reports that follow it the PG map lags, as in Ceph: check at report ends.
      for (const p of disagreements(state)) problems.add(p);
      checked++;
    };
    let lastT = 0;
    for (const e of simulateEvents({ osds: 12, hosts: 4, pgs: 128, duration: 90, statsPeriod: 2, seed: 11 })) {
      if (e.kind === 'heartbeat' && batch.length > 0 && e.t - lastT >= 2000) {
        flush();
        lastT = e.t;
      }
      batch.push(e);
    }
    flush();
    assert.ok(checked > 20, `checked ${checked} points`);
    assert.deepEqual([...problems].slice(0, 10), []);
    const end = new Accessors(() => state).get('pg_summary').all as Record<string, number>;
    assert.deepEqual(Object.keys(end), ['active+clean'], 'the scenario ends clean');
    assert.deepEqual(disagreements(state, true), []);
  });
});
