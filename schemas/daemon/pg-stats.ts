import { z } from 'zod';

const Int = z.number().int();
const Count = z.number().int().nonnegative();
const Epoch = z.number().int().nonnegative();
/** Pacific and later print this counter as a number; Luminous to Octopus print it as a decimal string. */
const IntOrDecimalString = z.union([Count, z.string().regex(/^\d+$/)]);

/** A PG's (or pool's) object statistics: `stat_sum` of a `ceph pg dump` pg_stats element (signed: Ceph's int64). */
export const ObjectStatSumSchema = z.looseObject({
  num_bytes: Int,
  num_objects: Int,
  num_object_clones: Int,
  num_object_copies: Int,
  num_objects_missing_on_primary: Int,
  num_objects_degraded: Int,
  num_objects_misplaced: Int,
  num_objects_unfound: Int,
  num_read: Int,
  num_read_kb: Int,
  num_write: Int,
  num_write_kb: Int,
  num_objects_recovered: Int,
  num_bytes_recovered: Int,
  num_keys_recovered: Int,
  num_objects_missing: Int.optional(),
  num_objects_dirty: Int.optional(),
  num_whiteouts: Int.optional(),
  num_scrub_errors: Int.optional(),
  num_shallow_scrub_errors: Int.optional(),
  num_deep_scrub_errors: Int.optional(),
  num_objects_omap: Int.optional(),
  num_objects_hit_set_archive: Int.optional(),
  num_bytes_hit_set_archive: Int.optional(),
  num_flush: Int.optional(),
  num_flush_kb: Int.optional(),
  num_evict: Int.optional(),
  num_evict_kb: Int.optional(),
  num_promote: Int.optional(),
  num_flush_mode_high: Int.optional(),
  num_flush_mode_low: Int.optional(),
  num_evict_mode_some: Int.optional(),
  num_evict_mode_full: Int.optional(),
  num_objects_pinned: Int.optional(),
  num_legacy_snapsets: Int.optional(),
  num_large_omap_objects: Int.optional(),
  num_objects_manifest: Int.optional(),
  num_omap_bytes: Int.optional(),
  num_omap_keys: Int.optional(),
  num_objects_repaired: Int.optional(),
});
/** What {@link ObjectStatSumSchema} parses to. */
export type ObjectStatSum = z.infer<typeof ObjectStatSumSchema>;

/** One element of `ceph pg dump -f json`'s `pg_stats` (also what an OSD reports in a `pg_stats` event). */
export const PgStatSchema = z.looseObject({
  /** `<pool>.<hex seed>`, e.g. `"3.1f"`. */
  pgid: z.string().regex(/^\d+\.[0-9a-f]+$/, 'a pgid is "<pool>.<hex seed>"'),
  /** `"<epoch>'<version>"`, e.g. `"46'1315"`. */
  version: z.string(),
  reported_seq: IntOrDecimalString,
  reported_epoch: IntOrDecimalString,
  /** `+`-joined state names, e.g. `"active+clean"`. */
  state: z.string(),
  last_fresh: z.string(),
  last_change: z.string(),
  last_active: z.string(),
  last_clean: z.string(),
  last_unstale: z.string(),
  mapping_epoch: Epoch,
  created: Epoch,
  last_epoch_clean: Epoch,
  last_scrub_stamp: z.string(),
  last_deep_scrub_stamp: z.string(),
  log_size: Int,
  ondisk_log_size: Int,
  stat_sum: ObjectStatSumSchema,
  up: z.array(Int),
  acting: z.array(Int),
  up_primary: Int,
  acting_primary: Int,
  last_peered: z.string().optional(),
  last_became_active: z.string().optional(),
  last_became_peered: z.string().optional(),
  last_undegraded: z.string().optional(),
  last_fullsized: z.string().optional(),
  log_start: z.string().optional(),
  ondisk_log_start: z.string().optional(),
  parent: z.string().optional(),
  parent_split_bits: Count.optional(),
  last_scrub: z.string().optional(),
  last_deep_scrub: z.string().optional(),
  last_clean_scrub_stamp: z.string().optional(),
  stats_invalid: z.boolean().optional(),
  dirty_stats_invalid: z.boolean().optional(),
  omap_stats_invalid: z.boolean().optional(),
  hitset_stats_invalid: z.boolean().optional(),
  hitset_bytes_stats_invalid: z.boolean().optional(),
  pin_stats_invalid: z.boolean().optional(),
  manifest_stats_invalid: z.boolean().optional(),
  snaptrimq_len: Count.optional(),
  /** Shards (`"0"`, `"1(2)"`) that have no missing objects. */
  avail_no_missing: z.array(z.string()).optional(),
  /** Real Ceph prints negative `objects` here while a PG recovers. */
  object_location_counts: z.array(z.looseObject({ shards: z.string(), objects: Int })).optional(),
  blocked_by: z.array(Int).optional(),
  purged_snaps: z.array(z.unknown()).optional(),
});
/** What {@link PgStatSchema} parses to. */
export type PgStat = z.infer<typeof PgStatSchema>;

/** An object store's space accounting, in bytes (`statfs` of an osd_stats element). */
export const StoreStatfsSchema = z.looseObject({
  total: Int,
  available: Int,
  internally_reserved: Int.optional(),
  allocated: Int.optional(),
  data_stored: Int.optional(),
  data_compressed: Int.optional(),
  data_compressed_allocated: Int.optional(),
  data_compressed_original: Int.optional(),
  omap_allocated: Int.optional(),
  internal_metadata: Int.optional(),
});
/** What {@link StoreStatfsSchema} parses to. */
export type StoreStatfs = z.infer<typeof StoreStatfsSchema>;

/** Heartbeat round-trip times in ms over the last 1, 5 and 15 minutes (`osd_stat_t::dump_ping_time`). */
export const PingWindowsSchema = z.looseObject({ '1min': z.number(), '5min': z.number(), '15min': z.number() });
/** What {@link PingWindowsSchema} parses to. */
export type PingWindows = z.infer<typeof PingWindowsSchema>;

/** One interface's heartbeat times to one peer: `back` (cluster network) or `front` (public network), in ms. */
export const PingInterfaceSchema = z.looseObject({
  interface: z.string().optional(),
  average: PingWindowsSchema.optional(),
  min: PingWindowsSchema.optional(),
  max: PingWindowsSchema.optional(),
  last: z.number().optional(),
});
/** What {@link PingInterfaceSchema} parses to. */
export type PingInterface = z.infer<typeof PingInterfaceSchema>;

/** An element of `network_ping_times`: one heartbeat peer; note the key `"last update"` (ctime text) with a space. */
export const PingTimesEntrySchema = z.looseObject({
  osd: Int,
  'last update': z.string().optional(),
  interfaces: z.array(PingInterfaceSchema),
});
/** What {@link PingTimesEntrySchema} parses to. */
export type PingTimesEntry = z.infer<typeof PingTimesEntrySchema>;

/** One element of `ceph pg dump -f json`'s `osd_stats` (the `osd_stat` of a `pg_stats` event). */
export const OsdStatSchema = z.looseObject({
  osd: Int,
  kb: Count,
  kb_used: Count,
  kb_avail: Count,
  /** OSDs this one exchanges heartbeats with. */
  hb_peers: z.array(Int),
  perf_stat: z.looseObject({
    commit_latency_ms: z.number(),
    apply_latency_ms: z.number(),
    commit_latency_ns: z.number().optional(),
    apply_latency_ns: z.number().optional(),
  }),
  up_from: Epoch.optional(),
  /** `(up_from << 32) + n`: can pass 2^53 with large epochs, so it is not required to be a safe integer. */
  seq: z.number().nonnegative().optional(),
  num_pgs: Count.optional(),
  num_osds: Count.optional(),
  num_per_pool_osds: Count.optional(),
  num_per_pool_omap_osds: Count.optional(),
  kb_used_data: Count.optional(),
  kb_used_omap: Count.optional(),
  kb_used_meta: Count.optional(),
  statfs: StoreStatfsSchema.optional(),
  snap_trim_queue_len: Count.optional(),
  num_snap_trimming: Count.optional(),
  num_shards_repaired: Count.optional(),
  op_queue_age_hist: z.looseObject({ histogram: z.array(Count), upper_bound: Count }).optional(),
  /** The object store's alerts, each `" osd: <id> <TYPE>:<message>"` (`BLUESTORE_SPURIOUS_READ_ERRORS`, ...). */
  alerts: z.array(z.unknown()).optional(),
  /** Heartbeat round-trip times to each peer, back and front. */
  network_ping_times: z.array(PingTimesEntrySchema).optional(),
});
/** What {@link OsdStatSchema} parses to. */
export type OsdStat = z.infer<typeof OsdStatSchema>;

/** One element of `ceph pg dump`'s `pool_statfs`: one pool's space on one OSD, in bytes. All fields optional. */
export const PoolStatfsEntrySchema = z.looseObject({
  poolid: Int.optional(),
  osd: Int.optional(),
  total: Int.optional(),
  available: Int.optional(),
  internally_reserved: Int.optional(),
  allocated: Int.optional(),
  data_stored: Int.optional(),
  data_compressed: Int.optional(),
  data_compressed_allocated: Int.optional(),
  data_compressed_original: Int.optional(),
  omap_allocated: Int.optional(),
  internal_metadata: Int.optional(),
});
/** What {@link PoolStatfsEntrySchema} parses to. */
export type PoolStatfsEntry = z.infer<typeof PoolStatfsEntrySchema>;

/** Per-pool space OSDs report (loose): a list as `ceph pg dump`'s `pool_statfs` prints it, or keyed by pool id. */
export const PoolStatfsSchema = z.union([z.array(PoolStatfsEntrySchema), z.record(z.string(), PoolStatfsEntrySchema)]);
/** What {@link PoolStatfsSchema} parses to. */
export type PoolStatfs = z.infer<typeof PoolStatfsSchema>;
