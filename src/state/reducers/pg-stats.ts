import type { Draft } from 'immer';
import type { PgStat } from '../../../schemas/daemon/index.ts';
import type { ClusterState } from '../cluster-state.ts';
import { dataKey, own } from '../data-key.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { pgLeaf, pgPoolLeaf, reporterLeaf, sumLeaf, swapLeaf, windowLeaf } from '../digest-sum.ts';
import { draftTableOrder, draftTableSet, heldTableValue } from '../keyed-table.ts';
import { BUCKET_SIZE, bucketOf, emptyBucket, poolOfPgid, poolPgCount, seedOfPgid, slotOf } from '../pg-table.ts';
import { addVector, pgStatVector, zeroVector } from '../stat-vector.ts';
import { applyTicks, emptyPoolDeltas, type PgDeltas } from '../stats-window.ts';
import type { Reducer } from './reducer.ts';
import { replacedValue } from './replaced-value.ts';

/** `pg_stat_t::get_version_pair`: which of two reports of a PG is the newer. */
function versionPair(s: PgStat): [number, number] {
  return [Number(s.reported_epoch), Number(s.reported_seq)];
}

function isOlder(a: PgStat, b: PgStat): boolean {
  const [ea, sa] = versionPair(a);
  const [eb, sb] = versionPair(b);
  return ea < eb || (ea === eb && sa < sb);
}

/** `a + b * sign` as a new vector: the sums are replaced, not written element by element through the draft. */
function plus(a: readonly number[], b: readonly number[], sign: number): number[] {
  const out = a.slice();
  addVector(out, b, sign);
  return out;
}

/** Adds a per-pool change to the running sums. */
export function addToSums(deltas: Draft<PgDeltas>, pool: string, v: readonly number[], sign = 1): void {
  let pd = own(deltas.pools, pool);
  if (pd === undefined) {
    const fresh = emptyPoolDeltas();
    swapLeaf(undefined, sumLeaf(pool, fresh.sum));
    swapLeaf(undefined, windowLeaf(pool, fresh));
    deltas.pools[pool] = fresh as Draft<PgDeltas['pools'][string]>;
    pd = own(deltas.pools, pool)!;
  }
  pd.sum = movedSum(pool, replacedValue<number[]>(pd, 'sum')!, v, sign);
  deltas.sum = movedSum(null, replacedValue<number[]>(deltas, 'sum')!, v, sign);
}

/** A running sum moved by `v * sign`, its leaf swapped in the digest sum. */
function movedSum(pool: string | null, held: readonly number[], v: readonly number[], sign: number): number[] {
  const next = plus(held, v, sign);
  swapLeaf(sumLeaf(pool, held), sumLeaf(pool, next));
  return next;
}

/** The stats a pool's table holds now (a draft's buckets read as they are, none drafted). */
function heldStats(byPool: object): PgStat[] {
  const out: PgStat[] = [];
  const n = (byPool as { length: number }).length;
  for (let b = 0; b < n; b++) {
    const bucket = Object.getOwnPropertyDescriptor(byPool, b)?.value as object | null | undefined;
    if (bucket === null || bucket === undefined) continue;
    for (let slot = 0; slot < BUCKET_SIZE; slot++) {
      const stat = replacedValue<PgStat | null>(bucket, slot);
      if (stat !== null && stat !== undefined) out.push(stat);
    }
  }
  return out;
}

/**
 * One OSD's stats report (Ceph's `MPGStats`, as `ClusterState::ingest_pgstats` takes it): the PGs it is primary
 * for get its stats, unless the OSD map has no such PG (pool gone, seed beyond `pg_num`) or a newer report of the
 * PG came first; its own stat replaces the one it sent before. PGs are kept per pool so that one report copies
 * only the pools it touches, and the running sums move by what changed.
 */
export const reducePgStats: Reducer<'pg_stats'> = (draft, event) => {
  for (let i = 0; i < event.pg_stats.length; i++) dataKey(poolOfPgid(event.pg_stats[i]!.pgid), ['pg_stats', i, 'pgid']);
  const stats = draft.pgStats;
  applyTicks(stats.deltas, event.t);
  const osdMap = draft.maps.osd_map?.map;
  const pgNum = osdMap === undefined ? null : new Map(osdMap.pools.map((p) => [String(p.pool), p.pg_num]));
  const pools = stats.pgs as Draft<Record<string, Array<Array<PgStat | null> | null>>>;
  const changes = new Map<string, number[]>();
  const pgids: string[] = [];
  for (const stat of event.pg_stats) {
    const pool = poolOfPgid(stat.pgid);
    const seed = seedOfPgid(stat.pgid);
    if (pgNum !== null) {
      const n = pgNum.get(pool);
      if (n === undefined || seed >= n) continue;
    }
    const b = bucketOf(seed);
    const slot = slotOf(seed);
    // The stats held are never changed in place: read without drafting them.
    const inBucket = own(pools, pool)?.[b];
    const prev =
      inBucket === null || inBucket === undefined
        ? undefined
        : (replacedValue<PgStat | null>(inBucket, slot) ?? undefined);
    if (prev !== undefined && isOlder(stat, prev)) continue;
    let change = changes.get(pool);
    if (change === undefined) {
      change = zeroVector();
      changes.set(pool, change);
    }
    addVector(change, pgStatVector(stat));
    if (prev !== undefined) addVector(change, pgStatVector(prev), -1);
    let inPool = own(pools, pool);
    if (inPool === undefined) {
      pools[pool] = [];
      swapLeaf(undefined, pgPoolLeaf(pool));
      inPool = own(pools, pool)!;
    }
    while (inPool.length <= b) inPool.push(null);
    let bucket = inPool[b];
    if (bucket === null || bucket === undefined) {
      inPool[b] = emptyBucket() as Draft<Array<PgStat | null>>;
      bucket = inPool[b]!;
    }
    bucket[slot] = deepFreeze(stat) as Draft<PgStat>;
    swapLeaf(prev === undefined ? undefined : pgLeaf(prev), pgLeaf(stat));
    pgids.push(stat.pgid);
  }
  for (const [pool, v] of changes) addToSums(stats.deltas, pool, v);
  // A report is replaced whole and frozen here, so that finalising the snapshot does not walk it.
  const held = heldTableValue(stats.reporters, event.reporter);
  const report = deepFreeze({
    epoch: event.epoch,
    stamp: event.t,
    pgids,
    osdStat: event.osd_stat ?? held?.osdStat ?? null,
    poolStatfs: event.pool_statfs ?? null,
  });
  draftTableSet(stats.reporters, event.reporter, report);
  const order = draftTableOrder(stats.reporters, event.reporter);
  swapLeaf(
    held === undefined ? undefined : reporterLeaf(event.reporter, order, held),
    reporterLeaf(event.reporter, order, report),
  );
};

interface PoolPgNum {
  readonly pool: number;
  readonly pg_num: number;
}

/**
 * What the PG map drops when a new OSD map arrives (`PGMapUpdater::check_osd_map`): the PGs of deleted pools, and
 * of a pool whose `pg_num` went down, those past it; the running sums lose what they added.
 */
export function dropGonePgs(
  draft: Draft<ClusterState>,
  pools: ReadonlyArray<PoolPgNum>,
  prevPools: ReadonlyArray<PoolPgNum> | undefined,
  t: number,
): void {
  const stats = draft.pgStats;
  const pgNum = new Map(pools.map((p) => [String(p.pool), p.pg_num]));
  const prevPgNum = new Map((prevPools ?? []).map((p) => [String(p.pool), p.pg_num]));
  let ticked = false;
  const tick = () => {
    if (!ticked) applyTicks(stats.deltas, t);
    ticked = true;
  };
  for (const pool of Object.keys(stats.pgs)) {
    const n = pgNum.get(pool);
    const byPool = stats.pgs[pool] as Draft<Array<Array<PgStat | null> | null>>;
    if (n === undefined) {
      tick();
      const pd = stats.deltas.pools[pool];
      if (pd !== undefined) {
        const poolSum = replacedValue<number[]>(pd, 'sum')!;
        stats.deltas.sum = movedSum(null, replacedValue<number[]>(stats.deltas, 'sum')!, poolSum, -1);
        swapLeaf(sumLeaf(pool, poolSum), undefined);
        swapLeaf(windowLeaf(pool, pd as PgDeltas['pools'][string]), undefined);
      }
      for (const stat of heldStats(byPool)) swapLeaf(pgLeaf(stat), undefined);
      swapLeaf(pgPoolLeaf(pool), undefined);
      delete stats.deltas.pools[pool];
      delete stats.pgs[pool];
      continue;
    }
    const before = prevPgNum.get(pool);
    if (before !== undefined && before <= n) continue;
    if (poolPgCount(byPool) <= n) continue;
    for (let b = bucketOf(n); b < byPool.length; b++) {
      const bucket = byPool[b];
      if (bucket === null || bucket === undefined) continue;
      for (let slot = 0; slot < bucket.length; slot++) {
        const stat = replacedValue<PgStat | null>(bucket, slot);
        if (stat === null || stat === undefined || b * BUCKET_SIZE + slot < n) continue;
        tick();
        addToSums(stats.deltas, pool, pgStatVector(stat), -1);
        swapLeaf(pgLeaf(stat), undefined);
        bucket[slot] = null;
      }
    }
  }
}
