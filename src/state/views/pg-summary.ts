import type { OsdStat, PgStat } from '../../../schemas/daemon/index.ts';
import type { OsdMap } from '../../../schemas/maps/index.ts';
import type { ClusterState, PgStatsState } from '../cluster-state.ts';
import { pgAt, poolPgs } from '../pg-table.ts';
import { type PoolStat, STAT_SUM_FIELDS, STATFS_FIELDS, type Statfs, zeroPoolStat } from '../pool-stat.ts';

export type { PoolStat, Statfs, StatSum } from '../pool-stat.ts';
export { STAT_SUM_FIELDS, STATFS_FIELDS, zeroPoolStat, zeroStatfs, zeroStatSum } from '../pool-stat.ts';

/** One PG as the manager's PG map holds it: its id, pool and the state string (stale/unknown applied). */
export interface PgEntry {
  readonly pgid: string;
  readonly pool: number;
  readonly state: string;
  readonly stat: PgStat | null;
}

/** What the manager's `PGMap` aggregates from the PG stats: what `pg_summary`, `pg_status` and `df` print. */
export interface PgMapSums {
  readonly pgs: readonly PgEntry[];
  readonly pgSum: PoolStat;
  readonly poolSums: ReadonlyMap<number, PoolStat>;
  readonly numPgUnknown: number;
  readonly numPgActive: number;
}

/** `pool_stat_t::add(const pg_stat_t&)`: the sums, and the sizes of the up and acting sets. */
function addPgStat(into: PoolStat, pg: PgStat | null): void {
  if (pg === null) return;
  const sum = pg.stat_sum as unknown as Partial<Record<string, number>>;
  for (const k of STAT_SUM_FIELDS) into.stat_sum[k] += sum[k] ?? 0;
  into.log_size += pg.log_size;
  into.ondisk_log_size += pg.ondisk_log_size;
  into.up += pg.up.length;
  into.acting += pg.acting.length;
}

/** `store_statfs_t::add`. */
export function addStatfs(into: Statfs, statfs: Partial<Record<string, unknown>> | undefined | null): void {
  if (statfs == null) return;
  for (const k of STATFS_FIELDS) {
    const v = statfs[k];
    if (typeof v === 'number') into[k] += v;
  }
}

/**
 * The PGs the manager's PG map holds: with an OSD map, every PG `0..pg_num-1` of every pool, a PG no OSD has reported
 * yet being `unknown` (a default `pg_stat_t`, as `PGMapUpdater::check_osd_map` adds it) and reported PGs beyond
 * `pg_num` dropped; a PG whose acting primary the map has down gets `stale` (`PGMapUpdater::check_down_pgs`). Without
 * an OSD map (a stream that starts before its first one) the reported PGs are taken as they are.
 */
function pgEntries(pgs: PgStatsState['pgs'], map: OsdMap | undefined): PgEntry[] {
  const out: PgEntry[] = [];
  if (map === undefined) {
    for (const pool of Object.keys(pgs).sort((a, b) => Number(a) - Number(b))) {
      for (const stat of poolPgs(pgs[pool])) out.push({ pgid: stat.pgid, pool: Number(pool), state: stat.state, stat });
    }
    return out;
  }
  const up = new Set(map.osds.filter((o) => o.up === 1).map((o) => o.osd));
  const pools = [...map.pools].sort((a, b) => a.pool - b.pool);
  for (const pool of pools) {
    const held = pgs[String(pool.pool)];
    for (let ps = 0; ps < pool.pg_num; ps++) {
      const stat = pgAt(held, ps) ?? null;
      const pgid = stat?.pgid ?? `${pool.pool}.${ps.toString(16)}`;
      let state = stat?.state ?? 'unknown';
      if (stat !== null && stat.acting_primary !== -1 && !up.has(stat.acting_primary) && !isStale(state)) {
        state = `stale+${state}`;
      }
      out.push({ pgid, pool: pool.pool, state, stat });
    }
  }
  return out;
}

function isStale(state: string): boolean {
  return state === 'stale' || state.startsWith('stale+') || state.includes('+stale');
}

const sumsMemo = new WeakMap<object, WeakMap<object, PgMapSums>>();
const NO_MAP = {};

/** The PG map's aggregates for a snapshot, computed once per (PG stats, OSD map) pair. */
export function pgMapSums(s: ClusterState): PgMapSums {
  const pgs = s.pgStats.pgs;
  const map = s.maps.osd_map?.map;
  let inner = sumsMemo.get(pgs);
  if (inner === undefined) {
    inner = new WeakMap();
    sumsMemo.set(pgs, inner);
  }
  let v = inner.get(map ?? NO_MAP);
  if (v === undefined) {
    const entries = pgEntries(pgs, map);
    const pgSum = zeroPoolStat();
    const poolSums = new Map<number, PoolStat>();
    let numPgUnknown = 0;
    let numPgActive = 0;
    for (const e of entries) {
      addPgStat(pgSum, e.stat);
      let ps = poolSums.get(e.pool);
      if (ps === undefined) {
        ps = zeroPoolStat();
        poolSums.set(e.pool, ps);
      }
      addPgStat(ps, e.stat);
      if (e.state === 'unknown') numPgUnknown++;
      if (e.state.split('+').includes('active')) numPgActive++;
    }
    v = { pgs: entries, pgSum, poolSums, numPgUnknown, numPgActive };
    inner.set(map ?? NO_MAP, v);
  }
  return v;
}

/** The OSD stats the manager holds: each OSD's last report, gone if the map no longer has it, zeroed while out. */
export function osdStats(s: ClusterState): Map<number, OsdStat> {
  const map = s.maps.osd_map?.map;
  const out = new Map<number, OsdStat>();
  const inMap = map === undefined ? null : new Map(map.osds.map((o) => [o.osd, o]));
  for (const [name, r] of Object.entries(s.pgStats.reporters)) {
    if (!name.startsWith('osd.') || r.osdStat === null) continue;
    const id = Number(name.slice(4));
    if (!Number.isInteger(id) || id < 0) continue;
    let stat = r.osdStat;
    if (inMap !== null) {
      const o = inMap.get(id);
      if (o === undefined) continue;
      // `PGMap::Incremental::stat_osd_out`: an out OSD's stats are a default `osd_stat_t`.
      if (o.in === 0 && (stat.statfs?.total ?? 0) !== 0) stat = { ...ZERO_OSD_STAT, osd: id };
    }
    out.set(id, stat);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

const ZERO_OSD_STAT: OsdStat = {
  osd: 0,
  kb: 0,
  kb_used: 0,
  kb_avail: 0,
  hb_peers: [],
  perf_stat: { commit_latency_ms: 0, apply_latency_ms: 0 },
  num_osds: 0,
  num_per_pool_osds: 0,
  num_per_pool_omap_osds: 0,
  statfs: { total: 0, available: 0 },
};

/** `pool_stat_t::dump`. */
export function dumpPoolStat(p: PoolStat): PoolStat {
  return {
    stat_sum: { ...p.stat_sum },
    store_stats: { ...p.store_stats },
    log_size: p.log_size,
    ondisk_log_size: p.ondisk_log_size,
    up: p.up,
    acting: p.acting,
    num_store_stats: p.num_store_stats,
  };
}

type Counts = Record<string, number>;

export interface PgSummary {
  readonly by_osd: { readonly [osd: string]: Readonly<Counts> };
  readonly by_pool: { readonly [pool: string]: Readonly<Counts> };
  readonly all: Readonly<Counts>;
  readonly pg_stats_sum: PoolStat;
}

import { deepFreeze } from '../deep-freeze.ts';

export { deepFreeze };

/** Counts in `std::map` order: keys sorted as strings. */
function sortedCounts(m: Map<string, Map<string, number>>): Record<string, Counts> {
  const out: Record<string, Counts> = {};
  for (const k of [...m.keys()].sort()) {
    const inner = m.get(k)!;
    out[k] = Object.fromEntries([...inner].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  }
  return out;
}

const summaryMemo = new WeakMap<PgMapSums, PgSummary>();

/**
 * `get('pg_summary')` (ActivePyModules::get_python): PG counts by state for all PGs, per pool and per OSD of each
 * PG's acting set, and the PG map's `pg_sum` as `pool_stat_t::dump` prints it.
 */
export function pgSummaryView(s: ClusterState): PgSummary {
  const sums = pgMapSums(s);
  let v = summaryMemo.get(sums);
  if (v === undefined) {
    const osds = new Map<string, Map<string, number>>();
    const pools = new Map<string, Map<string, number>>();
    const all = new Map<string, number>();
    const bump = (m: Map<string, Map<string, number>>, k: string, state: string) => {
      let inner = m.get(k);
      if (inner === undefined) {
        inner = new Map();
        m.set(k, inner);
      }
      inner.set(state, (inner.get(state) ?? 0) + 1);
    };
    for (const e of sums.pgs) {
      bump(pools, String(e.pool), e.state);
      for (const osd of e.stat?.acting ?? []) bump(osds, String(osd), e.state);
      all.set(e.state, (all.get(e.state) ?? 0) + 1);
    }
    v = deepFreeze({
      by_osd: sortedCounts(osds),
      by_pool: sortedCounts(pools),
      all: Object.fromEntries([...all].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))),
      pg_stats_sum: dumpPoolStat(sums.pgSum),
    });
    summaryMemo.set(sums, v);
  }
  return v;
}
