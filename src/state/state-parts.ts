import type { ClogEntry, PgStat } from '../../schemas/daemon/index.ts';
import type { ClusterState, CounterSample, DaemonState, PgReport, PgStatsState } from './cluster-state.ts';
import { deepFreeze } from './deep-freeze.ts';
import { TABLE_CHUNKS, type TableChunk } from './keyed-table.ts';
import { logicalDaemon } from './logical-state.ts';
import { knownLeaf, leafHash, rememberLeaf, textLeaf } from './part-leaf.ts';
import { BUCKET_SIZE, type PgBucket, type PoolPgs } from './pg-table.ts';
import { type Ring, ringItems, ringOf } from './ring.ts';

/** Buckets of 64 PGs per PG part: about 1,024 PGs a part. */
export const PG_PART_BUCKETS = 16;

/** A pool's PG table without its PGs: its length in buckets, and per part a bit for each bucket held. */
export interface PgPoolShape {
  readonly length: number;
  readonly held: readonly number[];
}

/**
 * The state without its parts: everything small (sequence, clock, config, deltas, cluster log as an array), the
 * kinds of the maps held, the sizes of the keyed tables and the shape of the PG table.
 */
export type StateTop = Omit<ClusterState, 'maps' | 'daemons' | 'pgStats' | 'clog'> & {
  readonly maps: { readonly [kind: string]: null };
  readonly pgStats: Omit<PgStatsState, 'pgs' | 'reporters'> & {
    readonly pgs: { readonly [pool: string]: PgPoolShape };
    readonly reporters: { readonly size: number };
  };
  readonly daemons: { readonly size: number };
  readonly clog: readonly ClogEntry[];
};

/**
 * One separately stored (and separately hashed) piece of a state: a map entry (`maps/<kind>`), a chunk of the
 * daemons or reporters table (`daemons/<i>`, `reporters/<i>`), or {@link PG_PART_BUCKETS} consecutive buckets of a
 * pool's PG table (`pgs/<pool>/<n>`).
 */
export interface StatePart {
  readonly name: string;
  /** The frozen objects the part is made of: it is unchanged while they all are the same objects. */
  readonly refs: readonly unknown[];
  /** The part's logical content (histories as arrays, oldest first): what is hashed and what is stored. */
  content(): unknown;
  /**
   * Set for PG parts: their content is the JSON data reports carried, hashed and stored as its `JSON.stringify`
   * text (keys in the order the reports had them), one native serialisation for both; other parts are hashed as
   * canonical JSON and stored as msgpack.
   */
  readonly asText?: true;
}

function pgGroup(pool: ReadonlyArray<PgBucket | null>, g: number): Array<PgBucket | null> {
  const end = Math.min(pool.length, (g + 1) * PG_PART_BUCKETS);
  const out: Array<PgBucket | null> = [];
  for (let b = g * PG_PART_BUCKETS; b < end; b++) out.push(pool[b] ?? null);
  return out;
}

function heldMask(group: ReadonlyArray<PgBucket | null>): number {
  let mask = 0;
  for (let j = 0; j < group.length; j++) if (group[j] !== null) mask |= 1 << j;
  return mask;
}

function groupCount(pool: ReadonlyArray<unknown>): number {
  return Math.ceil(pool.length / PG_PART_BUCKETS);
}

/** The top of a state: what a snapshot keeps beside its list of parts. */
export function stateTop(s: ClusterState): StateTop {
  const maps: Record<string, null> = {};
  for (const [kind, entry] of Object.entries(s.maps)) if (entry !== undefined) maps[kind] = null;
  const pgs: Record<string, PgPoolShape> = {};
  for (const [pool, table] of Object.entries(s.pgStats.pgs)) {
    const held: number[] = [];
    for (let g = 0; g < groupCount(table); g++) held.push(heldMask(pgGroup(table, g)));
    pgs[pool] = { length: table.length, held };
  }
  return {
    ...s,
    maps,
    pgStats: { ...s.pgStats, pgs, reporters: { size: s.pgStats.reporters.size } },
    daemons: { size: s.daemons.size },
    clog: ringItems(s.clog),
  };
}

function byName(a: StatePart, b: StatePart): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The parts of a state, by name (code-unit order): the same list for the same content on every machine. */
export function stateParts(s: ClusterState): StatePart[] {
  const parts: StatePart[] = [];
  for (const [kind, entry] of Object.entries(s.maps)) {
    if (entry !== undefined) parts.push({ name: `maps/${kind}`, refs: [entry], content: () => entry });
  }
  s.daemons.chunks.forEach((chunk, i) => {
    if (chunk === null || chunk === undefined) return;
    parts.push({
      name: `daemons/${i}`,
      refs: [chunk],
      content: () => {
        const values: Record<string, object> = {};
        for (const [name, d] of Object.entries(chunk.values)) values[name] = logicalDaemon(d);
        return { values, order: chunk.order };
      },
    });
  });
  s.pgStats.reporters.chunks.forEach((chunk, i) => {
    if (chunk !== null && chunk !== undefined)
      parts.push({ name: `reporters/${i}`, refs: [chunk], content: () => chunk });
  });
  for (const [pool, table] of Object.entries(s.pgStats.pgs)) {
    for (let g = 0; g < groupCount(table); g++) {
      const group = pgGroup(table, g);
      if (heldMask(group) !== 0)
        parts.push({ name: `pgs/${pool}/${g}`, refs: group, content: () => group, asText: true });
    }
  }
  return parts.sort(byName);
}

/** A stored part: its name, its leaf hash, and how to read its content (called at most once). */
export interface PartSource {
  readonly name: string;
  readonly leaf: string;
  load(): unknown;
}

function once<T>(f: () => T): () => T {
  let done = false;
  let v: T;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v;
  };
}

function daemonChunk(content: unknown): TableChunk<DaemonState> {
  const c = content as { values: Record<string, DaemonState>; order: Record<string, number> };
  const values: Record<string, DaemonState> = {};
  for (const [name, d] of Object.entries(c.values)) {
    const counters: Record<string, Ring<CounterSample>> = {};
    for (const [path, items] of Object.entries(d.counters as unknown as Record<string, CounterSample[]>))
      counters[path] = ringOf(items);
    values[name] = { ...d, counters };
  }
  return deepFreeze({ values, order: c.order });
}

/** A table chunk whose content is read on first use (and then kept): frozen, read as the chunk itself. */
function lazyChunk<V>(load: () => TableChunk<V>): TableChunk<V> {
  return Object.freeze(
    Object.defineProperties({} as TableChunk<V>, {
      values: { get: () => load().values, enumerable: true },
      order: { get: () => load().order, enumerable: true },
    }),
  );
}

const bucketLoads = new WeakMap<object, () => PgBucket>();
const SLOTS: PropertyDescriptorMap = {};
for (let i = 0; i < BUCKET_SIZE; i++) {
  SLOTS[i] = {
    get(this: object) {
      return bucketLoads.get(this)?.()[i] ?? null;
    },
    enumerable: true,
  };
}

/** A bucket whose PGs are read on first use: a frozen array of {@link BUCKET_SIZE} slots. */
function lazyBucket(load: () => PgBucket): PgBucket {
  const b = Object.defineProperties([], SLOTS) as Array<PgStat | null>;
  bucketLoads.set(b, load);
  return Object.freeze(b);
}

/** A pool's PG table of lazy buckets, the leaf of each part remembered. */
function lazyPool(shape: PgPoolShape, groups: ReadonlyArray<{ g: number; src: PartSource }>): PoolPgs {
  const table = new Array<PgBucket | null>(shape.length).fill(null);
  for (const { g, src } of groups) {
    const mask = shape.held[g]!;
    const load = once(() => deepFreeze(src.load() as ReadonlyArray<PgBucket | null>));
    for (let j = 0; j < PG_PART_BUCKETS; j++) {
      if (mask & (1 << j)) table[g * PG_PART_BUCKETS + j] = lazyBucket(() => load()[j] ?? []);
    }
    rememberLeaf(pgGroup(table, g), src.leaf);
  }
  return Object.freeze(table);
}

/**
 * The state a top and its parts stand for, frozen. The maps are read at once; each other part is read on first use
 * of its content (a table chunk's `values`, a PG bucket's slots), so a state opened from a large store serves its
 * maps without reading the rest. Each part's leaf hash is remembered, so an unchanged part is not hashed again.
 */
export function assembleState(top: StateTop, sources: readonly PartSource[]): ClusterState {
  deepFreeze(top);
  const maps: Record<string, unknown> = {};
  for (const kind of Object.keys(top.maps)) maps[kind] = undefined;
  const daemons = new Array<TableChunk<DaemonState> | null>(TABLE_CHUNKS).fill(null);
  const reporters = new Array<TableChunk<PgReport> | null>(TABLE_CHUNKS).fill(null);
  const pgGroups = new Map<string, Array<{ g: number; src: PartSource }>>();
  for (const pool of Object.keys(top.pgStats.pgs)) pgGroups.set(pool, []);
  for (const src of sources) {
    const slash = src.name.indexOf('/');
    const kind = src.name.slice(0, slash);
    const rest = src.name.slice(slash + 1);
    if (kind === 'maps') {
      const entry = deepFreeze(src.load() as object);
      maps[rest] = entry;
      rememberLeaf([entry], src.leaf);
    } else if (kind === 'daemons' || kind === 'reporters') {
      const load = once(
        (): TableChunk<unknown> =>
          kind === 'daemons' ? daemonChunk(src.load()) : deepFreeze(src.load() as TableChunk<PgReport>),
      );
      const chunk = lazyChunk(load);
      (kind === 'daemons' ? daemons : reporters)[Number(rest)] = chunk as never;
      rememberLeaf([chunk], src.leaf);
    } else {
      const cut = rest.lastIndexOf('/');
      pgGroups.get(rest.slice(0, cut))!.push({ g: Number(rest.slice(cut + 1)), src });
    }
  }
  // A pool's table of lazy buckets is itself made on first use: thousands of them at 10,000 OSDs took longer to
  // build than the maps take to read, and serving the maps needs none.
  const pgs: Record<string, PoolPgs> = {};
  for (const [pool, groups] of pgGroups) {
    const shape = top.pgStats.pgs[pool]!;
    const table = once(() => lazyPool(shape, groups));
    Object.defineProperty(pgs, pool, { get: table, enumerable: true });
  }
  Object.freeze(pgs);
  return deepFreeze({
    ...top,
    maps,
    pgStats: { ...top.pgStats, pgs, reporters: { size: top.pgStats.reporters.size, chunks: reporters } },
    daemons: { size: top.daemons.size, chunks: daemons },
    clog: ringOf(top.clog),
  }) as ClusterState;
}

/**
 * The leaf hash of a part, memoised per frozen part, and, for a part hashed as its JSON text
 * ({@link StatePart.asText}) when it was hashed now, that text, to be stored as it is.
 */
export function hashPart(part: StatePart): { readonly leaf: string; readonly text?: string } {
  const known = knownLeaf(part.refs);
  if (known !== undefined) return { leaf: known };
  let hashed: { leaf: string; text?: string };
  if (part.asText) {
    const text = JSON.stringify(part.content()) ?? 'null';
    hashed = { leaf: textLeaf(text), text };
  } else hashed = { leaf: leafHash(part.content()) };
  rememberLeaf(part.refs, hashed.leaf);
  return hashed;
}

/** The leaf hash of a part, memoised per frozen part: the key it is stored under. */
export function partLeaf(part: StatePart): string {
  return hashPart(part).leaf;
}
