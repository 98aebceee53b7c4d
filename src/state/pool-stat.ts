/** `object_stat_sum_t::dump`'s fields, in Ceph's order. */
export const STAT_SUM_FIELDS = [
  'num_bytes',
  'num_objects',
  'num_object_clones',
  'num_object_copies',
  'num_objects_missing_on_primary',
  'num_objects_missing',
  'num_objects_degraded',
  'num_objects_misplaced',
  'num_objects_unfound',
  'num_objects_dirty',
  'num_whiteouts',
  'num_read',
  'num_read_kb',
  'num_write',
  'num_write_kb',
  'num_scrub_errors',
  'num_shallow_scrub_errors',
  'num_deep_scrub_errors',
  'num_objects_recovered',
  'num_bytes_recovered',
  'num_keys_recovered',
  'num_objects_omap',
  'num_objects_hit_set_archive',
  'num_bytes_hit_set_archive',
  'num_flush',
  'num_flush_kb',
  'num_evict',
  'num_evict_kb',
  'num_promote',
  'num_flush_mode_high',
  'num_flush_mode_low',
  'num_evict_mode_some',
  'num_evict_mode_full',
  'num_objects_pinned',
  'num_legacy_snapsets',
  'num_large_omap_objects',
  'num_objects_manifest',
  'num_omap_bytes',
  'num_omap_keys',
  'num_objects_repaired',
] as const;

/** `store_statfs_t::dump`'s fields, in Ceph's order. */
export const STATFS_FIELDS = [
  'total',
  'available',
  'internally_reserved',
  'allocated',
  'data_stored',
  'data_compressed',
  'data_compressed_allocated',
  'data_compressed_original',
  'omap_allocated',
  'internal_metadata',
] as const;

export type StatSum = Record<(typeof STAT_SUM_FIELDS)[number], number>;
export type Statfs = Record<(typeof STATFS_FIELDS)[number], number>;

/** Ceph's `pool_stat_t`: summed PG stats (plus, per pool, the OSDs' per-pool statfs). */
export interface PoolStat {
  stat_sum: StatSum;
  store_stats: Statfs;
  log_size: number;
  ondisk_log_size: number;
  up: number;
  acting: number;
  num_store_stats: number;
}

export function zeroStatSum(): StatSum {
  return Object.fromEntries(STAT_SUM_FIELDS.map((k) => [k, 0])) as StatSum;
}

export function zeroStatfs(): Statfs {
  return Object.fromEntries(STATFS_FIELDS.map((k) => [k, 0])) as Statfs;
}

export function zeroPoolStat(): PoolStat {
  return {
    stat_sum: zeroStatSum(),
    store_stats: zeroStatfs(),
    log_size: 0,
    ondisk_log_size: 0,
    up: 0,
    acting: 0,
    num_store_stats: 0,
  };
}
