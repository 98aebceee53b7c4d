import type { ClusterState } from '../cluster-state.ts';
import { clientIoRate, type DeltasAt, deltasAt, type RateWindow, recoveryRate } from './pg-rates.ts';
import { deepFreeze, type PgMapSums, pgMapSums } from './pg-summary.ts';
import { recoverySummary } from './recovery-summary.ts';

/** One pool in `get('osd_pool_stats')`. */
export interface PoolIoStats {
  readonly pool_name: string;
  readonly pool_id: number;
  readonly recovery: Readonly<Record<string, number>>;
  readonly recovery_rate: Readonly<Record<string, number>>;
  readonly client_io_rate: Readonly<Record<string, number>>;
}

const NO_WINDOW: RateWindow = { d: [], dt: 0 };

const memo = new WeakMap<PgMapSums, WeakMap<DeltasAt, { readonly pool_stats: readonly PoolIoStats[] }>>();

/**
 * `get('osd_pool_stats')`: for every pool of the OSD map (`PGMapDigest::dump_pool_stats_and_io_rate`), its
 * recovery state and its recovery and client I/O rates over the pool's own rate window (Ceph measures a pool only
 * on the ticks that updated it).
 */
export function osdPoolStatsView(s: ClusterState): { readonly pool_stats: readonly PoolIoStats[] } {
  const sums = pgMapSums(s);
  let inner = memo.get(sums);
  if (inner === undefined) {
    inner = new WeakMap();
    memo.set(sums, inner);
  }
  const at = deltasAt(s);
  let v = inner.get(at);
  if (v === undefined) {
    const pools = [...(s.maps.osd_map?.map.pools ?? [])].sort((a, b) => a.pool - b.pool);
    v = deepFreeze({
      pool_stats: pools.map((p) => {
        const sum = sums.poolSums.get(p.pool);
        const w = at.pools.get(p.pool) ?? NO_WINDOW;
        return {
          pool_name: p.pool_name,
          pool_id: p.pool,
          recovery: sum === undefined ? {} : recoverySummary(sum.stat_sum),
          recovery_rate: w.dt > 0 ? recoveryRate(w) : {},
          client_io_rate: w.dt > 0 ? clientIoRate(w) : {},
        };
      }),
    });
    inner.set(at, v);
  }
  return v;
}
