import type { PgStat } from '../../schemas/daemon/index.ts';

/**
 * PG stats by pool, then by bucket of 64 consecutive seeds, then by PG id. A report touches a few buckets, and a
 * snapshot copies only those (a flat object per pool would be copied whole: 100,000 keys for one PG's update).
 */
export type PgTable = { readonly [pool: string]: PoolPgs };
export type PoolPgs = { readonly [bucket: string]: { readonly [pgid: string]: PgStat } };

const BUCKET_BITS = 6;

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
export function bucketOf(seed: number): string {
  return String(seed >>> BUCKET_BITS);
}

/** Every PG of a pool's table, in no particular order. */
export function* poolPgs(pool: PoolPgs | undefined): Generator<PgStat> {
  if (pool === undefined) return;
  for (const bucket of Object.values(pool)) yield* Object.values(bucket);
}

/** How many PGs a pool's table holds. */
export function poolPgCount(pool: PoolPgs | undefined): number {
  let n = 0;
  for (const bucket of Object.values(pool ?? {})) n += Object.keys(bucket).length;
  return n;
}
