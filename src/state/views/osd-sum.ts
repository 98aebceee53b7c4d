import type { OsdStat } from '../../../schemas/daemon/index.ts';
import type { ClusterState } from '../cluster-state.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { STATFS_FIELDS, type Statfs, zeroStatfs } from '../pool-stat.ts';
import { once } from './memo.ts';
import { addStatfs, osdStats } from './pg-summary.ts';

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

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** `pow2_hist_t::add`: bucket by bucket, the longer histogram's length. */
function addHist(into: number[], h: unknown): void {
  if (!Array.isArray(h)) return;
  for (let i = 0; i < h.length; i++) into[i] = (into[i] ?? 0) + num(h[i]);
}

/** `osd_stat_t::add` over OSD stats, dumped as `PGMap::dump_basic` prints `osd_stats_sum`. */
export function sumOsdStats(stats: Iterable<OsdStat>): OsdStatSum {
  const statfs = zeroStatfs();
  const hist: number[] = [];
  let numPgs = 0;
  let numOsds = 0;
  let perPool = 0;
  let perPoolOmap = 0;
  let snapTrimQueue = 0;
  let snapTrimming = 0;
  let shardsRepaired = 0;
  let commitNs = 0;
  let applyNs = 0;
  for (const st of stats) {
    const o = st as Record<string, unknown>;
    addStatfs(statfs, st.statfs);
    numPgs += num(o.num_pgs);
    numOsds += num(o.num_osds);
    perPool += num(o.num_per_pool_osds);
    perPoolOmap += num(o.num_per_pool_omap_osds);
    snapTrimQueue += num(o.snap_trim_queue_len);
    snapTrimming += num(o.num_snap_trimming);
    shardsRepaired += num(o.num_shards_repaired);
    addHist(hist, (o.op_queue_age_hist as { histogram?: unknown } | undefined)?.histogram);
    const perf = (o.perf_stat ?? {}) as Record<string, unknown>;
    commitNs += num(perf.commit_latency_ns) || num(perf.commit_latency_ms) * 1e6;
    applyNs += num(perf.apply_latency_ns) || num(perf.apply_latency_ms) * 1e6;
  }
  const kb = (bytes: number) => Math.floor(bytes / 1024);
  return {
    up_from: 0,
    seq: 0,
    num_pgs: numPgs,
    num_osds: numOsds,
    num_per_pool_osds: perPool,
    num_per_pool_omap_osds: perPoolOmap,
    kb: kb(statfs.total),
    kb_used: kb(statfs.total - statfs.available),
    kb_used_data: kb(statfs.allocated),
    kb_used_omap: kb(statfs.omap_allocated),
    kb_used_meta: kb(statfs.internal_metadata),
    kb_avail: kb(statfs.available),
    statfs: Object.fromEntries(STATFS_FIELDS.map((k) => [k, statfs[k]])) as Statfs,
    hb_peers: [],
    snap_trim_queue_len: snapTrimQueue,
    num_snap_trimming: snapTrimming,
    num_shards_repaired: shardsRepaired,
    op_queue_age_hist: { histogram: hist, upper_bound: 2 ** Math.max(0, hist.length) },
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

/** `PGMap::osd_sum`: the sum of {@link osdStats}, once per set of them, frozen (df and pg_dump share it). */
export function osdStatsSum(s: ClusterState): OsdStatSum {
  const stats = osdStats(s);
  return once('osd_stats_sum', stats, () => deepFreeze(sumOsdStats(stats.values())));
}
