import type { MgrMap } from '../../../schemas/maps/index.ts';
import type { ClusterState } from '../cluster-state.ts';
import { tableGet, tableValues } from '../keyed-table.ts';
import { once, pairKey } from './memo.ts';
import { poolStatfsList } from './osd-stats-parts.ts';
import { dumpPoolStat, osdStats, pgMapSums } from './pg-summary.ts';

function metadataOf(s: ClusterState, type: string): Readonly<Record<string, Readonly<Record<string, string>>>> {
  return once(`${type}_metadata`, s.daemons, () => {
    const out: Record<string, Readonly<Record<string, string>>> = {};
    const ids = tableValues(s.daemons).filter((d) => d.type === type && Object.keys(d.metadata).length > 0);
    ids.sort((a, b) => (type === 'osd' ? Number(a.id) - Number(b.id) : a.id < b.id ? -1 : 1));
    for (const d of ids) out[d.id] = d.metadata;
    return out;
  });
}

/** `get('osd_metadata')`: each OSD's metadata by id. */
export function osdMetadataView(s: ClusterState) {
  return metadataOf(s, 'osd');
}

/** `get('mds_metadata')`: each MDS's metadata by name. */
export function mdsMetadataView(s: ClusterState) {
  return metadataOf(s, 'mds');
}

/** `get('pg_ready')`: true once every OSD that is up in the OSD map has sent its stats, as Ceph's `pgmap_ready`. */
export function pgReadyView(s: ClusterState): { readonly pg_ready: boolean } {
  const osdMap = s.maps.osd_map?.map;
  if (osdMap === undefined) return { pg_ready: false };
  return once('pg_ready', s.pgStats.reporters, () => ({
    pg_ready: osdMap.osds
      .filter((o) => o.up === 1)
      .every((o) => tableGet(s.pgStats.reporters, `osd.${o.osd}`) !== undefined),
  }));
}

/** `get('mgr_ips')`: the IP addresses of the active manager, from the manager map. */
export function mgrIpsView(s: ClusterState): { readonly ips: readonly string[] } {
  const entry = s.maps.mgr_map;
  if (entry === undefined) return { ips: [] };
  return once('mgr_ips', entry, () => {
    const map = entry.map as MgrMap & { active_addrs?: { addrvec?: Array<{ addr: string }> } };
    const ips = (map.active_addrs?.addrvec ?? []).map((a) => a.addr.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''));
    return { ips: [...new Set(ips)] };
  });
}

/**
 * `get('osd_stats')`: what each OSD last said of itself, as the manager's PG map holds it (gone when the map no
 * longer has the OSD, zeroed while it is out), by OSD id; and the pools' store stats the OSDs reported.
 */
export function osdStatsView(s: ClusterState): {
  readonly osd_stats: readonly unknown[];
  readonly pool_statfs: readonly unknown[];
} {
  return once('osd_stats', pairKey(s.pgStats.reporters, s.maps.osd_map?.map), () => {
    const stats = osdStats(s);
    return { osd_stats: stats.stats, pool_statfs: poolStatfsList(stats) };
  });
}

/**
 * `get('pool_stats')`: each pool's summed PG stats (`pool_stat_t`) with its PG count, as `PGMap::dump_pool_stats`
 * prints them (by pool id here; Ceph's order is its hash table's).
 */
export function poolStatsView(s: ClusterState): { readonly pool_stats: readonly unknown[] } {
  const sums = pgMapSums(s);
  return once('pool_stats', sums, () => {
    const numPg = new Map<number, number>();
    for (const [pool, counts] of sums.byPoolState)
      numPg.set(
        pool,
        [...counts.values()].reduce((a, b) => a + b, 0),
      );
    const pools = [...sums.poolSums.entries()].sort((a, b) => a[0] - b[0]);
    return { pool_stats: pools.map(([poolid, p]) => ({ poolid, num_pg: numPg.get(poolid) ?? 0, ...dumpPoolStat(p) })) };
  });
}

export const DAEMON_VIEWS = {
  osd_metadata: osdMetadataView,
  mds_metadata: mdsMetadataView,
  pg_ready: pgReadyView,
  mgr_ips: mgrIpsView,
  osd_stats: osdStatsView,
  pool_stats: poolStatsView,
} as const;
