import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PgStat } from '../../schemas/daemon/index.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { simulateEvents } from '../../src/sim/simulate-events.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { pgAt } from '../../src/state/pg-table.ts';
import { STAT_SUM_FIELDS } from '../../src/state/pool-stat.ts';

type Counts = Record<string, Record<string, number>>;

/** The PG map's counts and sums computed the slow way: every seed of every pool, every PG's stat fields. */
function bruteForce(s: ClusterState) {
  const map = s.maps.osd_map!.map;
  const up = new Set(map.osds.filter((o) => o.up === 1).map((o) => o.osd));
  const all: Record<string, number> = {};
  const byPool: Counts = {};
  const byOsd: Counts = {};
  const sums: Record<string, Record<string, number>> = {};
  const bump = (into: Counts, k: string, state: string) => {
    into[k] ??= {};
    into[k][state] = (into[k][state] ?? 0) + 1;
  };
  for (const pool of map.pools) {
    const sum: Record<string, number> = Object.fromEntries(STAT_SUM_FIELDS.map((f) => [f, 0]));
    for (let seed = 0; seed < pool.pg_num; seed++) {
      const stat: PgStat | undefined = pgAt(s.pgStats.pgs[String(pool.pool)], seed);
      let state = stat?.state ?? 'unknown';
      if (stat !== undefined && stat.acting_primary !== -1 && !up.has(stat.acting_primary) && !state.includes('stale'))
        state = `stale+${state}`;
      all[state] = (all[state] ?? 0) + 1;
      bump(byPool, String(pool.pool), state);
      for (const osd of stat?.acting ?? []) bump(byOsd, String(osd), state);
      const fields = (stat?.stat_sum ?? {}) as Record<string, number>;
      for (const f of STAT_SUM_FIELDS) sum[f]! += fields[f] ?? 0;
    }
    sums[pool.pool] = sum;
  }
  return { all, byPool, byOsd, sums };
}

it('pg_summary, pool_stats and pg_status counted per bucket agree with counting every PG, at every point of a scenario', () => {
  // Failures, a flap, a pool created, split and deleted: buckets change, the up set changes, pools come and go.
  const events = [...simulateEvents({ osds: 24, seed: 5, duration: 150 })];
  let state = createEmptyState();
  let checked = 0;
  let sawStale = false;
  let sawUnknown = false;
  for (let i = 0; i < events.length; i += 7) {
    const batch: ClusterEvent[] = events.slice(i, i + 7);
    state = foldBatch(
      state,
      batch.map((event, ref) => ({ event, ref })),
    ).state;
    if (state.maps.osd_map === undefined) continue;
    const acc = new Accessors(() => state);
    const expected = bruteForce(state);
    const summary = acc.get('pg_summary');
    assert.deepEqual({ ...summary.all }, expected.all, `pg_summary.all after seq ${state.seq}`);
    assert.deepEqual(JSON.parse(JSON.stringify(summary.by_pool)), expected.byPool, `by_pool after seq ${state.seq}`);
    assert.deepEqual(JSON.parse(JSON.stringify(summary.by_osd)), expected.byOsd, `by_osd after seq ${state.seq}`);
    const poolStats = acc.get('pool_stats').pool_stats as Array<{ poolid: number; num_pg: number; stat_sum: object }>;
    for (const p of poolStats) {
      assert.deepEqual({ ...p.stat_sum }, expected.sums[p.poolid], `pool ${p.poolid} sums after seq ${state.seq}`);
      const pgNum: number = state.maps.osd_map!.map.pools.find((x) => x.pool === p.poolid)!.pg_num;
      assert.equal(p.num_pg, pgNum);
    }
    const status = acc.get('pg_status') as unknown as { num_pgs: number };
    assert.equal(
      status.num_pgs,
      Object.values(expected.all).reduce((a, b) => a + b, 0),
    );
    assert.equal(acc.get('pg_stats').pg_stats.length, status.num_pgs);
    sawStale ||= Object.keys(expected.all).some((k) => k.startsWith('stale'));
    sawUnknown ||= 'unknown' in expected.all;
    checked++;
  }
  assert.ok(checked > 150, `checked ${checked} points`);
  assert.ok(sawUnknown, 'the scenario had unreported PGs');
  assert.ok(sawStale, 'the scenario had PGs with a down primary');
});
