import { PG } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';

/**
 * Sets a PG's state bits, keeping Ceph's `last_*` stamps: each records when the PG last was (or became) active,
 * clean, undegraded, full-sized, as of the change.
 */
export function setState(pool: PoolPgs, ps: number, bits: number, now: number, epoch: number): void {
  const c = pool.cols;
  const old = c.state[ps]!;
  if (old === bits) return;
  const was = (b: number) => (old & b) !== 0;
  const is = (b: number) => (bits & b) !== 0;
  if (was(PG.ACTIVE) && !is(PG.ACTIVE)) c.lastActive[ps] = now;
  if (!was(PG.ACTIVE) && is(PG.ACTIVE)) c.lastBecameActive[ps] = now;
  if (was(PG.CLEAN) && !is(PG.CLEAN)) c.lastClean[ps] = now;
  if (!was(PG.DEGRADED) && is(PG.DEGRADED)) c.lastUndegraded[ps] = now;
  if (!was(PG.UNDERSIZED) && is(PG.UNDERSIZED)) c.lastFullsized[ps] = now;
  if (is(PG.CLEAN)) c.lastEpochClean[ps] = epoch;
  c.state[ps] = bits;
  c.lastChange[ps] = now;
  c.dirty[ps] = 1;
}
