import type { OsdStat } from '../../../schemas/daemon/index.ts';
import type { ClusterState } from '../cluster-state.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { STATFS_FIELDS, type Statfs } from '../pool-stat.ts';
import { combineExact } from './exact-sum.ts';
import { once } from './memo.ts';
import { addOsdStat, OSD_SUM_FIELDS, osdStatsTable } from './osd-stats-parts.ts';

/** `osd_stat_t::dump` of a sum of OSD stats (`PGMap::osd_sum`): no OSD id, no peers, empty ping times. */
export interface OsdStatSum {
  readonly up_from: number;
  readonly seq: number;
  readonly num_pgs: number;
  readonly num_osds: number;
  readonly num_per_pool_osds: number;
  readonly num_per_pool_omap_osds: number;
  readonly kb: number;
  readonly kb_used: number;
  readonly kb_used_data: number;
  readonly kb_used_omap: number;
  readonly kb_used_meta: number;
  readonly kb_avail: number;
  readonly statfs: Statfs;
  readonly hb_peers: readonly number[];
  readonly snap_trim_queue_len: number;
  readonly num_snap_trimming: number;
  readonly num_shards_repaired: number;
  readonly op_queue_age_hist: { readonly histogram: readonly number[]; readonly upper_bound: number };
  readonly perf_stat: {
    readonly commit_latency_ms: number;
    readonly apply_latency_ms: number;
    readonly commit_latency_ns: number;
    readonly apply_latency_ns: number;
  };
  readonly alerts: readonly unknown[];
  readonly network_ping_times: readonly unknown[];
}

/** The {@link OsdStatSum} of summed fields (laid out as {@link OSD_SUM_FIELDS}) and a summed histogram. */
function osdStatSumOf(v: readonly number[], hist: readonly number[]): OsdStatSum {
  const statfs = Object.fromEntries(STATFS_FIELDS.map((k, i) => [k, v[i]!])) as Statfs;
  const at = (field: (typeof OSD_SUM_FIELDS)[number]) => v[OSD_SUM_FIELDS.indexOf(field)]!;
  const commitNs = at('commit_latency_ns');
  const applyNs = at('apply_latency_ns');
  const kb = (bytes: number) => Math.floor(bytes / 1024);
  return {
    up_from: 0,
    seq: 0,
    num_pgs: at('num_pgs'),
    num_osds: at('num_osds'),
    num_per_pool_osds: at('num_per_pool_osds'),
    num_per_pool_omap_osds: at('num_per_pool_omap_osds'),
    kb: kb(statfs.total),
    kb_used: kb(statfs.total - statfs.available),
    kb_used_data: kb(statfs.allocated),
    kb_used_omap: kb(statfs.omap_allocated),
    kb_used_meta: kb(statfs.internal_metadata),
    kb_avail: kb(statfs.available),
    statfs,
    hb_peers: [],
    snap_trim_queue_len: at('snap_trim_queue_len'),
    num_snap_trimming: at('num_snap_trimming'),
    num_shards_repaired: at('num_shards_repaired'),
    op_queue_age_hist: { histogram: [...hist], upper_bound: 2 ** Math.max(0, hist.length) },
    perf_stat: {
      commit_latency_ms: commitNs / 1e6,
      apply_latency_ms: applyNs / 1e6,
      commit_latency_ns: commitNs,
      apply_latency_ns: applyNs,
    },
    alerts: [],
    network_ping_times: [],
  };
}

/** Adds one by one, in the given order. */
class InOrder {
  readonly v: number[];
  constructor(fields: number) {
    this.v = new Array<number>(fields).fill(0);
  }
  add(i: number, x: number): void {
    while (this.v.length <= i) this.v.push(0);
    this.v[i]! += x;
  }
}

/** `osd_stat_t::add` over OSD stats, one by one in their order, dumped as `PGMap::dump_basic` prints `osd_stats_sum`. */
export function sumOsdStats(stats: Iterable<OsdStat>): OsdStatSum {
  const sums = new InOrder(OSD_SUM_FIELDS.length);
  const hist = new InOrder(0);
  for (const st of stats) addOsdStat(sums, hist, st);
  return osdStatSumOf(sums.v, hist.v);
}

/**
 * `PGMap::osd_sum`: the sum of {@link osdStats}, once per set of them, frozen (df and pg_dump share it). The parts'
 * exact sums are combined; if a part is not exact (a non-integer latency), the stats are added one by one by id.
 */
export function osdStatsSum(s: ClusterState): OsdStatSum {
  const table = osdStatsTable(s);
  return once('osd_stats_sum', table, () => {
    if (!table.clash) {
      const v = combineExact(table.parts.map((p) => p.sums));
      const hist = combineExact(table.parts.map((p) => p.hist));
      if (v !== null && hist !== null) {
        while (v.length < OSD_SUM_FIELDS.length) v.push(0);
        return deepFreeze(osdStatSumOf(v, hist));
      }
    }
    return deepFreeze(sumOsdStats(table.stats));
  });
}
