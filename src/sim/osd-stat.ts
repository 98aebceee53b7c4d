import type { OsdStat, PingTimesEntry } from '../../schemas/daemon/pg-stats.ts';

/** BlueStore's own metadata (RocksDB, allocator) on every OSD, whatever it stores. */
export const BLUESTORE_OVERHEAD_BYTES = 1 << 30;

/** What goes into one OSD's `osd_stat`. */
export interface OsdStatInput {
  readonly osd: number;
  readonly upFrom: number;
  /** Reports sent since the OSD came up (the low half of `seq`). */
  readonly reports: number;
  readonly numPgs: number;
  readonly totalBytes: number;
  /** Bytes of PG data the OSD holds (its share of each PG's replicas). */
  readonly dataBytes: number;
  readonly hbPeers: readonly number[];
  readonly commitLatencyMs: number;
  /** The object store's alerts (`" osd: 3 BLUESTORE_...:message"`); none by default. */
  readonly alerts?: readonly string[];
  /** Heartbeat times to each peer; the field is left out when undefined. */
  readonly pingTimes?: readonly PingTimesEntry[] | undefined;
  /** Reads repaired from another copy since the OSD started (`num_shards_repaired`). */
  readonly shardsRepaired?: number;
}

/**
 * An element of `ceph pg dump`'s `osd_stats` as one OSD reports it (every field in Ceph's order): space in KiB and
 * as a BlueStore `statfs` in bytes, its heartbeat peers and latency. `seq` is `(up_from << 32) + n`, as Ceph
 * builds it.
 */
export function osdStatOf(s: OsdStatInput): OsdStat {
  const allocated = Math.round(s.dataBytes);
  const meta = BLUESTORE_OVERHEAD_BYTES;
  const used = Math.min(s.totalBytes, allocated + meta);
  const kb = Math.floor(s.totalBytes / 1024);
  const kbUsed = Math.ceil(used / 1024);
  const latNs = Math.round(s.commitLatencyMs * 1e6);
  return {
    osd: s.osd,
    up_from: s.upFrom,
    seq: s.upFrom * 2 ** 32 + s.reports,
    num_pgs: s.numPgs,
    num_osds: 1,
    num_per_pool_osds: 1,
    num_per_pool_omap_osds: 1,
    kb,
    kb_used: kbUsed,
    kb_used_data: Math.ceil(allocated / 1024),
    kb_used_omap: 0,
    kb_used_meta: Math.ceil(meta / 1024),
    kb_avail: Math.max(0, kb - kbUsed),
    statfs: {
      total: s.totalBytes,
      available: Math.max(0, s.totalBytes - used),
      internally_reserved: 0,
      allocated,
      data_stored: allocated,
      data_compressed: 0,
      data_compressed_allocated: 0,
      data_compressed_original: 0,
      omap_allocated: 0,
      internal_metadata: meta,
    },
    hb_peers: [...s.hbPeers],
    snap_trim_queue_len: 0,
    num_snap_trimming: 0,
    num_shards_repaired: s.shardsRepaired ?? 0,
    op_queue_age_hist: { histogram: [], upper_bound: 1 },
    perf_stat: {
      commit_latency_ms: s.commitLatencyMs,
      apply_latency_ms: s.commitLatencyMs,
      commit_latency_ns: latNs,
      apply_latency_ns: latNs,
    },
    alerts: [...(s.alerts ?? [])],
    ...(s.pingTimes === undefined ? {} : { network_ping_times: [...s.pingTimes] }),
  };
}
