import type { ClusterState } from '../cluster-state.ts';
import type { PoolStat } from '../pool-stat.ts';
import { floorVector, type StatVector, sumIndex, vectorPoolStat } from '../stat-vector.ts';
import { type PgDeltas, type StatDelta, smoothed, ticksUpTo, windowSum } from '../stats-window.ts';

/** A window's summed delta and its length in seconds (Ceph's `pg_sum_delta` and `stamp_delta`). */
export interface RateWindow {
  readonly d: StatVector;
  readonly dt: number;
}

/** The PG map as of the snapshot's stream time: the ticks that fell since the last applied one are counted too. */
export interface DeltasAt {
  readonly version: number;
  /** The last tick (ms), null before any. */
  readonly tick: number | null;
  readonly global: RateWindow;
  readonly pools: ReadonlyMap<number, RateWindow>;
}

const memo = new WeakMap<PgDeltas, Map<number, DeltasAt>>();

/**
 * The rate windows at the snapshot's stamp: the stored deltas plus those of the ticks the stream clock has passed
 * since (a tick that changed nothing adds a zero delta, so rates fall to zero when reports stop changing anything).
 */
export function deltasAt(s: ClusterState): DeltasAt {
  const p = s.pgStats.deltas;
  let byStamp = memo.get(p);
  if (byStamp === undefined) {
    byStamp = new Map();
    memo.set(p, byStamp);
  }
  let v = byStamp.get(s.stamp);
  if (v === undefined) {
    const u = ticksUpTo(p, s.stamp);
    const pools = new Map<number, RateWindow>();
    for (const [pool, pd] of Object.entries(p.pools)) {
      const extra = u?.pools.get(pool);
      pools.set(Number(pool), windowSum(extra === undefined ? pd.deltas : smoothed(pd.deltas, extra)));
    }
    v = {
      version: p.version + (u?.ticks ?? 0),
      tick: u?.last ?? p.tick,
      global: windowSum(u === null ? p.deltas : smoothed(p.deltas, u.deltas)),
      pools,
    };
    if (byStamp.size > 8) byStamp.clear();
    byStamp.set(s.stamp, v);
  }
  return v;
}

/** `utime_t`'s stream form of a duration: seconds with six decimals. */
export function formatDuration(seconds: number): string {
  return seconds.toFixed(6);
}

const I = {
  objectsRecovered: sumIndex('num_objects_recovered'),
  bytesRecovered: sumIndex('num_bytes_recovered'),
  keysRecovered: sumIndex('num_keys_recovered'),
  read: sumIndex('num_read'),
  readKb: sumIndex('num_read_kb'),
  write: sumIndex('num_write'),
  writeKb: sumIndex('num_write_kb'),
  flush: sumIndex('num_flush'),
  flushKb: sumIndex('num_flush_kb'),
  evict: sumIndex('num_evict'),
  evictKb: sumIndex('num_evict_kb'),
  promote: sumIndex('num_promote'),
  flushModeHigh: sumIndex('num_flush_mode_high'),
  flushModeLow: sumIndex('num_flush_mode_low'),
  evictModeSome: sumIndex('num_evict_mode_some'),
  evictModeFull: sumIndex('num_evict_mode_full'),
};

/** Ceph casts each rate to `int64_t`: truncation toward zero. */
function perSec(n: number, dt: number): number {
  return Math.trunc(n / dt);
}

/** `PGMapDigest::recovery_rate_summary` with a formatter: nothing unless something was recovered in the window. */
export function recoveryRate(w: RateWindow): Record<string, number> {
  const d = floorVector(w.d);
  const objects = d[I.objectsRecovered]!;
  const bytes = d[I.bytesRecovered]!;
  const keys = d[I.keysRecovered]!;
  if (!objects && !bytes && !keys) return {};
  return {
    recovering_objects_per_sec: perSec(objects, w.dt),
    recovering_bytes_per_sec: perSec(bytes, w.dt),
    recovering_keys_per_sec: perSec(keys, w.dt),
    num_objects_recovered: objects,
    num_bytes_recovered: bytes,
    num_keys_recovered: keys,
  };
}

/** `PGMapDigest::client_io_rate_summary` with a formatter. */
export function clientIoRate(w: RateWindow): Record<string, number> {
  const d = floorVector(w.d);
  const rd = d[I.read]!;
  const wr = d[I.write]!;
  if (!rd && !wr) return {};
  const out: Record<string, number> = {};
  if (rd) out.read_bytes_sec = perSec(d[I.readKb]! * 1024, w.dt);
  if (wr) out.write_bytes_sec = perSec(d[I.writeKb]! * 1024, w.dt);
  out.read_op_per_sec = perSec(rd, w.dt);
  out.write_op_per_sec = perSec(wr, w.dt);
  return out;
}

/** `PGMapDigest::cache_io_rate_summary` with a formatter. */
export function cacheIoRate(w: RateWindow): Record<string, number> {
  const d = floorVector(w.d);
  const out: Record<string, number> = {};
  if (d[I.flush]) out.flush_bytes_sec = perSec(d[I.flushKb]! * 1024, w.dt);
  if (d[I.evict]) out.evict_bytes_sec = perSec(d[I.evictKb]! * 1024, w.dt);
  if (d[I.promote]) out.promote_op_per_sec = perSec(d[I.promote]!, w.dt);
  if (d[I.flushModeHigh]) out.num_flush_mode_high = d[I.flushModeHigh]!;
  if (d[I.flushModeLow]) out.num_flush_mode_low = d[I.flushModeLow]!;
  if (d[I.evictModeSome]) out.num_evict_mode_some = d[I.evictModeSome]!;
  if (d[I.evictModeFull]) out.num_evict_mode_full = d[I.evictModeFull]!;
  return out;
}

/** `PGMap::dump_delta`'s object: the window's summed delta and its length. */
export function dumpDelta(w: RateWindow): PoolStat & { readonly stamp_delta: string } {
  return { ...vectorPoolStat(w.d), stamp_delta: formatDuration(w.dt) };
}

const ioMemo = new WeakMap<DeltasAt, { readonly pg_stats_delta: ReturnType<typeof dumpDelta> }>();

/** `get('io_rate')`: the PG map's delta over the rate window (`PGMap::dump_delta`). */
export function ioRateView(s: ClusterState): { readonly pg_stats_delta: ReturnType<typeof dumpDelta> } {
  const at = deltasAt(s);
  let v = ioMemo.get(at);
  if (v === undefined) {
    v = Object.freeze({ pg_stats_delta: Object.freeze(dumpDelta(at.global)) });
    ioMemo.set(at, v);
  }
  return v;
}

export type { StatDelta };
