import type { PgStat } from '../../../schemas/daemon/index.ts';
import type { ClusterState, PgStatsState } from '../cluster-state.ts';

const pgStatsMemo = new WeakMap<PgStatsState['pgs'], { readonly pg_stats: readonly PgStat[] }>();

function pgOrder(a: PgStat, b: PgStat): number {
  const [pa, sa] = a.pgid.split('.');
  const [pb, sb] = b.pgid.split('.');
  return Number(pa) - Number(pb) || Number.parseInt(sa ?? '0', 16) - Number.parseInt(sb ?? '0', 16);
}

/**
 * `get('pg_stats')`: every PG's latest stats, ordered by pool then seed as Ceph's PG map keeps them. Built once per
 * PG-stats object, so snapshots that did not change PG stats share it.
 */
export function pgStatsView(s: ClusterState): { readonly pg_stats: readonly PgStat[] } {
  const pgs = s.pgStats.pgs;
  let v = pgStatsMemo.get(pgs);
  if (v === undefined) {
    const all = Object.values(pgs).flatMap((byPg) => Object.values(byPg));
    v = Object.freeze({ pg_stats: Object.freeze(all.sort(pgOrder)) });
    pgStatsMemo.set(pgs, v);
  }
  return v;
}

export const PG_VIEWS = {
  pg_stats: pgStatsView,
} as const;
