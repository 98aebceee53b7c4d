import type { Reducer } from './reducer.ts';

/** The pool of a PG id `<pool>.<hex seed>`. */
export function poolOfPgid(pgid: string): string {
  const dot = pgid.indexOf('.');
  return dot < 0 ? pgid : pgid.slice(0, dot);
}

/**
 * One OSD's stats report (Ceph's `MPGStats`): the PGs it is primary for get its stats, and its own stat replaces
 * the one it sent before. PGs are kept per pool so that one report copies only the pools it touches.
 */
export const reducePgStats: Reducer<'pg_stats'> = (draft, event) => {
  const pools = draft.pgStats.pgs;
  const pgids: string[] = [];
  for (const stat of event.pg_stats) {
    const pool = poolOfPgid(stat.pgid);
    let byPg = pools[pool];
    if (byPg === undefined) {
      byPg = {};
      pools[pool] = byPg;
    }
    byPg[stat.pgid] = stat;
    pgids.push(stat.pgid);
  }
  draft.pgStats.reporters[event.reporter] = {
    epoch: event.epoch,
    stamp: event.t,
    pgids,
    osdStat: event.osd_stat ?? draft.pgStats.reporters[event.reporter]?.osdStat ?? null,
    poolStatfs: event.pool_statfs ?? null,
  };
};
