import { hash32 } from '../cluster/keyed-hash.ts';

export { hash32 };

/**
 * Seeded randomness for the simulator. Two kinds: a sequential stream ({@link createRng}) for choices made in order
 * (which OSD fails, which PGs take client IO this period), and keyed draws ({@link hash32}) for per-object values
 * (a PG's initial size, its peering time) so that one PG's draw never shifts another's.
 */

/** A seeded stream of pseudo-random numbers (sfc32): fast, 128 bits of state, good enough for simulation. */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** A uniform float in [0, 1). */
  float(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** A uniform float in [lo, hi). */
  range(lo: number, hi: number): number;
}

/** Creates the stream for `seed` (any integer; only its low 32 bits and sign-folded high bits matter). */
export function createRng(seed: number): Rng {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = (seed ^ Math.floor(seed / 0x100000000)) >>> 0;
  const nextU32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // The first outputs of sfc32 still echo the seed; Ceph-like traces should not start with a visible pattern.
  for (let i = 0; i < 15; i++) nextU32();
  const float = () => nextU32() / 0x100000000;
  return {
    nextU32,
    float,
    int: (n) => Math.floor(float() * n),
    range: (lo, hi) => lo + float() * (hi - lo),
  };
}

/** {@link hash32} as a float in [0, 1). */
export function hashUnit(a: number, b = 0, c = 0, d = 0): number {
  return hash32(a, b, c, d) / 0x100000000;
}
