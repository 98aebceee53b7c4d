import type { PoolStatfsEntry } from '../../schemas/daemon/pg-stats.ts';
import type { OsdUsage } from './osd-pg-index.ts';

/**
 * The `pool_statfs` a BlueStore OSD sends with its stats (`MPGStats::pool_stat`, as `ceph pg dump` prints it): one
 * `store_statfs_t` per pool it holds PGs of, with what the OSD stores of that pool. BlueStore keeps no per-pool
 * capacity, so `total`, `available` and the metadata are 0; nothing is compressed and the simulated pools keep no
 * omap.
 */
export function osdPoolStatfs(usage: OsdUsage, osd: number): PoolStatfsEntry[] {
  const np = usage.poolIds.length;
  const out: PoolStatfsEntry[] = [];
  for (let k = 0; k < np; k++) {
    if (usage.poolPgs[osd * np + k] === 0) continue;
    const stored = Math.round(usage.poolBytes[osd * np + k]!);
    out.push({
      poolid: usage.poolIds[k]!,
      osd,
      total: 0,
      available: 0,
      internally_reserved: 0,
      allocated: stored,
      data_stored: stored,
      data_compressed: 0,
      data_compressed_allocated: 0,
      data_compressed_original: 0,
      omap_allocated: 0,
      internal_metadata: 0,
    });
  }
  return out.sort((a, b) => a.poolid! - b.poolid!);
}
