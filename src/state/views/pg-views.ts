import type { PgStat } from '../../../schemas/daemon/index.ts';
import type { ClusterState } from '../cluster-state.ts';
import { zeroStatSum } from '../pool-stat.ts';
import { deepFreeze, type PgMapSums, pgMapSums } from './pg-summary.ts';

const ZERO_STAMP = '0.000000';

/** A default `pg_stat_t` as Ceph dumps it: what the PG map holds for a PG no OSD has reported yet. */
function unknownPgStat(pgid: string): PgStat {
  return {
    pgid,
    version: "0'0",
    reported_seq: 0,
    reported_epoch: 0,
    state: 'unknown',
    last_fresh: ZERO_STAMP,
    last_change: ZERO_STAMP,
    last_active: ZERO_STAMP,
    last_peered: ZERO_STAMP,
    last_clean: ZERO_STAMP,
    last_became_active: ZERO_STAMP,
    last_became_peered: ZERO_STAMP,
    last_unstale: ZERO_STAMP,
    last_undegraded: ZERO_STAMP,
    last_fullsized: ZERO_STAMP,
    mapping_epoch: 0,
    log_start: "0'0",
    ondisk_log_start: "0'0",
    created: 0,
    last_epoch_clean: 0,
    parent: '0.0',
    parent_split_bits: 0,
    last_scrub: "0'0",
    last_scrub_stamp: ZERO_STAMP,
    last_deep_scrub: "0'0",
    last_deep_scrub_stamp: ZERO_STAMP,
    last_clean_scrub_stamp: ZERO_STAMP,
    log_size: 0,
    ondisk_log_size: 0,
    stats_invalid: false,
    dirty_stats_invalid: false,
    omap_stats_invalid: false,
    hitset_stats_invalid: false,
    hitset_bytes_stats_invalid: false,
    pin_stats_invalid: false,
    manifest_stats_invalid: false,
    snaptrimq_len: 0,
    stat_sum: zeroStatSum(),
    up: [],
    acting: [],
    avail_no_missing: [],
    object_location_counts: [],
    blocked_by: [],
    up_primary: -1,
    acting_primary: -1,
    purged_snaps: [],
  };
}

const pgStatsMemo = new WeakMap<PgMapSums, { readonly pg_stats: readonly PgStat[] }>();

/**
 * `get('pg_stats')`: every PG of the manager's PG map, by pool then seed: the latest stats reported for it, its
 * state marked `stale` while its acting primary is down, and a default entry in state `unknown` for a PG no OSD has
 * reported yet. Built once per PG-map aggregate, so snapshots that changed neither PG stats nor the OSD map share it.
 */
export function pgStatsView(s: ClusterState): { readonly pg_stats: readonly PgStat[] } {
  const sums = pgMapSums(s);
  let v = pgStatsMemo.get(sums);
  if (v === undefined) {
    const list = sums.pgs.map((e) => {
      if (e.stat === null) return deepFreeze(unknownPgStat(e.pgid));
      return e.state === e.stat.state ? e.stat : Object.freeze({ ...e.stat, state: e.state });
    });
    v = Object.freeze({ pg_stats: Object.freeze(list) });
    pgStatsMemo.set(sums, v);
  }
  return v;
}

export const PG_VIEWS = {
  pg_stats: pgStatsView,
} as const;
