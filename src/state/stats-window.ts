import type { Draft } from 'immer';
import { swapLeaf, windowLeaf } from './digest-sum.ts';
import { diffVector, isZeroVector, type StatVector, zeroVector } from './stat-vector.ts';

/** Ceph's `mgr_tick_period`: the manager applies the PG stats it got, and measures their deltas, every 2 s. */
export const TICK_PERIOD_MS = 2000;
/** Ceph's `mon_stat_smooth_intervals`: rates are averaged over the deltas of the last 6 ticks. */
export const SMOOTH_INTERVALS = 6;

/** One tick's delta of summed PG stats, over `dt` seconds. */
export interface StatDelta {
  readonly d: StatVector;
  readonly dt: number;
}

/**
 * One pool's running sum and its last deltas (`PGMap::per_pool_sum_deltas`), measured on every tick like the
 * whole map's (real ceph-mgr's pool windows span the same seconds as its global one).
 */
export interface PoolDeltas {
  readonly sum: StatVector;
  readonly sumAtTick: StatVector;
  readonly deltas: readonly StatDelta[];
}

/**
 * The PG map's sums and the deltas Ceph's rates come from (`pg_sum_deltas`, `stamp_delta`, per pool the same).
 * Ticks fall on multiples of the tick period of stream time; they are applied when the sums are about to change (a
 * tick that changes nothing only adds a zero delta, which a reader works out from the snapshot's stamp).
 */
export interface PgDeltas {
  /** Ticks applied: Ceph's `PGMap::version`. */
  readonly version: number;
  /** The last tick applied (ms), null before the first event that counts. */
  readonly tick: number | null;
  readonly sum: StatVector;
  readonly sumAtTick: StatVector;
  readonly deltas: readonly StatDelta[];
  readonly pools: { readonly [pool: string]: PoolDeltas };
}

export function emptyDeltas(): PgDeltas {
  return { version: 0, tick: null, sum: zeroVector(), sumAtTick: zeroVector(), deltas: [], pools: {} };
}

export function emptyPoolDeltas(): PoolDeltas {
  return { sum: zeroVector(), sumAtTick: zeroVector(), deltas: [] };
}

/** What applying the ticks up to stream time `t` adds: the new deltas, and the last tick. */
export interface TickUpdate {
  readonly ticks: number;
  readonly last: number;
  readonly deltas: readonly StatDelta[];
  readonly pools: ReadonlyMap<string, readonly StatDelta[]>;
}

/** The ticks that fall in `(p.tick, t]`, and the deltas they measure. */
export function ticksUpTo(p: PgDeltas, t: number): TickUpdate | null {
  const last = Math.floor(t / TICK_PERIOD_MS) * TICK_PERIOD_MS;
  if (p.tick === null || last <= p.tick) return null;
  const ticks = (last - p.tick) / TICK_PERIOD_MS;
  const measure = (sum: StatVector, atTick: StatVector): StatDelta[] => {
    const dt = TICK_PERIOD_MS / 1000;
    // The change since the last tick lands on the first tick; only the last SMOOTH_INTERVALS ticks can matter. As
    // in Ceph's `PGMap::update_delta`, a tick whose starting sum is all zero measures nothing: the first reports
    // bring whole lifetimes of counters, not a rate.
    const out: StatDelta[] = [];
    if (ticks <= SMOOTH_INTERVALS && !isZeroVector(atTick)) out.push({ d: diffVector(sum, atTick), dt });
    const later = Math.min(ticks - 1, SMOOTH_INTERVALS);
    if (!isZeroVector(sum)) for (let i = 0; i < later; i++) out.push({ d: zeroVector(), dt });
    return out.slice(-SMOOTH_INTERVALS);
  };
  const deltas = measure(p.sum, p.sumAtTick);
  const pools = new Map<string, StatDelta[]>();
  for (const [pool, pd] of Object.entries(p.pools)) pools.set(pool, measure(pd.sum, pd.sumAtTick));
  return { ticks, last, deltas, pools };
}

/** The last `SMOOTH_INTERVALS` of `older` followed by `newer`. */
export function smoothed(older: readonly StatDelta[], newer: readonly StatDelta[]): StatDelta[] {
  return [...older, ...newer].slice(-SMOOTH_INTERVALS);
}

/** The sum of a window of deltas: what Ceph's rates divide (`pg_sum_delta` over `stamp_delta`). */
export function windowSum(deltas: readonly StatDelta[]): { d: number[]; dt: number } {
  const d = zeroVector();
  let dt = 0;
  for (const x of deltas) {
    for (let i = 0; i < d.length; i++) d[i]! += x.d[i]!;
    dt += x.dt;
  }
  return { d, dt };
}

/** Applies, in a draft, the ticks up to stream time `t`: done before the sums change, so a tick sees what came before. */
export function applyTicks(p: Draft<PgDeltas>, t: number): void {
  if (p.tick === null) {
    const before = windowLeaf(null, p as PgDeltas);
    p.tick = Math.floor(t / TICK_PERIOD_MS) * TICK_PERIOD_MS;
    swapLeaf(before, windowLeaf(null, p as PgDeltas));
    return;
  }
  const u = ticksUpTo(p as PgDeltas, t);
  if (u === null) return;
  swapLeaf(windowLeaf(null, p as PgDeltas), undefined);
  for (const pool of u.pools.keys()) swapLeaf(windowLeaf(pool, p.pools[pool] as PoolDeltas), undefined);
  p.version += u.ticks;
  p.tick = u.last;
  push(p.deltas, u.deltas);
  p.sumAtTick = p.sum;
  for (const [pool, deltas] of u.pools) {
    const pd = p.pools[pool]!;
    push(pd.deltas, deltas);
    pd.sumAtTick = pd.sum;
  }
  swapLeaf(undefined, windowLeaf(null, p as PgDeltas));
  for (const pool of u.pools.keys()) swapLeaf(undefined, windowLeaf(pool, p.pools[pool] as PoolDeltas));
}

function push(deltas: Draft<StatDelta>[], more: readonly StatDelta[]): void {
  deltas.push(...(more as Draft<StatDelta>[]));
  if (deltas.length > SMOOTH_INTERVALS) deltas.splice(0, deltas.length - SMOOTH_INTERVALS);
}
