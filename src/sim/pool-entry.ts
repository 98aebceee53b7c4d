import type { Pool } from '../../schemas/maps/osd-map.ts';
import { cephStamp } from '../cluster/ceph-time.ts';

/** What a pool is created with. */
export interface PoolSpec {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  readonly minSize: number;
  readonly pgNum: number;
  readonly application: string;
  readonly epoch: number;
  readonly createdMs: number;
}

/** One pool as `ceph osd dump` prints it (every field, in Ceph's order). */
export function poolEntry(p: PoolSpec): Pool {
  return {
    pool: p.id,
    pool_name: p.name,
    create_time: cephStamp(p.createdMs),
    flags: 1,
    flags_names: 'hashpspool',
    type: 1,
    size: p.size,
    min_size: p.minSize,
    crush_rule: 0,
    peering_crush_bucket_count: 0,
    peering_crush_bucket_target: 0,
    peering_crush_bucket_barrier: 0,
    peering_crush_bucket_mandatory_member: 2147483647,
    object_hash: 2,
    pg_autoscale_mode: 'on',
    pg_num: p.pgNum,
    pg_placement_num: p.pgNum,
    pg_placement_num_target: p.pgNum,
    pg_num_target: p.pgNum,
    pg_num_pending: p.pgNum,
    last_pg_merge_meta: {
      source_pgid: '0.0',
      ready_epoch: 0,
      last_epoch_started: 0,
      last_epoch_clean: 0,
      source_version: "0'0",
      target_version: "0'0",
    },
    last_change: String(p.epoch),
    last_force_op_resend: '0',
    last_force_op_resend_prenautilus: '0',
    last_force_op_resend_preluminous: '0',
    auid: 0,
    snap_mode: 'selfmanaged',
    snap_seq: 0,
    snap_epoch: 0,
    pool_snaps: [],
    removed_snaps: '[]',
    quota_max_bytes: 0,
    quota_max_objects: 0,
    tiers: [],
    tier_of: -1,
    read_tier: -1,
    write_tier: -1,
    cache_mode: 'none',
    target_max_bytes: 0,
    target_max_objects: 0,
    cache_target_dirty_ratio_micro: 400000,
    cache_target_dirty_high_ratio_micro: 600000,
    cache_target_full_ratio_micro: 800000,
    cache_min_flush_age: 0,
    cache_min_evict_age: 0,
    erasure_code_profile: '',
    hit_set_params: { type: 'none' },
    hit_set_period: 0,
    hit_set_count: 0,
    use_gmt_hitset: true,
    min_read_recency_for_promote: 0,
    min_write_recency_for_promote: 0,
    hit_set_grade_decay_rate: 0,
    hit_set_search_last_n: 0,
    grade_table: [],
    stripe_width: 0,
    expected_num_objects: 0,
    fast_read: false,
    options: {},
    application_metadata: { [p.application]: {} },
  };
}
