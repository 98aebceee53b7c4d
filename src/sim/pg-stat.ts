import type { PgStat } from '../../schemas/daemon/pg-stats.ts';
import { cephStamp } from '../cluster/ceph-time.ts';
import { PG, pgStateString } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';

/** PG log entries a PG keeps (`osd_min_pg_log_entries`-ish once trimmed). */
const LOG_ENTRIES = 3000;

/** Ceph prints a zero `utime_t` as `0.000000`. */
function stamp(ms: number): string {
  return ms === 0 ? '0.000000' : cephStamp(ms);
}

function slice(set: Int32Array, base: number, len: number): number[] {
  const out = new Array<number>(len);
  for (let j = 0; j < len; j++) out[j] = set[base + j]!;
  return out;
}

/**
 * One PG's stats as its primary reports them: an element of `ceph pg dump`'s `pg_stats`, every field in Ceph's
 * order. The `last_*` stamps read "now" while the PG is in that condition, and the stored time of the change when
 * it is not. The caller bumps `reported_seq` when the PG is really reported.
 */
export function pgStatOf(pool: PoolPgs, ps: number, now: number, epoch: number): PgStat {
  const c = pool.cols;
  const bits = c.state[ps]!;
  const active = (bits & PG.ACTIVE) !== 0;
  const clean = (bits & PG.CLEAN) !== 0;
  const objects = c.objects[ps]!;
  const writes = c.writes[ps]!;
  const logSize = Math.min(writes, LOG_ENTRIES);
  const version = `${c.versionEpoch[ps]}'${writes}`;
  const up = slice(pool.sets.up, ps * pool.stride, c.upLen[ps]!);
  const acting = slice(pool.sets.acting, ps * pool.stride, c.actingLen[ps]!);
  const parent = c.parent[ps]!;
  const degraded = c.degraded[ps]!;
  return {
    pgid: pool.pgid(ps),
    version,
    reported_seq: c.reportedSeq[ps]!,
    reported_epoch: epoch,
    state: pgStateString(bits),
    last_fresh: stamp(now),
    last_change: stamp(c.lastChange[ps]!),
    last_active: stamp(active ? now : c.lastActive[ps]!),
    last_peered: stamp(active || (bits & PG.PEERED) !== 0 ? now : c.lastActive[ps]!),
    last_clean: stamp(clean ? now : c.lastClean[ps]!),
    last_became_active: stamp(c.lastBecameActive[ps]!),
    last_became_peered: stamp(c.lastBecameActive[ps]!),
    last_unstale: stamp(now),
    last_undegraded: stamp((bits & PG.DEGRADED) !== 0 ? c.lastUndegraded[ps]! : now),
    last_fullsized: stamp((bits & PG.UNDERSIZED) !== 0 ? c.lastFullsized[ps]! : now),
    mapping_epoch: c.mappingEpoch[ps]!,
    log_start: writes > LOG_ENTRIES ? `${c.versionEpoch[ps]}'${writes - LOG_ENTRIES}` : "0'0",
    ondisk_log_start: writes > LOG_ENTRIES ? `${c.versionEpoch[ps]}'${writes - LOG_ENTRIES}` : "0'0",
    created: c.created[ps]!,
    last_epoch_clean: c.lastEpochClean[ps]!,
    parent: parent >= 0 ? pool.pgid(parent) : '0.0',
    parent_split_bits: c.parentSplitBits[ps]!,
    last_scrub: `${c.created[ps]}'${c.scrubWrites[ps]}`,
    last_scrub_stamp: stamp(c.scrubStamp[ps]!),
    last_deep_scrub: `${c.created[ps]}'${c.scrubWrites[ps]}`,
    last_deep_scrub_stamp: stamp(c.deepScrubStamp[ps]!),
    last_clean_scrub_stamp: stamp(c.scrubStamp[ps]!),
    log_size: logSize,
    ondisk_log_size: logSize,
    stats_invalid: false,
    dirty_stats_invalid: false,
    omap_stats_invalid: false,
    hitset_stats_invalid: false,
    hitset_bytes_stats_invalid: false,
    pin_stats_invalid: false,
    manifest_stats_invalid: false,
    snaptrimq_len: 0,
    stat_sum: {
      num_bytes: c.bytes[ps]!,
      num_objects: objects,
      num_object_clones: 0,
      num_object_copies: objects * pool.size,
      num_objects_missing_on_primary: 0,
      num_objects_missing: 0,
      num_objects_degraded: degraded,
      num_objects_misplaced: c.misplaced[ps]!,
      num_objects_unfound: c.unfound[ps]!,
      num_objects_dirty: objects,
      num_whiteouts: 0,
      num_read: c.reads[ps]!,
      num_read_kb: c.readKb[ps]!,
      num_write: writes,
      num_write_kb: c.writeKb[ps]!,
      num_scrub_errors: c.scrubErrors[ps]!,
      num_shallow_scrub_errors: 0,
      num_deep_scrub_errors: c.scrubErrors[ps]!,
      num_objects_recovered: c.recoveredObjects[ps]!,
      num_bytes_recovered: c.recoveredBytes[ps]!,
      num_keys_recovered: 0,
      num_objects_omap: 0,
      num_objects_hit_set_archive: 0,
      num_bytes_hit_set_archive: 0,
      num_flush: 0,
      num_flush_kb: 0,
      num_evict: 0,
      num_evict_kb: 0,
      num_promote: 0,
      num_flush_mode_high: 0,
      num_flush_mode_low: 0,
      num_evict_mode_some: 0,
      num_evict_mode_full: 0,
      num_objects_pinned: 0,
      num_legacy_snapsets: 0,
      num_large_omap_objects: 0,
      num_objects_manifest: 0,
      num_omap_bytes: 0,
      num_omap_keys: 0,
      num_objects_repaired: c.repaired[ps]!,
    },
    up,
    acting,
    avail_no_missing: acting.map(String),
    object_location_counts:
      clean || acting.length === 0 ? [] : [{ shards: acting.join(','), objects: Math.max(0, objects - degraded) }],
    blocked_by: [],
    up_primary: up[0] ?? -1,
    acting_primary: acting[0] ?? -1,
    purged_snaps: [],
  };
}
