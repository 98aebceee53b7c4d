import type { PoolPgs } from './pg-table.ts';

/** The PGs each OSD is acting primary for, as parallel arrays grouped by OSD (CSR), in (pool, seed) order. */
export interface PrimaryIndex {
  readonly start: Int32Array;
  readonly pool: Int32Array;
  readonly ps: Int32Array;
}

/** Builds the primary lists: one pass to count, one to fill. */
export function buildPrimaryIndex(osds: number, pools: readonly PoolPgs[]): PrimaryIndex {
  const start = new Int32Array(osds + 1);
  for (const p of pools) {
    for (let ps = 0; ps < p.pgNum; ps++) {
      const o = p.primary(ps);
      if (o >= 0) start[o + 1]!++;
    }
  }
  for (let o = 0; o < osds; o++) start[o + 1]! += start[o]!;
  const fill = start.slice(0, osds);
  const pool = new Int32Array(start[osds]!);
  const seed = new Int32Array(start[osds]!);
  for (const p of pools) {
    for (let ps = 0; ps < p.pgNum; ps++) {
      const o = p.primary(ps);
      if (o < 0) continue;
      const i = fill[o]!++;
      pool[i] = p.id;
      seed[i] = ps;
    }
  }
  return { start, pool, ps: seed };
}

/** What each OSD holds: PGs in its acting sets, bytes of their data, and the object copies the cluster should have. */
export interface OsdUsage {
  readonly numPgs: Uint32Array;
  readonly dataBytes: Float64Array;
  readonly totalCopies: number;
  readonly totalObjects: number;
  readonly totalBytes: number;
  /** The pools' ids, in the order of the per-pool columns below. */
  readonly poolIds: readonly number[];
  /** Bytes each OSD holds of each pool, at `osd * poolIds.length + k`. */
  readonly poolBytes: Float64Array;
  /** PGs each OSD holds of each pool, at `osd * poolIds.length + k`. */
  readonly poolPgs: Uint32Array;
}

/** One pass over every PG's acting set. */
export function computeUsage(osds: number, pools: readonly PoolPgs[]): OsdUsage {
  const numPgs = new Uint32Array(osds);
  const dataBytes = new Float64Array(osds);
  let totalCopies = 0;
  let totalObjects = 0;
  let totalBytes = 0;
  const np = pools.length;
  const poolBytes = new Float64Array(osds * np);
  const poolPgs = new Uint32Array(osds * np);
  for (let k = 0; k < np; k++) {
    const p = pools[k]!;
    const { actingLen, bytes, objects } = p.cols;
    const acting = p.sets.acting;
    for (let ps = 0; ps < p.pgNum; ps++) {
      const b = bytes[ps]!;
      totalCopies += objects[ps]! * p.size;
      totalObjects += objects[ps]!;
      totalBytes += b;
      for (let j = 0; j < actingLen[ps]!; j++) {
        const o = acting[ps * p.stride + j]!;
        numPgs[o]!++;
        dataBytes[o]! += b;
        poolPgs[o * np + k]!++;
        poolBytes[o * np + k]! += b;
      }
    }
  }
  const poolIds = pools.map((p) => p.id);
  return { numPgs, dataBytes, totalCopies, totalObjects, totalBytes, poolIds, poolBytes, poolPgs };
}

/** Bitmap rows are built for a block of OSDs at a time, at most this many 32-bit words (64 MiB). */
const PEER_BITMAP_WORDS = 1 << 24;

/**
 * Heartbeat peers: the OSDs each one shares a PG with (by CRUSH placement), sorted, as an OSD's `hb_peers` lists
 * them. One bit per (OSD, peer) pair, filled from every PG's placement, so a million PGs take one pass, not a
 * million set insertions; very large clusters take a pass per block of OSDs to bound the bitmap.
 */
export function computePeers(osds: number, pools: readonly PoolPgs[]): Int32Array[] {
  const words = Math.ceil(osds / 32);
  const block = Math.max(1, Math.min(osds, Math.floor(PEER_BITMAP_WORDS / words)));
  const out: Int32Array[] = new Array(osds);
  const found: number[] = [];
  for (let b0 = 0; b0 < osds; b0 += block) {
    const b1 = Math.min(osds, b0 + block);
    const bits = new Uint32Array((b1 - b0) * words);
    for (const p of pools) {
      const { rawLen } = p.cols;
      const raw = p.sets.raw;
      for (let ps = 0; ps < p.pgNum; ps++) {
        const base = ps * p.stride;
        const n = rawLen[ps]!;
        for (let i = 0; i < n; i++) {
          const a = raw[base + i]!;
          if (a < b0 || a >= b1) continue;
          const row = (a - b0) * words;
          for (let j = 0; j < n; j++) {
            const q = raw[base + j]!;
            if (j !== i) bits[row + (q >>> 5)]! |= 1 << (q & 31);
          }
        }
      }
    }
    for (let a = b0; a < b1; a++) {
      found.length = 0;
      const row = (a - b0) * words;
      for (let w = 0; w < words; w++) {
        let word = bits[row + w]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          found.push(w * 32 + bit);
          word &= word - 1;
        }
      }
      out[a] = Int32Array.from(found);
    }
  }
  return out;
}
