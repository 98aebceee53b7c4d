import type { OsdStat } from '../../../schemas/daemon/index.ts';
import type { CrushMap, OsdMap } from '../../../schemas/maps/index.ts';
import type { ClusterState } from '../cluster-state.ts';
import { own } from '../data-key.ts';
import { tableValues } from '../keyed-table.ts';
import { STATFS_FIELDS } from '../pool-stat.ts';
import { ruleWeightOsdMap } from './crush-weights.ts';
import { combineExact, type SumPart } from './exact-sum.ts';
import { once } from './memo.ts';
import { type OsdStatsTable, poolStatfsOf } from './osd-stats-parts.ts';
import { type OsdStatSum, osdStatsSum, sumOsdStats } from './osd-sum.ts';
import { addStatfs, deepFreeze, osdStats, type PoolStat, pgMapSums, type Statfs, zeroStatfs } from './pg-summary.ts';

const f32 = Math.fround;

export interface DfTotals {
  readonly total_bytes: number;
  readonly total_avail_bytes: number;
  readonly total_used_bytes: number;
  readonly total_used_raw_bytes: number;
  readonly total_used_raw_ratio: number;
}

export interface DfPoolStats {
  readonly stored: number;
  readonly stored_data: number;
  readonly stored_omap: number;
  readonly objects: number;
  readonly kb_used: number;
  readonly bytes_used: number;
  readonly data_bytes_used: number;
  readonly omap_bytes_used: number;
  readonly percent_used: number;
  readonly max_avail: number;
  readonly quota_objects: number;
  readonly quota_bytes: number;
  readonly dirty: number;
  readonly rd: number;
  readonly rd_bytes: number;
  readonly wr: number;
  readonly wr_bytes: number;
  readonly compress_bytes_used: number;
  readonly compress_under_bytes: number;
  readonly stored_raw: number;
  readonly avail_raw: number;
}

export interface Df {
  readonly stats: DfTotals & {
    readonly num_osds: number;
    readonly num_per_pool_osds: number;
    readonly num_per_pool_omap_osds: number;
  };
  readonly stats_by_class: { readonly [deviceClass: string]: DfTotals };
  readonly pools: readonly { readonly name: string; readonly id: number; readonly stats: DfPoolStats }[];
}

/** `PGMapDigest::dump_cluster_stats`'s figures of one statfs sum. */
function totals(st: Statfs): DfTotals {
  const usedRaw = st.total - st.available;
  return {
    total_bytes: st.total,
    total_avail_bytes: st.available,
    total_used_bytes: st.total - st.available - st.internally_reserved,
    total_used_raw_bytes: usedRaw,
    // store_statfs_t::get_used_raw_ratio: float division.
    total_used_raw_ratio: st.total ? f32(f32(usedRaw) / f32(st.total)) : 0,
  };
}

/** The rule's OSD weights by OSD id: they depend on the CRUSH map alone, which most snapshots share. */
function ruleWeights(crush: CrushMap, ruleno: number): ReadonlyArray<readonly [number, number]> | null {
  return once(`df.rule_weights.${ruleno}`, crush, () => {
    const m = ruleWeightOsdMap(crush, ruleno);
    return m === null ? null : [...m].sort((a, b) => a[0] - b[0]);
  });
}

/** `PGMap::get_rule_avail`'s projection for one OSD: the raw bytes placeable before it is full, or -1 to skip it. */
function projection(st: OsdStat | undefined, weight: number, fratio: number): number {
  if (st === undefined) return -1;
  const total = st.statfs?.total ?? 0;
  if (total === 0 || weight === 0) return -1;
  const kb = Math.floor(total / 1024);
  const kbAvail = Math.floor((st.statfs?.available ?? 0) / 1024);
  const unusable = kb * (1 - fratio);
  const avail = Math.max(0, kbAvail - unusable) * 1024;
  return Math.trunc(avail / weight);
}

function ruleWeightMap(crush: CrushMap, ruleno: number): ReadonlyMap<number, number> | null {
  return once(`df.rule_weight_map.${ruleno}`, crush, () => {
    const wm = ruleWeights(crush, ruleno);
    return wm === null ? null : new Map(wm);
  });
}

/**
 * `PGMap::get_rule_avail`: the raw bytes the rule can still place before its fullest OSD (by weight) is full. The
 * least projection is kept per part of the OSD stats (a minimum: the same whatever the order).
 */
function ruleAvail(map: OsdMap, crush: CrushMap | null, stats: OsdStatsTable, ruleno: number): number {
  if (crush === null) return 0;
  const wm = ruleWeights(crush, ruleno);
  if (wm === null) return -1;
  if (wm.length === 0) return 0;
  const fratio = f32(map.full_ratio ?? 0);
  let min = -1;
  if (stats.clash) {
    for (const [osd, weight] of wm) {
      const proj = projection(stats.get(osd), weight, fratio);
      if (proj >= 0 && (min < 0 || proj < min)) min = proj;
    }
    return min;
  }
  const weights = ruleWeightMap(crush, ruleno)!;
  for (const part of stats.parts) {
    let pmin = part.ruleMin.get(ruleno);
    if (pmin === undefined) {
      pmin = -1;
      for (let i = 0; i < part.ids.length; i++) {
        const weight = weights.get(part.ids[i]!);
        if (weight === undefined) continue;
        const proj = projection(part.stats[i], weight, fratio);
        if (proj >= 0 && (pmin < 0 || proj < pmin)) pmin = proj;
      }
      part.ruleMin.set(ruleno, pmin);
    }
    if (pmin >= 0 && (min < 0 || pmin < min)) min = pmin;
  }
  return min;
}

/** `OSDMap::pool_raw_used_rate`: the size of a replicated pool, `(k+m)/k` of an erasure-coded one (float). */
export function poolRawUsedRate(map: OsdMap, pool: OsdMap['pools'][number]): number {
  if (pool.type === 3) {
    const profiles = map.erasure_code_profiles;
    const ecp = (profiles === undefined ? undefined : own(profiles, pool.erasure_code_profile ?? '')) ?? {};
    if (ecp.k === undefined || ecp.m === undefined) return 0;
    const k = Number.parseInt(ecp.k, 10) || 0;
    const m = Number.parseInt(ecp.m, 10) || 0;
    return k === 0 ? 0 : f32(f32(m + k) / f32(k));
  }
  return pool.size;
}

/** `PGMapDigest::dump_object_stat_sum`, verbose, with the float arithmetic Ceph does. */
function poolStats(
  stat: PoolStat,
  pool: OsdMap['pools'][number],
  avail: number,
  rawUsedRate0: number,
  perPool: boolean,
  perPoolOmap: boolean,
): DfPoolStats {
  const sum = stat.stat_sum;
  const sfs = stat.store_stats;
  let rawUsedRate = f32(rawUsedRate0);
  if (sum.num_object_copies > 0) {
    const share = f32(f32(sum.num_object_copies - sum.num_objects_degraded) / f32(sum.num_object_copies));
    rawUsedRate = f32(rawUsedRate * share);
  }
  const usedData = perPool ? sfs.allocated : sum.num_bytes + sum.num_bytes_hit_set_archive;
  const usedOmap = perPoolOmap ? sfs.omap_allocated : sum.num_omap_bytes;
  const usedBytes = usedData + usedOmap;
  let used = 0;
  if (avail) {
    const u = f32(usedBytes);
    used = f32(u / f32(u + f32(avail)));
  } else if (usedBytes) {
    used = 1;
  }
  const availRes = rawUsedRate ? Math.trunc(f32(f32(avail) / rawUsedRate)) : 0;
  const storedData = perPool
    ? rawUsedRate
      ? Math.trunc(f32(f32(sfs.data_stored) / rawUsedRate))
      : 0
    : sum.num_bytes + sum.num_bytes_hit_set_archive;
  const storedOmap = perPoolOmap
    ? rawUsedRate
      ? Math.trunc(f32(f32(sfs.omap_allocated) / rawUsedRate))
      : 0
    : sum.num_omap_bytes;
  const stored = storedData + storedOmap;
  return {
    stored,
    stored_data: storedData,
    stored_omap: storedOmap,
    objects: sum.num_objects,
    kb_used: Math.ceil(usedBytes / 1024),
    bytes_used: usedBytes,
    data_bytes_used: usedData,
    omap_bytes_used: usedOmap,
    percent_used: used,
    max_avail: availRes,
    quota_objects: pool.quota_max_objects ?? 0,
    quota_bytes: pool.quota_max_bytes ?? 0,
    dirty: (pool.tier_of ?? -1) >= 0 ? sum.num_objects_dirty : 0,
    rd: sum.num_read,
    rd_bytes: sum.num_read_kb * 1024,
    wr: sum.num_write,
    wr_bytes: sum.num_write_kb * 1024,
    compress_bytes_used: sfs.data_compressed_allocated,
    compress_under_bytes: sfs.data_compressed_original,
    stored_raw: Math.trunc(f32(f32(stored) * rawUsedRate)),
    avail_raw: avail,
  };
}

/** Per-pool statfs entries the OSDs reported (`pool_statfs`), as (pool, statfs), in the reporters' order. */
function poolStatfsEntries(s: ClusterState): { pool: number; statfs: Record<string, unknown> }[] {
  return tableValues(s.pgStats.reporters).flatMap((r) => poolStatfsOf(r.poolStatfs));
}

/** Each pool's summed `pool_statfs` and how many entries: the parts' exact sums, or one by one if one is not exact. */
function poolStatfsSums(s: ClusterState, stats: OsdStatsTable): Map<number, { statfs: Statfs; count: number }> {
  const byPool = new Map<number, SumPart[]>();
  const counts = new Map<number, number>();
  for (const part of stats.parts) {
    for (const [pool, p] of part.poolStatfs) {
      const l = byPool.get(pool);
      if (l === undefined) byPool.set(pool, [p.sum]);
      else l.push(p.sum);
      counts.set(pool, (counts.get(pool) ?? 0) + p.count);
    }
  }
  const out = new Map<number, { statfs: Statfs; count: number }>();
  for (const [pool, parts] of byPool) {
    const v = combineExact(parts);
    if (v === null) return poolStatfsInOrder(s);
    const statfs = zeroStatfs();
    STATFS_FIELDS.forEach((k, i) => {
      statfs[k] = v[i] ?? 0;
    });
    out.set(pool, { statfs, count: counts.get(pool)! });
  }
  return out;
}

function poolStatfsInOrder(s: ClusterState): Map<number, { statfs: Statfs; count: number }> {
  const out = new Map<number, { statfs: Statfs; count: number }>();
  for (const { pool, statfs } of poolStatfsEntries(s)) {
    let p = out.get(pool);
    if (p === undefined) {
      p = { statfs: zeroStatfs(), count: 0 };
      out.set(pool, p);
    }
    addStatfs(p.statfs, statfs);
    p.count++;
  }
  return out;
}

/** Each CRUSH class's statfs sum: the total's when the class holds every OSD, else its parts', else one by one. */
function classStatfs(stats: OsdStatsTable, osdSum: OsdStatSum, crush: CrushMap | null): Map<string, Statfs> {
  const counts = new Map<string, number>();
  const parts = new Map<string, SumPart[]>();
  for (const part of stats.parts) {
    for (const [cls, c] of part.byClass) {
      counts.set(cls, (counts.get(cls) ?? 0) + c.count);
      const l = parts.get(cls);
      if (l === undefined) parts.set(cls, [c.sum]);
      else l.push(c.sum);
    }
  }
  if (stats.clash) return classStatfsInOrder(stats, osdSum, crush);
  const out = new Map<string, Statfs>();
  for (const [cls, n] of counts) {
    // One class holding every OSD (the common case) sums the same stats in the same order as the total.
    if (n === stats.size) {
      out.set(cls, osdSum.statfs);
      continue;
    }
    const v = combineExact(parts.get(cls)!);
    if (v === null) return classStatfsInOrder(stats, osdSum, crush);
    out.set(cls, Object.fromEntries(STATFS_FIELDS.map((k, i) => [k, v[i] ?? 0])) as Statfs);
  }
  return out;
}

function classStatfsInOrder(stats: OsdStatsTable, osdSum: OsdStatSum, crush: CrushMap | null): Map<string, Statfs> {
  const classOf = new Map((crush?.devices ?? []).map((d) => [d.id, d.class]));
  const byClass = new Map<string, OsdStat[]>();
  stats.ids.forEach((id, i) => {
    const cls = classOf.get(id);
    if (cls === undefined) return;
    const list = byClass.get(cls);
    if (list === undefined) byClass.set(cls, [stats.stats[i]!]);
    else list.push(stats.stats[i]!);
  });
  return new Map(
    [...byClass].map(([cls, list]) => [cls, list.length === stats.size ? osdSum.statfs : sumOsdStats(list).statfs]),
  );
}

const memo = new WeakMap<object, WeakMap<object, Df>>();

/**
 * `get('df')`: `PGMapDigest::dump_cluster_stats` then `dump_pool_stats_full` (verbose), from the OSDs' last stats,
 * the PG stats, the OSD map and its CRUSH map. Null without an OSD map.
 */
export function dfView(s: ClusterState): Df | null {
  const entry = s.maps.osd_map;
  if (entry === undefined) return null;
  let inner = memo.get(s.pgStats);
  if (inner === undefined) {
    inner = new WeakMap();
    memo.set(s.pgStats, inner);
  }
  let v = inner.get(entry);
  if (v === undefined) {
    v = deepFreeze(build(s, entry.map, entry.crush));
    inner.set(entry, v);
  }
  return v;
}

function build(s: ClusterState, map: OsdMap, crush: CrushMap | null): Df {
  const stats = osdStats(s);
  const osdSum = osdStatsSum(s);
  const byClass = classStatfs(stats, osdSum, crush);
  const sums = pgMapSums(s);
  const poolSums = new Map<number, PoolStat>();
  for (const [id, p] of sums.poolSums) {
    poolSums.set(id, { ...p, stat_sum: { ...p.stat_sum }, store_stats: { ...p.store_stats } });
  }
  for (const [pool, { statfs, count }] of poolStatfsSums(s, stats)) {
    const p = poolSums.get(pool);
    if (p === undefined) continue;
    addStatfs(p.store_stats, statfs);
    p.num_store_stats += count;
  }
  const perPool = osdSum.num_osds === osdSum.num_per_pool_osds;
  const perPoolOmap = osdSum.num_osds === osdSum.num_per_pool_omap_osds;
  const availByRule = new Map<number, number>();
  const pools: Df['pools'][number][] = [];
  for (const pool of [...map.pools].sort((a, b) => a.pool - b.pool)) {
    const stat = poolSums.get(pool.pool);
    if (pool.pool < 0 || stat === undefined) continue;
    let avail = availByRule.get(pool.crush_rule);
    if (avail === undefined) {
      avail = ruleAvail(map, crush, stats, pool.crush_rule);
      availByRule.set(pool.crush_rule, avail);
    }
    if (avail < 0) avail = 0;
    pools.push({
      name: pool.pool_name,
      id: pool.pool,
      stats: poolStats(stat, pool, avail, poolRawUsedRate(map, pool), perPool, perPoolOmap),
    });
  }
  return {
    stats: {
      ...totals(osdSum.statfs),
      num_osds: osdSum.num_osds,
      num_per_pool_osds: osdSum.num_per_pool_osds,
      num_per_pool_omap_osds: osdSum.num_per_pool_omap_osds,
    },
    stats_by_class: Object.fromEntries(
      [...byClass].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, c]) => [k, totals(c)]),
    ),
    pools,
  };
}
