/**
 * Keyed draws: the same integers always hash to the same value, so one object's draw never shifts another's
 * (the simulator's placement and per-PG values, the microseconds of a Ceph time stamp).
 */

/** Murmur3's finaliser: spreads every input bit over the whole 32-bit word. */
function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * A 32-bit hash of up to four integers, order-sensitive: the keyed draw behind placement and per-PG values.
 * Negative inputs (CRUSH bucket ids) are fine.
 */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = fmix32(Math.imul(a | 0, 0xcc9e2d51) ^ 0x1b873593);
  h = fmix32(h ^ Math.imul(b | 0, 0x27d4eb2f) ^ 0x165667b1);
  h = fmix32(h ^ Math.imul(c | 0, 0x9e3779b1) ^ 0x85ebca77);
  h = fmix32(h ^ Math.imul(d | 0, 0xc2b2ae3d) ^ 0x27d4eb2f);
  return h;
}
