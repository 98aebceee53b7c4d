import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { STATFS_FIELDS } from '../../src/state/pool-stat.ts';
import { FIXTURES } from '../helpers.ts';

/** `store_statfs_t::dump`'s fields, in its order, after the pool and OSD `ceph pg dump`'s `pool_statfs` adds. */
const POOL_STATFS_KEYS = ['poolid', 'osd', ...STATFS_FIELDS];

function fold(events: readonly ClusterEvent[]) {
  const r = foldBatch(
    createEmptyState(),
    events.map((event, ref) => ({ event, ref })),
  );
  assert.equal(r.rejected.length, 0, r.rejected[0]?.error.message);
  return new Accessors(() => r.state);
}

/** Each pool's `num_bytes` summed over its PGs, as `ceph pg dump` gives them. */
function bytesByPool(pgStats: ReadonlyArray<{ pgid: string; stat_sum: { num_bytes: number } }>): Map<number, number> {
  const out = new Map<number, number>();
  for (const pg of pgStats) {
    const pool = Number(pg.pgid.split('.')[0]);
    out.set(pool, (out.get(pool) ?? 0) + pg.stat_sum.num_bytes);
  }
  return out;
}

describe('simulated OSDs report per-pool statfs, as BlueStore OSDs do', () => {
  it('real ceph-mgr: a pool stored is its PGs num_bytes (memstore OSDs, no pool_statfs)', () => {
    const acc = JSON.parse(readFileSync(join(FIXTURES, 'accessors-3osd.json'), 'utf8')).get;
    assert.equal(acc.df.stats.num_per_pool_osds, 0);
    const bytes = bytesByPool(acc.pg_stats.pg_stats);
    for (const p of acc.df.pools) {
      assert.equal(p.stats.stored, bytes.get(p.id) ?? 0, p.name);
      assert.equal(p.stats.stored_data, p.stats.stored);
    }
    assert.ok(acc.df.pools.some((p: { stats: { stored: number } }) => p.stats.stored > 0));
  });

  it('df from the simulated pool_statfs: each pool stored as its num_bytes, used as its replicas', () => {
    const sim = new SimulatedCluster({ osds: 6, hosts: 3, pgs: 64, duration: 60, seed: 4, scenario: false });
    // Writes paused, so that every OSD's last report and every PG's agree on what the pools hold.
    assert.equal(sim.command({ prefix: 'osd set', key: 'pause' }).retval, 0);
    const events = sim.advanceTo(sim.startMs + 11_000);
    const reports = events.filter((e) => e.kind === 'pg_stats');
    assert.ok(reports.length >= 6);
    for (const r of reports) {
      assert.ok(r.kind === 'pg_stats' && Array.isArray(r.pool_statfs) && r.pool_statfs.length > 0);
      const osd = Number(r.reporter.slice(4));
      for (const e of r.pool_statfs as Array<Record<string, number>>) {
        assert.deepEqual(Object.keys(e), POOL_STATFS_KEYS);
        assert.equal(e.osd, osd);
        assert.equal(e.total, 0);
        assert.ok(e.data_stored! > 0 && e.allocated === e.data_stored);
      }
      // The OSD's own statfs is the sum of its pools' (plus BlueStore's metadata).
      const sum = (r.pool_statfs as Array<{ allocated: number }>).reduce((s, e) => s + e.allocated, 0);
      assert.equal(r.osd_stat?.statfs?.allocated, sum);
    }
    const acc = fold(events);
    const df = acc.get('df')!;
    assert.equal(df.stats.num_osds, 6);
    assert.equal(df.stats.num_per_pool_osds, 6, 'every OSD reports per-pool statfs');
    const bytes = bytesByPool(acc.get('pg_stats').pg_stats);
    const size = new Map(acc.get('osd_map')!.pools.map((p) => [p.pool, p.size]));
    for (const p of df.pools) {
      const expected = bytes.get(p.id)!;
      assert.ok(expected > 0, p.name);
      // Ceph divides the raw bytes by the pool's size as a float (f32): within its rounding.
      assert.ok(Math.abs(p.stats.stored - expected) <= expected * 2 ** -22, `${p.name}: ${p.stats.stored} ${expected}`);
      assert.equal(p.stats.stored_data, p.stats.stored);
      assert.equal(p.stats.bytes_used, expected * size.get(p.id)!, `${p.name}: the replicas' bytes`);
      assert.ok(p.stats.percent_used > 0 && p.stats.percent_used < 1);
    }
  });
});
