import type { ClusterState } from '../cluster-state.ts';
import { osdStatsView, poolStatsView } from './daemon-views.ts';
import { once, pairKey } from './memo.ts';
import { type OsdStatSum, osdStatsSum } from './osd-sum.ts';
import { deltasAt, dumpDelta } from './pg-rates.ts';
import { deepFreeze, dumpPoolStat, osdStats, type PoolStat, pgMapSums } from './pg-summary.ts';
import { pgStatsView } from './pg-views.ts';
import { formatUtime } from './utime.ts';

/** `get('pg_dump')`: the manager's whole PG map, as `PGMap::dump` prints it. */
export interface PgDump {
  readonly version: number;
  readonly stamp: string;
  readonly last_osdmap_epoch: number;
  readonly last_pg_scan: number;
  readonly pg_stats_sum: PoolStat;
  readonly osd_stats_sum: OsdStatSum;
  readonly pg_stats_delta: ReturnType<typeof dumpDelta>;
  readonly pg_stats: ReturnType<typeof pgStatsView>['pg_stats'];
  readonly pool_stats: ReturnType<typeof poolStatsView>['pool_stats'];
  readonly osd_stats: readonly unknown[];
  readonly pool_statfs: readonly unknown[];
}

function osdStatWithoutNet(st: object): object {
  if (!('network_ping_times' in st)) return st;
  const { network_ping_times: _, ...rest } = st as Record<string, unknown>;
  return rest;
}

/**
 * `get('pg_dump')` (`PGMap::dump` without the network ping times): the map's version and stamp (its last tick),
 * sums, rate window, every PG, every pool's sums and every OSD's stat. `last_osdmap_epoch` and `last_pg_scan` are
 * 0, as the manager's PG map never sets them.
 */
export function pgDumpView(s: ClusterState): PgDump {
  const sums = pgMapSums(s);
  const at = deltasAt(s);
  return once('pg_dump', pairKey(pairKey(sums, s.pgStats.reporters), at), () => {
    return deepFreeze({
      version: at.version,
      stamp: formatUtime(at.tick ?? 0),
      last_osdmap_epoch: 0,
      last_pg_scan: 0,
      pg_stats_sum: dumpPoolStat(sums.pgSum),
      osd_stats_sum: osdStatsSum(s),
      pg_stats_delta: dumpDelta(at.global),
      pg_stats: pgStatsView(s).pg_stats,
      pool_stats: poolStatsView(s).pool_stats,
      osd_stats: osdStats(s).stats.map(osdStatWithoutNet),
      pool_statfs: osdStatsView(s).pool_statfs,
    });
  });
}
