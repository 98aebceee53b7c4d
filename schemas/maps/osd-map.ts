import { z } from 'zod';
import { EntityAddrVecSchema } from './mon-map.ts';

const Int = z.number().int();
const Epoch = z.number().int().nonnegative();

/** One pool of `ceph osd dump`'s `pools` (Ceph's `pg_pool_t::dump` plus `pool` and `pool_name`). */
export const PoolSchema = z.looseObject({
  pool: Int,
  pool_name: z.string(),
  flags: Int.optional(),
  flags_names: z.string().optional(),
  /** 1 replicated, 3 erasure. */
  type: Int.optional(),
  size: Int,
  min_size: Int,
  crush_rule: Int,
  object_hash: Int.optional(),
  pg_num: Int,
  pg_placement_num: Int.optional(),
  /** An epoch, but Ceph prints it as a string (`"15"`). */
  last_change: z.union([z.string(), Int]).optional(),
  quota_max_bytes: Int.optional(),
  quota_max_objects: Int.optional(),
  tiers: z.array(Int).optional(),
  tier_of: Int.optional(),
  read_tier: Int.optional(),
  write_tier: Int.optional(),
  cache_mode: z.string().optional(),
  erasure_code_profile: z.string().optional(),
  stripe_width: Int.optional(),
  /** Pool options that are set: integers, floats or strings by option. */
  options: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  /** Application name -> its key/value metadata (`{"rbd": {}}`). */
  application_metadata: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  create_time: z.string().optional(),
  peering_crush_bucket_count: Int.optional(),
  peering_crush_bucket_target: Int.optional(),
  peering_crush_bucket_barrier: Int.optional(),
  peering_crush_bucket_mandatory_member: Int.optional(),
  pg_autoscale_mode: z.string().optional(),
  pg_placement_num_target: Int.optional(),
  pg_num_target: Int.optional(),
  pg_num_pending: Int.optional(),
  last_pg_merge_meta: z
    .looseObject({
      source_pgid: z.string(),
      ready_epoch: Epoch,
      last_epoch_started: Epoch,
      last_epoch_clean: Epoch,
      source_version: z.string(),
      target_version: z.string(),
    })
    .optional(),
  /** Epochs printed as strings, like `last_change`. */
  last_force_op_resend: z.string().optional(),
  last_force_op_resend_prenautilus: z.string().optional(),
  last_force_op_resend_preluminous: z.string().optional(),
  auid: Int.optional(),
  snap_mode: z.string().optional(),
  snap_seq: Int.optional(),
  snap_epoch: Epoch.optional(),
  pool_snaps: z
    .array(z.looseObject({ snapid: Int.optional(), stamp: z.string().optional(), name: z.string().optional() }))
    .optional(),
  /** An interval set printed as a string (`"[]"`). */
  removed_snaps: z.string().optional(),
  target_max_bytes: Int.optional(),
  target_max_objects: Int.optional(),
  cache_target_dirty_ratio_micro: Int.optional(),
  cache_target_dirty_high_ratio_micro: Int.optional(),
  cache_target_full_ratio_micro: Int.optional(),
  cache_min_flush_age: Int.optional(),
  cache_min_evict_age: Int.optional(),
  hit_set_params: z.looseObject({ type: z.string() }).optional(),
  hit_set_period: Int.optional(),
  hit_set_count: Int.optional(),
  use_gmt_hitset: z.boolean().optional(),
  min_read_recency_for_promote: Int.optional(),
  min_write_recency_for_promote: Int.optional(),
  hit_set_grade_decay_rate: Int.optional(),
  hit_set_search_last_n: Int.optional(),
  grade_table: z.array(Int).optional(),
  expected_num_objects: Int.optional(),
  fast_read: z.boolean().optional(),
});
/** What {@link PoolSchema} parses to. */
export type Pool = z.infer<typeof PoolSchema>;

/** One OSD of `ceph osd dump`'s `osds`. */
export const OsdSchema = z.looseObject({
  osd: Int,
  uuid: z.string().optional(),
  /** 1 when up, 0 when down. */
  up: z.literal([0, 1]),
  /** 1 when in, 0 when out. */
  in: z.literal([0, 1]),
  /** The reweight, 0..1 (0 when out). */
  weight: z.number(),
  primary_affinity: z.number().optional(),
  last_clean_begin: Epoch.optional(),
  last_clean_end: Epoch.optional(),
  up_from: Epoch.optional(),
  up_thru: Epoch.optional(),
  down_at: Epoch.optional(),
  lost_at: Epoch.optional(),
  public_addr: z.string().optional(),
  cluster_addr: z.string().optional(),
  heartbeat_back_addr: z.string().optional(),
  heartbeat_front_addr: z.string().optional(),
  /** `exists`, `up`, `destroyed`, `noout`, ... */
  state: z.array(z.string()).optional(),
  public_addrs: EntityAddrVecSchema.optional(),
  cluster_addrs: EntityAddrVecSchema.optional(),
  heartbeat_back_addrs: EntityAddrVecSchema.optional(),
  heartbeat_front_addrs: EntityAddrVecSchema.optional(),
});
/** What {@link OsdSchema} parses to. */
export type Osd = z.infer<typeof OsdSchema>;

/** One element of `ceph osd dump`'s `osd_xinfo`. */
export const OsdXinfoSchema = z.looseObject({
  osd: Int,
  down_stamp: z.string(),
  laggy_probability: z.number(),
  laggy_interval: Int,
  /** A 64-bit feature mask: larger than 2^53, so JSON.parse rounds it; not an exact integer in JS. */
  features: z.number(),
  old_weight: Int,
  last_purged_snaps_scrub: z.string().optional(),
  dead_epoch: Epoch.optional(),
});
/** What {@link OsdXinfoSchema} parses to. */
export type OsdXinfo = z.infer<typeof OsdXinfoSchema>;

/** One element of `ceph osd dump`'s `pg_temp` (and the shape of `pg_upmap`'s elements). */
export const PgTempSchema = z.looseObject({
  pgid: z.string(),
  osds: z.array(Int),
});
/** What {@link PgTempSchema} parses to. */
export type PgTemp = z.infer<typeof PgTempSchema>;

/** One element of `ceph osd dump`'s `pg_upmap_items`. */
export const PgUpmapItemsSchema = z.looseObject({
  pgid: z.string(),
  mappings: z.array(z.looseObject({ from: Int, to: Int })),
});
/** What {@link PgUpmapItemsSchema} parses to. */
export type PgUpmapItems = z.infer<typeof PgUpmapItemsSchema>;

/** One pool's snap intervals in `removed_snaps_queue`, `new_removed_snaps`, `new_purged_snaps`. */
export const PoolSnapIntervalsSchema = z.looseObject({
  pool: Int,
  snaps: z.array(z.looseObject({ begin: Int, length: Int })),
});
/** What {@link PoolSnapIntervalsSchema} parses to. */
export type PoolSnapIntervals = z.infer<typeof PoolSnapIntervalsSchema>;

/** The OSD map as `ceph osd dump -f json` prints it (and as ceph-mgr's `get('osd_map')` returns it). */
export const OsdMapSchema = z.looseObject({
  epoch: Epoch,
  fsid: z.string(),
  created: z.string().optional(),
  modified: z.string().optional(),
  /** Comma-separated flag names (`"noout,sortbitwise"`). */
  flags: z.string().optional(),
  full_ratio: z.number().optional(),
  backfillfull_ratio: z.number().optional(),
  nearfull_ratio: z.number().optional(),
  pool_max: Int.optional(),
  max_osd: Int.optional(),
  require_osd_release: z.string().optional(),
  pools: z.array(PoolSchema),
  osds: z.array(OsdSchema),
  osd_xinfo: z.array(OsdXinfoSchema).optional(),
  pg_upmap: z.array(PgTempSchema).optional(),
  pg_upmap_items: z.array(PgUpmapItemsSchema).optional(),
  pg_temp: z.array(PgTempSchema).optional(),
  /**
   * Ceph dumps each primary_temp entry's `pgid` and `osd` straight into the array, without an object around
   * them, so this is a flat list: `["1.0", 3, "1.7", 2]`.
   */
  primary_temp: z.array(z.union([z.string(), Int])).optional(),
  /** Profile name -> its key/value settings (all strings, `"k": "2"`). */
  erasure_code_profiles: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  last_up_change: z.string().optional(),
  last_in_change: z.string().optional(),
  flags_num: Int.optional(),
  flags_set: z.array(z.string()).optional(),
  crush_version: Int.optional(),
  cluster_snapshot: z.string().optional(),
  require_min_compat_client: z.string().optional(),
  min_compat_client: z.string().optional(),
  /** Address -> expiry stamp. Pacific calls it `blocklist`; earlier releases `blacklist`. */
  blocklist: z.record(z.string(), z.string()).optional(),
  blacklist: z.record(z.string(), z.string()).optional(),
  range_blocklist: z.record(z.string(), z.string()).optional(),
  removed_snaps_queue: z.array(PoolSnapIntervalsSchema).optional(),
  new_removed_snaps: z.array(PoolSnapIntervalsSchema).optional(),
  new_purged_snaps: z.array(PoolSnapIntervalsSchema).optional(),
  crush_node_flags: z.record(z.string(), z.unknown()).optional(),
  device_class_flags: z.record(z.string(), z.unknown()).optional(),
  stretch_mode: z
    .looseObject({
      stretch_mode_enabled: z.boolean(),
      stretch_bucket_count: Int,
      degraded_stretch_mode: Int,
      recovering_stretch_mode: Int,
      stretch_mode_bucket: Int,
    })
    .optional(),
});
/** What {@link OsdMapSchema} parses to. */
export type OsdMap = z.infer<typeof OsdMapSchema>;
