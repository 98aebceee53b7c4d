import { hash32 } from './rng.ts';

/**
 * Ceph prints times with microseconds; stream time is whole milliseconds. The missing three digits come from a hash
 * of the millisecond, so a stamp looks like a real one and is the same every run.
 */
function micros(ms: number): string {
  return String(hash32(ms, 0x5eed) % 1000).padStart(3, '0');
}

const cache = new Map<number, string>();
const CACHE_LIMIT = 4096;

/** `utime_t` as Ceph's JSON dumps print it: `2026-11-25T02:32:18.251426+0000`. */
export function cephStamp(ms: number): string {
  let s = cache.get(ms);
  if (s === undefined) {
    // Thousands of PGs share a handful of stamps per report; the cache keeps formatting off the hot path.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    s = `${new Date(ms).toISOString().slice(0, 23)}${micros(ms)}+0000`;
    cache.set(ms, s);
  }
  return s;
}

/** The ISO form some maps use (`ceph mon dump`'s `created`): `2026-11-25T02:28:22.712137Z`. */
export function cephStampZ(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${micros(ms)}Z`;
}
