import type { PgStat } from '../../schemas/daemon/index.ts';
import { type PoolStat, STAT_SUM_FIELDS, zeroPoolStat } from './pool-stat.ts';

/**
 * What a PG adds to a `pool_stat_t` (its `stat_sum` fields, log sizes and set sizes) as one flat vector, the form
 * the running sums and the rate windows keep: plain JSON in the snapshot, added and subtracted field by field.
 */
export type StatVector = readonly number[];

const N_SUM = STAT_SUM_FIELDS.length;
const LOG_SIZE = N_SUM;
const ONDISK_LOG_SIZE = N_SUM + 1;
const UP = N_SUM + 2;
const ACTING = N_SUM + 3;
/** The length of a stat vector. */
export const STAT_VECTOR_LENGTH = N_SUM + 4;

export function zeroVector(): number[] {
  return new Array<number>(STAT_VECTOR_LENGTH).fill(0);
}

/** What `pool_stat_t::add(pg_stat_t)` adds for one PG. */
export function pgStatVector(pg: PgStat): number[] {
  const v = zeroVector();
  const sum = pg.stat_sum as unknown as Partial<Record<string, number>>;
  for (let i = 0; i < N_SUM; i++) v[i] = sum[STAT_SUM_FIELDS[i]!] ?? 0;
  v[LOG_SIZE] = pg.log_size;
  v[ONDISK_LOG_SIZE] = pg.ondisk_log_size;
  v[UP] = pg.up.length;
  v[ACTING] = pg.acting.length;
  return v;
}

/** `into += v * sign`, in place. */
export function addVector(into: number[], v: StatVector, sign = 1): void {
  for (let i = 0; i < STAT_VECTOR_LENGTH; i++) into[i]! += sign * v[i]!;
}

/** `a - b` as a new vector. */
export function diffVector(a: StatVector, b: StatVector): number[] {
  const out = zeroVector();
  for (let i = 0; i < STAT_VECTOR_LENGTH; i++) out[i] = a[i]! - b[i]!;
  return out;
}

export function isZeroVector(v: StatVector): boolean {
  for (let i = 0; i < STAT_VECTOR_LENGTH; i++) if (v[i] !== 0) return false;
  return true;
}

/** The vector as `pool_stat_t::dump` prints it (no store stats: those come from the OSDs' statfs, not the PGs). */
export function vectorPoolStat(v: StatVector): PoolStat {
  const p = zeroPoolStat();
  for (let i = 0; i < N_SUM; i++) p.stat_sum[STAT_SUM_FIELDS[i]!] = v[i]!;
  p.log_size = v[LOG_SIZE]!;
  p.ondisk_log_size = v[ONDISK_LOG_SIZE]!;
  p.up = v[UP]!;
  p.acting = v[ACTING]!;
  return p;
}

/** `pool_stat_t::floor(0)`: negative deltas (an OSD going back on uncommitted stats) count as none. */
export function floorVector(v: StatVector): number[] {
  return v.map((x) => Math.max(0, x));
}

/** The index of a `stat_sum` field in a vector. */
export function sumIndex(field: (typeof STAT_SUM_FIELDS)[number]): number {
  return STAT_SUM_FIELDS.indexOf(field);
}
