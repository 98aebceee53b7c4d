import type { ClusterState } from '../cluster-state.ts';
import { once, pairKey } from './memo.ts';
import { osdStatsSum } from './osd-sum.ts';
import { cacheIoRate, clientIoRate, type DeltasAt, deltasAt, recoveryRate } from './pg-rates.ts';
import { deepFreeze, type PgMapSums, pgMapSums, type Statfs } from './pg-summary.ts';
import { recoverySummary } from './recovery-summary.ts';

export interface StateCount {
  readonly state_name: string;
  readonly count: number;
}

export interface PgStatus {
  readonly pgs_by_state: readonly StateCount[];
  readonly num_pgs: number;
  readonly num_pools: number;
  readonly num_objects: number;
  readonly data_bytes: number;
  readonly bytes_used: number;
  readonly bytes_avail: number;
  readonly bytes_total: number;
  readonly unknown_pgs_ratio?: number;
  readonly inactive_pgs_ratio?: number;
  readonly degraded_objects?: number;
  readonly degraded_total?: number;
  readonly degraded_ratio?: number;
  readonly misplaced_objects?: number;
  readonly misplaced_total?: number;
  readonly misplaced_ratio?: number;
  readonly unfound_objects?: number;
  readonly unfound_total?: number;
  readonly unfound_ratio?: number;
  readonly recovering_objects_per_sec?: number;
  readonly recovering_bytes_per_sec?: number;
  readonly recovering_keys_per_sec?: number;
  readonly num_objects_recovered?: number;
  readonly num_bytes_recovered?: number;
  readonly num_keys_recovered?: number;
  readonly read_bytes_sec?: number;
  readonly write_bytes_sec?: number;
  readonly read_op_per_sec?: number;
  readonly write_op_per_sec?: number;
  readonly flush_bytes_sec?: number;
  readonly evict_bytes_sec?: number;
  readonly promote_op_per_sec?: number;
  readonly pgs_by_pool_state: readonly { readonly pool_id: number; readonly pg_state_counts: readonly StateCount[] }[];
}

/**
 * Counts by state, most first. Ceph keeps these counts in an `unordered_map`, so the order of equal counts (and of
 * the pools in `pgs_by_pool_state`) is its hash table's, which depends on the whole history of the manager's PG map;
 * here ties are ordered by state name instead.
 */
function byCount(counts: ReadonlyMap<string, number>): StateCount[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([state_name, count]) => ({ state_name, count }));
}

/** The sum of the OSDs' statfs (`osd_sum.statfs`). */
export function osdSumStatfs(s: ClusterState): Statfs {
  return osdStatsSum(s).statfs;
}

/**
 * `get('pg_status')`: `PGMapDigest::print_summary` with a formatter, its recovery, client and cache I/O rates over
 * the manager's rate window (see `deltasAt`).
 */
export function pgStatusView(s: ClusterState): PgStatus {
  const sums = pgMapSums(s);
  const at = deltasAt(s);
  return once('pg_status', pairKey(pairKey(sums, s.pgStats.reporters), at), () => {
    return deepFreeze(build(s, sums, at));
  });
}

function build(s: ClusterState, sums: PgMapSums, at: DeltasAt): PgStatus {
  const byState = sums.byState;
  const byPool = sums.byPoolState;
  const numPg = sums.numPg;
  const sum = sums.pgSum.stat_sum;
  const statfs = osdSumStatfs(s);
  const out: Record<string, unknown> = {
    pgs_by_state: byCount(byState),
    num_pgs: numPg,
    num_pools: sums.poolSums.size,
    num_objects: sum.num_objects,
    data_bytes: sum.num_bytes,
    bytes_used: statfs.total - statfs.available,
    bytes_avail: statfs.available,
    bytes_total: statfs.total,
  };
  if (sums.numPgUnknown > 0) out.unknown_pgs_ratio = Math.fround(sums.numPgUnknown / numPg);
  const inactive = numPg - sums.numPgActive - sums.numPgUnknown;
  if (inactive > 0) out.inactive_pgs_ratio = Math.fround(inactive / numPg);
  Object.assign(out, recoverySummary(sum));
  Object.assign(out, recoveryRate(at.global), clientIoRate(at.global), cacheIoRate(at.global));
  out.pgs_by_pool_state = [...byPool]
    .sort((a, b) => a[0] - b[0])
    .map(([pool_id, counts]) => ({ pool_id, pg_state_counts: byCount(counts) }));
  return out as unknown as PgStatus;
}
