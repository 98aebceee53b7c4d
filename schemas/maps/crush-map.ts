import { z } from 'zod';

const Int = z.number().int();

/** One device (OSD) of `ceph osd crush dump`'s `devices`. */
export const CrushDeviceSchema = z.looseObject({
  id: Int,
  name: z.string(),
  /** The device class (`hdd`, `ssd`, ...); absent when the device has none. */
  class: z.string().optional(),
});
/** What {@link CrushDeviceSchema} parses to. */
export type CrushDevice = z.infer<typeof CrushDeviceSchema>;

/** One bucket type of `ceph osd crush dump`'s `types` (`osd`, `host`, ..., `root`). */
export const CrushTypeSchema = z.looseObject({
  type_id: Int,
  name: z.string(),
});
/** What {@link CrushTypeSchema} parses to. */
export type CrushType = z.infer<typeof CrushTypeSchema>;

/** One item of a CRUSH bucket; `weight` is 16.16 fixed point (0x10000 = 1.0). */
export const CrushBucketItemSchema = z.looseObject({
  id: Int,
  weight: Int,
  pos: Int,
});
/** What {@link CrushBucketItemSchema} parses to. */
export type CrushBucketItem = z.infer<typeof CrushBucketItemSchema>;

/** One bucket of `ceph osd crush dump`'s `buckets` (ids are negative; `name~class` are shadow buckets). */
export const CrushBucketSchema = z.looseObject({
  id: Int,
  name: z.string(),
  type_id: Int,
  type_name: z.string(),
  /** 16.16 fixed point, the sum of the items' weights. */
  weight: Int,
  alg: z.string(),
  hash: z.string(),
  items: z.array(CrushBucketItemSchema),
});
/** What {@link CrushBucketSchema} parses to. */
export type CrushBucket = z.infer<typeof CrushBucketSchema>;

/** One step of a CRUSH rule (`take`, `chooseleaf_firstn`, `emit`, ...); the other fields depend on `op`. */
export const CrushRuleStepSchema = z.looseObject({
  op: z.string(),
  item: Int.optional(),
  item_name: z.string().optional(),
  num: Int.optional(),
  type: z.string().optional(),
});
/** What {@link CrushRuleStepSchema} parses to. */
export type CrushRuleStep = z.infer<typeof CrushRuleStepSchema>;

/** One rule of `ceph osd crush dump`'s `rules`. */
export const CrushRuleSchema = z.looseObject({
  rule_id: Int,
  rule_name: z.string(),
  /** 1 replicated, 3 erasure. */
  type: Int,
  steps: z.array(CrushRuleStepSchema),
  /** Gone since Quincy. */
  ruleset: Int.optional(),
  min_size: Int.optional(),
  max_size: Int.optional(),
});
/** What {@link CrushRuleSchema} parses to. */
export type CrushRule = z.infer<typeof CrushRuleSchema>;

/** `ceph osd crush dump`'s `tunables`. */
export const CrushTunablesSchema = z.looseObject({
  choose_local_tries: Int,
  choose_local_fallback_tries: Int,
  choose_total_tries: Int,
  chooseleaf_descend_once: Int,
  chooseleaf_vary_r: Int,
  chooseleaf_stable: Int,
  straw_calc_version: Int,
  allowed_bucket_algs: Int,
  profile: z.string(),
  optimal_tunables: Int,
  legacy_tunables: Int,
  minimum_required_version: z.string(),
  require_feature_tunables: Int,
  require_feature_tunables2: Int,
  has_v2_rules: Int,
  require_feature_tunables3: Int,
  has_v3_rules: Int,
  has_v4_buckets: Int,
  require_feature_tunables5: Int,
  has_v5_rules: Int,
});
/** What {@link CrushTunablesSchema} parses to. */
export type CrushTunables = z.infer<typeof CrushTunablesSchema>;

/** The CRUSH map as `ceph osd crush dump -f json` prints it (ceph-mgr's `get('osd_map_crush')`). */
export const CrushMapSchema = z.looseObject({
  devices: z.array(CrushDeviceSchema),
  types: z.array(CrushTypeSchema),
  buckets: z.array(CrushBucketSchema),
  rules: z.array(CrushRuleSchema),
  tunables: CrushTunablesSchema,
  /** Weight-set name (or pool id) -> per-bucket weight sets. */
  choose_args: z.record(z.string(), z.unknown()).optional(),
});
/** What {@link CrushMapSchema} parses to. */
export type CrushMap = z.infer<typeof CrushMapSchema>;
