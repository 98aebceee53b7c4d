import type { PgStat } from '../../../schemas/daemon/index.ts';
import type { ClusterState } from '../cluster-state.ts';
import { BUCKET_SIZE, bucketOf, type PgBucket, poolPgs } from '../pg-table.ts';
import { type PoolStat, STATFS_FIELDS, type Statfs, zeroPoolStat } from '../pool-stat.ts';
import { vectorPoolStat } from '../stat-vector.ts';
import { type OsdStatsTable, osdStatsTable } from './osd-stats-parts.ts';
import { type BucketStates, bucketByOsd, bucketStates, pgState } from './pg-bucket-states.ts';

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
  /** Every PG of the map, by pool then seed; listed on first use (the counts and sums below do not need it). */
  readonly pgs: readonly PgEntry[];
  readonly pgSum: PoolStat;
  readonly poolSums: ReadonlyMap<number, PoolStat>;
  readonly numPg: number;
  readonly numPgUnknown: number;
  readonly numPgActive: number;
  /** PG counts by state. */
  readonly byState: ReadonlyMap<string, number>;
  /** PG counts by pool, then state (pools in id order). */
  readonly byPoolState: ReadonlyMap<number, ReadonlyMap<string, number>>;
  /** PG counts by OSD of each PG's acting set, then state; counted on first use. */
  readonly byOsdState: ReadonlyMap<number, ReadonlyMap<string, number>>;
}

/** `store_statfs_t::add`. */
export function addStatfs(into: Statfs, statfs: Partial<Record<string, unknown>> | undefined | null): void {
  if (statfs == null) return;
  for (const k of STATFS_FIELDS) {
    const v = statfs[k];
    if (typeof v === 'number') into[k] += v;
  }
}

/** One pool's part of the PG map: its buckets of seeds and their states. */
interface PoolPart {
  readonly pool: number;
  readonly buckets: ReadonlyArray<{ readonly bucket: PgBucket | null; readonly states: BucketStates }>;
  /** Without an OSD map: the PGs held, in seed order (the buckets' states are then of those alone). */
  readonly entries?: readonly PgEntry[];
  /** With an OSD map: the pool's buckets as the table held them, and the part's counts by state. */
  readonly held?: unknown;
  readonly counts?: ReadonlyMap<string, number>;
}

/** Adds `counts` times `sign` into `into`, dropping states whose count falls to 0. */
function shiftCounts(into: Map<string, number>, counts: ReadonlyMap<string, number>, sign: 1 | -1): void {
  for (const [state, n] of counts) {
    const v = (into.get(state) ?? 0) + sign * n;
    if (v === 0) into.delete(state);
    else into.set(state, v);
  }
}

function addCounts(into: Map<string, number>, counts: ReadonlyMap<string, number>): void {
  for (const [state, n] of counts) into.set(state, (into.get(state) ?? 0) + n);
}

/**
 * The PG map's aggregates. With an OSD map, every PG `0..pg_num-1` of every pool, a PG no OSD has reported yet being
 * `unknown` (a default `pg_stat_t`, as `PGMapUpdater::check_osd_map` adds it) and reported PGs beyond `pg_num`
 * dropped; a PG whose acting primary the map has down gets `stale` (`PGMapUpdater::check_down_pgs`). Without an OSD
 * map (a stream that starts before its first one) the reported PGs are taken as they are. States are counted per
 * bucket of seeds and memoised on the bucket, and the stat sums are the running sums the fold keeps, so a new
 * snapshot costs what its reports changed, not the size of the map.
 */
class PgMapAggregate implements PgMapSums {
  readonly pgSum: PoolStat;
  readonly poolSums: ReadonlyMap<number, PoolStat>;
  readonly numPg: number;
  readonly numPgUnknown: number;
  readonly numPgActive: number;
  readonly byState: ReadonlyMap<string, number>;
  readonly byPoolState: ReadonlyMap<number, ReadonlyMap<string, number>>;
  readonly #parts: readonly PoolPart[];
  readonly #map: unknown;
  #pgs: readonly PgEntry[] | undefined;
  #byOsd: ReadonlyMap<number, ReadonlyMap<string, number>> | undefined;

  /**
   * `prev`: the aggregate of another snapshot, whose pools' counts are taken over under the same OSD map: a bucket
   * that is the same object as there keeps its states, and a pool's counts move by the states of the buckets that
   * changed, so a new snapshot costs a pointer comparison per bucket and the counting of the buckets it changed.
   */
  constructor(s: ClusterState, prev?: PgMapAggregate) {
    const table = s.pgStats.pgs;
    const deltas = s.pgStats.deltas;
    const map = s.maps.osd_map?.map;
    const parts: PoolPart[] = [];
    if (map === undefined) {
      for (const pool of Object.keys(table).sort((a, b) => Number(a) - Number(b))) {
        const entries = [...poolPgs(table[pool])].map((stat) => ({
          pgid: stat.pgid,
          pool: Number(pool),
          state: pgState(stat, null),
          stat,
        }));
        const counts = new Map<string, number>();
        for (const e of entries) counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
        if (entries.length === 0) continue;
        const states = { states: entries.map((e) => e.state), counts };
        parts.push({ pool: Number(pool), buckets: [{ bucket: null, states }], entries });
      }
    } else {
      const up = new Set<number>();
      for (const o of map.osds) if (o.up === 1) up.add(o.osd);
      const before = prev !== undefined && prev.#map === map ? prev.#parts : undefined;
      let k = 0;
      for (const p of [...map.pools].sort((a, b) => a.pool - b.pool)) {
        const held = table[String(p.pool)];
        let old = before?.[k];
        if (old !== undefined && old.pool !== p.pool) old = undefined;
        if (old !== undefined && old.held === held && held !== undefined) {
          parts.push(old);
          k++;
          continue;
        }
        const buckets = [];
        let counts: Map<string, number> | undefined;
        if (old !== undefined && old.counts !== undefined) {
          counts = new Map(old.counts);
          for (let first = 0, j = 0; first < p.pg_num; first += BUCKET_SIZE, j++) {
            const bucket = held?.[bucketOf(first)] ?? null;
            const was = old.buckets[j]!;
            if (was.bucket === bucket) {
              buckets.push(was);
              continue;
            }
            const length = Math.min(BUCKET_SIZE, p.pg_num - first);
            const states = bucketStates(bucket, length, up, map.osds);
            shiftCounts(counts, was.states.counts, -1);
            shiftCounts(counts, states.counts, 1);
            buckets.push({ bucket, states });
          }
        } else {
          for (let first = 0; first < p.pg_num; first += BUCKET_SIZE) {
            const bucket = held?.[bucketOf(first)] ?? null;
            const length = Math.min(BUCKET_SIZE, p.pg_num - first);
            buckets.push({ bucket, states: bucketStates(bucket, length, up, map.osds) });
          }
        }
        if (old !== undefined) k++;
        if (counts === undefined) {
          counts = new Map<string, number>();
          for (const b of buckets) addCounts(counts, b.states.counts);
        }
        if (buckets.length > 0) parts.push({ pool: p.pool, buckets, held, counts });
      }
    }
    const byState = new Map<string, number>();
    const byPoolState = new Map<number, ReadonlyMap<string, number>>();
    const poolSums = new Map<number, PoolStat>();
    for (const part of parts) {
      let counts = part.counts;
      if (counts === undefined) {
        const c = new Map<string, number>();
        for (const b of part.buckets) addCounts(c, b.states.counts);
        counts = c;
      }
      byPoolState.set(part.pool, counts);
      addCounts(byState, counts);
      const sum = deltas.pools[String(part.pool)]?.sum;
      poolSums.set(part.pool, sum === undefined ? zeroPoolStat() : vectorPoolStat(sum));
    }
    let numPg = 0;
    let numPgActive = 0;
    for (const [state, n] of byState) {
      numPg += n;
      if (state.split('+').includes('active')) numPgActive += n;
    }
    this.#parts = parts;
    this.#map = map;
    this.pgSum = vectorPoolStat(deltas.sum);
    this.poolSums = poolSums;
    this.numPg = numPg;
    this.numPgUnknown = byState.get('unknown') ?? 0;
    this.numPgActive = numPgActive;
    this.byState = byState;
    this.byPoolState = byPoolState;
  }

  get pgs(): readonly PgEntry[] {
    if (this.#pgs === undefined) {
      const out: PgEntry[] = [];
      for (const part of this.#parts) {
        if (part.entries !== undefined) {
          out.push(...part.entries);
          continue;
        }
        for (const [i, { bucket, states }] of part.buckets.entries()) {
          for (let j = 0; j < states.states.length; j++) {
            const stat = bucket?.[j] ?? null;
            const pgid = stat?.pgid ?? `${part.pool}.${(i * BUCKET_SIZE + j).toString(16)}`;
            out.push({ pgid, pool: part.pool, state: states.states[j]!, stat });
          }
        }
      }
      this.#pgs = out;
    }
    return this.#pgs;
  }

  get byOsdState(): ReadonlyMap<number, ReadonlyMap<string, number>> {
    if (this.#byOsd === undefined) {
      const out = new Map<number, Map<string, number>>();
      const add = (osd: number, counts: ReadonlyMap<string, number>) => {
        let m = out.get(osd);
        if (m === undefined) {
          m = new Map();
          out.set(osd, m);
        }
        addCounts(m, counts);
      };
      for (const part of this.#parts) {
        for (const e of part.entries ?? []) for (const osd of e.stat?.acting ?? []) add(osd, new Map([[e.state, 1]]));
        for (const { bucket, states } of part.buckets) {
          for (const [osd, counts] of bucketByOsd(bucket, states)) add(osd, counts);
        }
      }
      this.#byOsd = out;
    }
    return this.#byOsd;
  }
}

const sumsMemo = new WeakMap<object, WeakMap<object, PgMapSums>>();
const NO_MAP = {};
/** The aggregate computed last: the next one starts from its counts. */
let lastAggregate: PgMapAggregate | undefined;

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
    const agg = new PgMapAggregate(s, lastAggregate);
    lastAggregate = agg;
    v = agg;
    inner.set(map ?? NO_MAP, v);
  }
  return v;
}

/**
 * Each OSD's last stat by id, in id order, as the PG map holds them (an out OSD's as a default one): once per
 * (reporters, OSD map) pair, combined from per-chunk parts, shared by every view that reads them. Read-only.
 */
export function osdStats(s: ClusterState): OsdStatsTable {
  return osdStatsTable(s);
}

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
function sortedCounts(m: ReadonlyMap<number, ReadonlyMap<string, number>>): Record<string, Counts> {
  const out: Record<string, Counts> = {};
  const keys = [...m.keys()].map(String).sort();
  for (const k of keys) out[k] = Object.freeze(stateCounts(m.get(Number(k))!));
  return Object.freeze(out);
}

/** One map of counts by state, keys in `std::map` order. */
function stateCounts(m: ReadonlyMap<string, number>): Counts {
  return Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

const summaryMemo = new WeakMap<PgMapSums, PgSummary>();

/**
 * `get('pg_summary')` (ActivePyModules::get_python): PG counts by state for all PGs, per pool and per OSD of each
 * PG's acting set, and the PG map's `pg_sum` as `pool_stat_t::dump` prints it. `by_osd`, a count per OSD that most
 * readers never look at, is made when first read.
 */
export function pgSummaryView(s: ClusterState): PgSummary {
  const sums = pgMapSums(s);
  let v = summaryMemo.get(sums);
  if (v === undefined) {
    let byOsd: Record<string, Counts> | undefined;
    v = Object.freeze({
      get by_osd() {
        byOsd ??= sortedCounts(sums.byOsdState);
        return byOsd;
      },
      by_pool: sortedCounts(sums.byPoolState),
      all: Object.freeze(stateCounts(sums.byState)),
      pg_stats_sum: deepFreeze(dumpPoolStat(sums.pgSum)),
    });
    summaryMemo.set(sums, v);
  }
  return v;
}
