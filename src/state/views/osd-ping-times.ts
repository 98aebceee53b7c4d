import type { ClusterState } from '../cluster-state.ts';
import { once, pairKey } from './memo.ts';
import { osdStats } from './pg-summary.ts';

/** One OSD's heartbeat round trips to its peers, as it reported them. */
export interface OsdPingTime {
  readonly osd: number;
  /** Per peer: `{osd, "last update", interfaces: [{interface, average, min, max, last}]}`. */
  readonly network_ping_times: readonly unknown[];
}

/**
 * `get('osd_ping_times')`: `PGMap::dump_osd_ping_times`: one entry per OSD in the manager's PG map (the OSDs whose
 * stats `osd_stats` lists), with the ping times its last `osd_stat` carried, `[]` when it carried none (an out OSD's
 * stats are reset, and its ping times with them). By OSD id; Ceph's order is its hash table's.
 */
export function osdPingTimesView(s: ClusterState): { readonly osd_ping_times: readonly OsdPingTime[] } {
  return once('osd_ping_times', pairKey(s.pgStats.reporters, s.maps.osd_map?.map), () => {
    const stats = osdStats(s);
    return {
      osd_ping_times: stats.stats.map((stat, i) => ({
        osd: stats.ids[i]!,
        network_ping_times: stat.network_ping_times ?? [],
      })),
    };
  });
}
