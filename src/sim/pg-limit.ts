import type { HealthCheck } from '../../schemas/maps/health.ts';
import type { PoolPgs } from './pg-table.ts';

/**
 * `TOO_MANY_PGS` as the manager's `PGMap::get_health_checks` raises it: the PG instances of the up sets (at least one
 * per PG) over the OSDs in, past `mon_max_pg_per_osd` (0: no limit): "too many PGs per OSD (275 > max 250)", its
 * count the excess.
 */
export function tooManyPgsChecks(
  pools: Iterable<PoolPgs>,
  numIn: number,
  maxPerOsd: number,
): Record<string, HealthCheck> {
  if (numIn <= 0 || !(maxPerOsd > 0)) return {};
  const per = pgsPerOsd(pools, numIn);
  if (per <= maxPerOsd) return {};
  return {
    TOO_MANY_PGS: {
      severity: 'HEALTH_WARN',
      summary: { message: `too many PGs per OSD (${per} > max ${maxPerOsd})`, count: per - maxPerOsd },
      detail: [],
      muted: false,
    },
  };
}

/** PG instances per OSD in, as `TOO_MANY_PGS` and `TOO_FEW_PGS` count them (0 with none in). */
export function pgsPerOsd(pools: Iterable<PoolPgs>, numIn: number): number {
  if (numIn <= 0) return 0;
  let up = 0;
  let pgs = 0;
  for (const p of pools) {
    const len = p.cols.upLen;
    for (let ps = 0; ps < p.pgNum; ps++) up += len[ps]!;
    pgs += p.pgNum;
  }
  return Math.floor(Math.max(up, pgs) / numIn);
}

/** A pool as `check_pg_num` counts it: its id, target pg_num and size. */
export interface PoolPgCount {
  readonly id: number;
  readonly pgNum: number;
  readonly size: number;
}

/**
 * `OSDMonitor::check_pg_num`: whether pool `pool` (undefined: a new one) with `pgNum` PGs of `size` copies keeps
 * the cluster's PG instances within `mon_max_pg_per_osd` times the OSDs in (3 at least); Ceph's message for
 * `-ERANGE` when it does not (" pg_num 128 size 3 would mean 1761 total pgs, which exceeds max 1500
 * (mon_max_pg_per_osd 250 * num_in_osds 6)"), else undefined.
 */
export function checkPgNum(
  pools: Iterable<PoolPgCount>,
  pool: number | undefined,
  pgNum: number,
  size: number,
  numIn: number,
  maxPerOsd: number,
): string | undefined {
  const numOsds = Math.max(numIn, 3);
  let projected = pool === undefined ? pgNum * size : 0;
  for (const p of pools) projected += p.id === pool ? pgNum * size : p.pgNum * p.size;
  const maxPgs = maxPerOsd * numOsds;
  if (projected <= maxPgs) return undefined;
  return (
    `${pool === undefined ? '' : `pool id ${pool}`} pg_num ${pgNum} size ${size} would mean ${projected} total pgs, ` +
    `which exceeds max ${maxPgs} (mon_max_pg_per_osd ${maxPerOsd} * num_in_osds ${numOsds})`
  );
}
