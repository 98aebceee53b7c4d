import type { PoolPgs } from './pg-table.ts';
import { hash32, hashUnit } from './rng.ts';

const DAY_MS = 86_400_000;

/** What a pool starts with. */
export interface PoolFill {
  readonly seed: number;
  /** Bytes of data the pool holds (before replication). */
  readonly bytes: number;
  readonly startMs: number;
  /** The OSD map epoch the cluster starts at. */
  readonly epoch: number;
}

/**
 * The data and history a pool has when the simulation starts: its bytes spread over its PGs give or take 15%, objects
 * of the pool's kind, past writes and reads, scrubs within the last day (deep scrubs within the week), all keyed
 * hashes of (seed, pool, PG) so that each PG's values stand alone.
 */
export function fillPool(pool: PoolPgs, f: PoolFill): void {
  const perPg = f.bytes / pool.size / pool.pgNum;
  const c = pool.cols;
  for (let ps = 0; ps < pool.pgNum; ps++) {
    const bytes = Math.round(perPg * (0.85 + 0.3 * hashUnit(f.seed, pool.id, ps, 1)));
    const objects = Math.round(bytes / pool.kind.objectBytes);
    const writes = objects + Math.round(objects * 3 * hashUnit(f.seed, pool.id, ps, 2));
    c.bytes[ps] = bytes;
    c.objects[ps] = objects;
    c.writes[ps] = writes;
    c.writeKb[ps] = Math.ceil(bytes / 1024) + Math.round(writes * 16 * hashUnit(f.seed, pool.id, ps, 3));
    c.reads[ps] = Math.round(writes * 4 * hashUnit(f.seed, pool.id, ps, 4));
    c.readKb[ps] = Math.round(c.reads[ps]! * 64 * hashUnit(f.seed, pool.id, ps, 5));
    c.versionEpoch[ps] = Math.max(1, f.epoch - (hash32(f.seed, pool.id, ps, 6) % 10));
    c.reportedSeq[ps] = 100 + (hash32(f.seed, pool.id, ps, 7) % 5000);
    c.created[ps] = pool.createdEpoch;
    c.lastEpochClean[ps] = f.epoch;
    c.lastChange[ps] = f.startMs - Math.round(DAY_MS * hashUnit(f.seed, pool.id, ps, 8));
    c.lastBecameActive[ps] = c.lastChange[ps]!;
    c.scrubStamp[ps] = f.startMs - Math.round(DAY_MS * hashUnit(f.seed, pool.id, ps, 9));
    c.deepScrubStamp[ps] = f.startMs - Math.round(7 * DAY_MS * hashUnit(f.seed, pool.id, ps, 10));
    c.scrubWrites[ps] = Math.max(0, writes - (hash32(f.seed, pool.id, ps, 11) % 200));
  }
}
