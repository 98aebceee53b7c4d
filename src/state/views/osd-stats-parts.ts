import type { OsdStat } from '../../../schemas/daemon/index.ts';
import type { CrushMap, OsdMap } from '../../../schemas/maps/index.ts';
import type { ClusterState, OsdMapEntry, PgReport } from '../cluster-state.ts';
import type { TableChunk } from '../keyed-table.ts';
import { STATFS_FIELDS } from '../pool-stat.ts';
import { SumBuilder, SumDelta, type SumPart } from './exact-sum.ts';
import { once, pairKey } from './memo.ts';

/** The fields `osd_stat_t::add` sums, as laid out in a part's sums: the statfs fields first. */
export const OSD_SUM_FIELDS = [
  ...STATFS_FIELDS,
  'num_pgs',
  'num_osds',
  'num_per_pool_osds',
  'num_per_pool_omap_osds',
  'snap_trim_queue_len',
  'num_snap_trimming',
  'num_shards_repaired',
  'commit_latency_ns',
  'apply_latency_ns',
] as const;

const N_STATFS = STATFS_FIELDS.length;

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** Adds what `osd_stat_t::add` adds of one OSD stat to `sums` (fields of {@link OSD_SUM_FIELDS}) and `hist`. */
export function addOsdStat(
  sums: { add(i: number, x: number): void },
  hist: { add(i: number, x: number): void },
  st: OsdStat,
): void {
  const o = st as Record<string, unknown>;
  const statfs = st.statfs as Partial<Record<string, unknown>> | undefined;
  if (statfs != null) {
    for (let i = 0; i < N_STATFS; i++) {
      const v = statfs[STATFS_FIELDS[i]!];
      if (typeof v === 'number') sums.add(i, v);
    }
  }
  sums.add(N_STATFS, num(o.num_pgs));
  sums.add(N_STATFS + 1, num(o.num_osds));
  sums.add(N_STATFS + 2, num(o.num_per_pool_osds));
  sums.add(N_STATFS + 3, num(o.num_per_pool_omap_osds));
  sums.add(N_STATFS + 4, num(o.snap_trim_queue_len));
  sums.add(N_STATFS + 5, num(o.num_snap_trimming));
  sums.add(N_STATFS + 6, num(o.num_shards_repaired));
  const perf = (o.perf_stat ?? {}) as Record<string, unknown>;
  sums.add(N_STATFS + 7, num(perf.commit_latency_ns) || num(perf.commit_latency_ms) * 1e6);
  sums.add(N_STATFS + 8, num(perf.apply_latency_ns) || num(perf.apply_latency_ms) * 1e6);
  const h = (o.op_queue_age_hist as { histogram?: unknown } | undefined)?.histogram;
  if (Array.isArray(h)) for (let i = 0; i < h.length; i++) hist.add(i, num(h[i]));
}

/** One pool's statfs entries reported by the OSDs of a part: their sum and how many. */
export interface PoolStatfsPart {
  readonly sum: SumPart;
  readonly count: number;
}

/**
 * One chunk of the reporters table as the OSD views read it, under one OSD map: its OSDs' last stats (by id), their
 * sums, and the pools' statfs its reporters sent. Computed once per (chunk, OSD map entry): a new snapshot computes
 * the chunks its reports replaced, and combines the others as they were.
 */
export interface OsdStatsPart {
  /** OSD ids, ascending; each one's stat (an out OSD's as a default one) and its reporter's place in the table. */
  readonly ids: readonly number[];
  readonly stats: readonly OsdStat[];
  readonly orders: readonly number[];
  /** Each one's reporter. */
  readonly names: readonly string[];
  readonly sums: SumPart;
  readonly hist: SumPart;
  /** Per pool: the `pool_statfs` entries of every reporter of the chunk (osd or not). */
  readonly poolStatfs: ReadonlyMap<number, PoolStatfsPart>;
  /** Reporters whose `pool_statfs` is a non-empty list: their place in the table's order, and the list. */
  readonly poolStatfsLists: ReadonlyArray<readonly [number, readonly unknown[]]>;
  /** Per CRUSH device class: the statfs sums of the part's OSDs of that class, and how many. */
  readonly byClass: ReadonlyMap<string, { readonly sum: SumPart; readonly count: number }>;
  /** Per CRUSH rule, computed on first use: the least `PGMap::get_rule_avail` projection of the part's OSDs, or -1. */
  readonly ruleMin: Map<number, number>;
}

/** `PGMap::Incremental::stat_osd_out`: what an out OSD's stats become. */
export const ZERO_OSD_STAT: OsdStat = {
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

type OsdEntryOfMap = OsdMap['osds'][number];

function osdsById(map: OsdMap): ReadonlyMap<number, OsdEntryOfMap> {
  return once('osds_by_id', map, () => new Map(map.osds.map((o) => [o.osd, o])));
}

function classesOf(crush: CrushMap | null): ReadonlyMap<number, string | undefined> | null {
  if (crush === null) return null;
  return once('device_classes', crush, () => new Map((crush.devices ?? []).map((d) => [d.id, d.class])));
}

/** The `pool_statfs` entries of one report, each with its pool (Ceph sends a list; older dumps a map by pool). */
export function poolStatfsOf(list: unknown): { pool: number; statfs: Record<string, unknown> }[] {
  const out: { pool: number; statfs: Record<string, unknown> }[] = [];
  if (list === null || typeof list !== 'object') return out;
  const entries = Array.isArray(list)
    ? (list as Record<string, unknown>[])
    : Object.entries(list as Record<string, Record<string, unknown>>).map(([k, v]) => ({ poolid: Number(k), ...v }));
  for (const e of entries) {
    const pool = typeof e.poolid === 'number' ? e.poolid : Number.NaN;
    if (Number.isInteger(pool)) out.push({ pool, statfs: e });
  }
  return out;
}

/** Adds a statfs to `sums` (`store_statfs_t::add`: the number fields). */
export function addStatfsTo(sums: { add(i: number, x: number): void }, statfs: Partial<Record<string, unknown>>): void {
  for (let i = 0; i < N_STATFS; i++) {
    const v = statfs[STATFS_FIELDS[i]!];
    if (typeof v === 'number') sums.add(i, v);
  }
}

/** The stat the PG map holds for reporter `name` (an out OSD's as a default one), with its OSD id; null if none. */
function statOf(
  name: string,
  r: PgReport,
  inMap: ReadonlyMap<number, OsdEntryOfMap> | null,
): { id: number; stat: OsdStat } | null {
  if (!name.startsWith('osd.') || r.osdStat === null) return null;
  const id = Number(name.slice(4));
  if (!Number.isInteger(id) || id < 0) return null;
  let stat = r.osdStat;
  if (inMap !== null) {
    const o = inMap.get(id);
    if (o === undefined) return null;
    if (o.in === 0 && (stat.statfs?.total ?? 0) !== 0) stat = { ...ZERO_OSD_STAT, osd: id };
  }
  return { id, stat };
}

function buildPart(chunk: TableChunk<PgReport>, entry: OsdMapEntry | undefined): OsdStatsPart {
  const inMap = entry === undefined ? null : osdsById(entry.map);
  const classes = classesOf(entry?.crush ?? null);
  const found: { id: number; stat: OsdStat; order: number; name: string }[] = [];
  const pools = new Map<number, { sum: SumBuilder; count: number }>();
  const lists: [number, readonly unknown[]][] = [];
  for (const name of Object.keys(chunk.values)) {
    const r = chunk.values[name]!;
    const order = chunk.order[name]!;
    for (const { pool, statfs } of poolStatfsOf(r.poolStatfs)) {
      let p = pools.get(pool);
      if (p === undefined) {
        p = { sum: new SumBuilder(N_STATFS), count: 0 };
        pools.set(pool, p);
      }
      addStatfsTo(p.sum, statfs);
      p.count++;
    }
    if (Array.isArray(r.poolStatfs) && r.poolStatfs.length > 0) lists.push([order, r.poolStatfs]);
    const st = statOf(name, r, inMap);
    if (st !== null) found.push({ id: st.id, stat: st.stat, order, name });
  }
  found.sort((a, b) => a.id - b.id || a.order - b.order);
  const sums = new SumBuilder(OSD_SUM_FIELDS.length);
  const hist = new SumBuilder(0);
  const byClass = new Map<string, { sum: SumBuilder; count: number }>();
  for (const f of found) {
    addOsdStat(sums, hist, f.stat);
    const cls = classes?.get(f.id);
    if (cls === undefined) continue;
    let c = byClass.get(cls);
    if (c === undefined) {
      c = { sum: new SumBuilder(N_STATFS), count: 0 };
      byClass.set(cls, c);
    }
    if (f.stat.statfs != null) addStatfsTo(c.sum, f.stat.statfs as Partial<Record<string, unknown>>);
    c.count++;
  }
  return {
    ids: found.map((f) => f.id),
    stats: found.map((f) => f.stat),
    orders: found.map((f) => f.order),
    names: found.map((f) => f.name),
    sums: sums.part(),
    hist: hist.part(),
    poolStatfs: new Map([...pools].map(([k, p]) => [k, { sum: p.sum.part(), count: p.count }])),
    poolStatfsLists: lists.sort((a, b) => a[0] - b[0]),
    byClass: new Map([...byClass].map(([k, c]) => [k, { sum: c.sum.part(), count: c.count }])),
    ruleMin: new Map(),
  };
}

/** The histogram length of a stat's `op_queue_age_hist` (0 without one). */
function histLength(st: OsdStat): number {
  const h = ((st as Record<string, unknown>).op_queue_age_hist as { histogram?: unknown } | undefined)?.histogram;
  return Array.isArray(h) ? h.length : 0;
}

/** A part's sums with one entry's addends taken out (`sign` -1) or put in (+1). */
interface PartDelta {
  readonly sums: SumDelta;
  readonly hist: SumDelta;
  readonly pools: Map<number, { sum: SumDelta; count: number }>;
  readonly byClass: Map<string, { sum: SumDelta; count: number }>;
}

/**
 * The part of `chunk` from the part of the chunk that held its place before (`prev`, same keys, same OSD map):
 * the reporters that are other objects are taken out of its sums and put in again as they are now, the rest kept.
 * Null when that would not give what {@link buildPart} gives: a sum left the exact integers, a reporter gained or
 * lost its OSD stat or changed its histogram's length, or most reporters changed.
 */
function deltaPart(
  chunk: TableChunk<PgReport>,
  prevChunk: TableChunk<PgReport>,
  prev: OsdStatsPart,
  entry: OsdMapEntry | undefined,
): OsdStatsPart | null {
  const keys = Object.keys(chunk.values);
  const changed: string[] = [];
  for (const key of keys) if (chunk.values[key] !== prevChunk.values[key]) changed.push(key);
  if (changed.length * 4 > keys.length * 3) return null;
  const inMap = entry === undefined ? null : osdsById(entry.map);
  const classes = classesOf(entry?.crush ?? null);
  const d: PartDelta = {
    sums: new SumDelta(prev.sums),
    hist: new SumDelta(prev.hist),
    pools: new Map(),
    byClass: new Map(),
  };
  const poolOf = (pool: number) => {
    let p = d.pools.get(pool);
    if (p === undefined) {
      const held = prev.poolStatfs.get(pool);
      p =
        held === undefined
          ? {
              sum: new SumDelta({ v: new Array(N_STATFS).fill(0), abs: new Array(N_STATFS).fill(0), exact: true }),
              count: 0,
            }
          : { sum: new SumDelta(held.sum), count: held.count };
      d.pools.set(pool, p);
    }
    return p;
  };
  const classOf = (cls: string) => {
    let c = d.byClass.get(cls);
    if (c === undefined) {
      const held = prev.byClass.get(cls);
      if (held === undefined) return null;
      c = { sum: new SumDelta(held.sum), count: held.count };
      d.byClass.set(cls, c);
    }
    return c;
  };
  const stats = [...prev.stats];
  let lists = prev.poolStatfsLists;
  for (const name of changed) {
    const before = prevChunk.values[name]!;
    const now = chunk.values[name]!;
    for (const { pool, statfs } of poolStatfsOf(before.poolStatfs)) {
      const p = poolOf(pool);
      for (let i = 0; i < N_STATFS; i++) {
        const v = statfs[STATFS_FIELDS[i]!];
        if (typeof v === 'number') p.sum.sub(i, v);
      }
      p.count--;
    }
    for (const { pool, statfs } of poolStatfsOf(now.poolStatfs)) {
      const p = poolOf(pool);
      addStatfsTo(p.sum, statfs);
      p.count++;
    }
    const hadList = Array.isArray(before.poolStatfs) && before.poolStatfs.length > 0;
    const hasList = Array.isArray(now.poolStatfs) && now.poolStatfs.length > 0;
    if (hadList || hasList) lists = [];
    const a = statOf(name, before, inMap);
    const b = statOf(name, now, inMap);
    if ((a === null) !== (b === null)) return null;
    if (a === null || b === null) continue;
    if (histLength(a.stat) !== histLength(b.stat)) return null;
    const at = prev.names.indexOf(name);
    if (at < 0 || prev.ids[at] !== a.id) return null;
    stats[at] = b.stat;
    addOsdStat({ add: (i, x) => d.sums.sub(i, x) }, { add: (i, x) => d.hist.sub(i, x) }, a.stat);
    addOsdStat(d.sums, d.hist, b.stat);
    const cls = classes?.get(a.id);
    if (cls === undefined) continue;
    const c = classOf(cls);
    if (c === null) return null;
    const sa = a.stat.statfs as Partial<Record<string, unknown>> | undefined;
    if (sa != null) {
      for (let i = 0; i < N_STATFS; i++) {
        const v = sa[STATFS_FIELDS[i]!];
        if (typeof v === 'number') c.sum.sub(i, v);
      }
    }
    if (b.stat.statfs != null) addStatfsTo(c.sum, b.stat.statfs as Partial<Record<string, unknown>>);
  }
  if (lists !== prev.poolStatfsLists) {
    const l: [number, readonly unknown[]][] = [];
    for (const key of keys) {
      const r = chunk.values[key]!;
      if (Array.isArray(r.poolStatfs) && r.poolStatfs.length > 0) l.push([chunk.order[key]!, r.poolStatfs]);
    }
    lists = l.sort((x, y) => x[0] - y[0]);
  }
  const sums = d.sums.part();
  const hist = d.hist.part();
  if (sums === null || hist === null) return null;
  const poolStatfs = new Map(prev.poolStatfs);
  for (const [pool, p] of d.pools) {
    const sum = p.sum.part();
    if (sum === null) return null;
    if (p.count === 0) poolStatfs.delete(pool);
    else poolStatfs.set(pool, { sum, count: p.count });
  }
  const byClass = new Map(prev.byClass);
  for (const [cls, c] of d.byClass) {
    const sum = c.sum.part();
    if (sum === null) return null;
    byClass.set(cls, { sum, count: c.count });
  }
  return {
    ids: prev.ids,
    stats,
    orders: prev.orders,
    names: prev.names,
    sums,
    hist,
    poolStatfs,
    poolStatfsLists: lists,
    byClass,
    ruleMin: new Map(),
  };
}

const partsMemo = new WeakMap<TableChunk<PgReport>, { entry: OsdMapEntry | undefined; part: OsdStatsPart }>();
/** By chunk index: the last chunk whose part was computed there, and the part. */
const lastAt: ({ chunk: TableChunk<PgReport>; entry: OsdMapEntry | undefined; part: OsdStatsPart } | undefined)[] = [];

/**
 * The part of one reporters chunk under the snapshot's OSD map (the last one computed for the chunk is kept): from
 * the part last computed at the chunk's place where it can (same keys, same map), else from the chunk's reporters.
 */
function partOf(chunk: TableChunk<PgReport>, at: number, entry: OsdMapEntry | undefined): OsdStatsPart {
  const held = partsMemo.get(chunk);
  if (held !== undefined && held.entry === entry) {
    lastAt[at] = { chunk, entry, part: held.part };
    return held.part;
  }
  const before = lastAt[at];
  const part =
    (before !== undefined && before.entry === entry && before.chunk.order === chunk.order
      ? deltaPart(chunk, before.chunk, before.part, entry)
      : null) ?? buildPart(chunk, entry);
  partsMemo.set(chunk, { entry, part });
  lastAt[at] = { chunk, entry, part };
  return part;
}

/**
 * Each OSD's last stat by id, in id order, as the PG map holds them (gone if the map no longer has the OSD, an out
 * OSD's as a default one), with the parts they were combined from.
 */
export interface OsdStatsTable {
  readonly ids: readonly number[];
  readonly stats: readonly OsdStat[];
  readonly size: number;
  get(id: number): OsdStat | undefined;
  /** The parts, one per non-empty chunk of the reporters table. */
  readonly parts: readonly OsdStatsPart[];
  /**
   * Two reporters name the same OSD (`osd.1`, `osd.01`): the later one's stat is kept, and the parts' sums, which
   * count both, do not apply.
   */
  readonly clash: boolean;
}

/** {@link OsdStatsTable} of a snapshot: once per (reporters, OSD map) pair; O(OSDs) pointer moves, no per-OSD work. */
export function osdStatsTable(s: ClusterState): OsdStatsTable {
  return once('osd_stats_table', pairKey(s.pgStats.reporters, s.maps.osd_map), () => combine(s));
}

function combine(s: ClusterState): OsdStatsTable {
  const entry = s.maps.osd_map;
  const parts: OsdStatsPart[] = [];
  let count = 0;
  let maxId = -1;
  const chunks = s.pgStats.reporters.chunks;
  for (let at = 0; at < chunks.length; at++) {
    const chunk = chunks[at];
    if (chunk === null || chunk === undefined) continue;
    const part = partOf(chunk, at, entry);
    parts.push(part);
    count += part.ids.length;
    if (part.ids.length > 0) maxId = Math.max(maxId, part.ids.at(-1)!);
  }
  let clash = false;
  let ids: number[];
  let stats: OsdStat[];
  let byId: ((id: number) => OsdStat | undefined) | undefined;
  if (maxId < 4 * count + 1024) {
    const dense = new Array<OsdStat | undefined>(maxId + 1);
    const order = new Array<number>(maxId + 1);
    for (const p of parts) {
      for (let i = 0; i < p.ids.length; i++) {
        const id = p.ids[i]!;
        if (dense[id] !== undefined) {
          clash = true;
          if (order[id]! > p.orders[i]!) continue;
        }
        dense[id] = p.stats[i]!;
        order[id] = p.orders[i]!;
      }
    }
    ids = [];
    stats = [];
    for (let id = 0; id <= maxId; id++) {
      const st = dense[id];
      if (st === undefined) continue;
      ids.push(id);
      stats.push(st);
    }
    byId = (id) => (Number.isInteger(id) && id >= 0 ? dense[id] : undefined);
  } else {
    const all = new Map<number, { stat: OsdStat; order: number }>();
    for (const p of parts) {
      for (let i = 0; i < p.ids.length; i++) {
        const held = all.get(p.ids[i]!);
        if (held !== undefined) {
          clash = true;
          if (held.order > p.orders[i]!) continue;
        }
        all.set(p.ids[i]!, { stat: p.stats[i]!, order: p.orders[i]! });
      }
    }
    ids = [...all.keys()].sort((a, b) => a - b);
    stats = ids.map((id) => all.get(id)!.stat);
    byId = (id) => all.get(id)?.stat;
  }
  return {
    ids: Object.freeze(ids),
    stats: Object.freeze(stats),
    size: ids.length,
    get: byId,
    parts: Object.freeze(parts),
    clash,
  };
}

/**
 * The reporters' `pool_statfs` lists in the table's order, flattened (`osd_stats`' `pool_statfs`): O(reporters
 * that sent one).
 */
export function poolStatfsList(t: OsdStatsTable): readonly unknown[] {
  const lists: (readonly [number, readonly unknown[]])[] = [];
  for (const p of t.parts) for (const l of p.poolStatfsLists) lists.push(l);
  if (lists.length === 0) return [];
  lists.sort((a, b) => a[0] - b[0]);
  return lists.flatMap((l) => l[1]);
}
