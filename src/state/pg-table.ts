import type { PgStat } from '../../schemas/daemon/index.ts';

/**
 * PG stats by pool, then by bucket of 64 consecutive seeds, each bucket an array indexed by the seed's low bits
 * (`null` where no PG is held). A report touches a few buckets and a snapshot copies only those; arrays because
 * copying and freezing them is a block copy, where an object keyed by PG id is a dictionary walked key by key.
 */
export type PgTable = { readonly [pool: string]: PoolPgs };
export type PoolPgs = ReadonlyArray<PgBucket | null>;
export type PgBucket = ReadonlyArray<PgStat | null>;

const BUCKET_BITS = 6;
/** Seeds per bucket. */
export const BUCKET_SIZE = 1 << BUCKET_BITS;

/** The pool of a PG id `<pool>.<hex seed>`. */
export function poolOfPgid(pgid: string): string {
  const dot = pgid.indexOf('.');
  return dot < 0 ? pgid : pgid.slice(0, dot);
}

/** A PG id's seed (`"3.1f"` → 31). */
export function seedOfPgid(pgid: string): number {
  return Number.parseInt(pgid.slice(pgid.indexOf('.') + 1), 16);
}

/** The bucket of a seed within its pool. */
export function bucketOf(seed: number): number {
  return seed >>> BUCKET_BITS;
}

/** A seed's place within its bucket. */
export function slotOf(seed: number): number {
  return seed & (BUCKET_SIZE - 1);
}

/** A bucket with no PG in it. */
export function emptyBucket(): Array<PgStat | null> {
  return new Array<PgStat | null>(BUCKET_SIZE).fill(null);
}

/** The stats held for one seed of a pool, or `undefined`. */
export function pgAt(pool: PoolPgs | undefined, seed: number): PgStat | undefined {
  return pool?.[bucketOf(seed)]?.[slotOf(seed)] ?? undefined;
}

/** Every PG of a pool's table, by seed. */
export function* poolPgs(pool: PoolPgs | undefined): Generator<PgStat> {
  if (pool === undefined) return;
  for (const bucket of pool) {
    if (bucket === null) continue;
    for (const stat of bucket) if (stat !== null) yield stat;
  }
}

/** How many PGs a pool's table holds. */
export function poolPgCount(pool: PoolPgs | undefined): number {
  let n = 0;
  for (const bucket of pool ?? []) if (bucket !== null) for (const stat of bucket) if (stat !== null) n++;
  return n;
}
