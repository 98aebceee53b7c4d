import { current, isDraft } from 'immer';
import type { PgStat } from '../../schemas/daemon/index.ts';
import type { ClusterState, DaemonState, MapEntry, PgReport } from './cluster-state.ts';
import { finish, hashOf, key, type Lanes, lanes, num, out, start, str, value } from './lane-hash.ts';
import { poolPgs } from './pg-table.ts';
import { type Ring, ringRoll } from './ring.ts';
import type { PgDeltas, PoolDeltas } from './stats-window.ts';

/**
 * The state digest's sum: each leaf of the state (a PG, a daemon, a counter history, a map...) hashed on its own
 * with its place in the state, and the hashes added lane by lane, modulo 2^32. A change to the state changes the sum
 * by what its leaves' hashes changed, so the fold keeps the sum of every state it makes as it goes, at a cost that
 * follows what changed (`fold.ts`); {@link fullDigestSum} adds up every leaf of a state afresh, which must agree.
 */

/** The running sum leaf changes go to while the fold applies an event, or `null`. */
let running: Uint32Array | null = null;

/** Sends leaf changes to `sum` (the fold's running sum) until called with `null`. */
export function sumInto(sum: Uint32Array | null): void {
  running = sum;
}

function lanesOfOut(): Lanes {
  return [out[0]!, out[1]!, out[2]!, out[3]!];
}

/** A leaf replaced: its old hash (none for a new leaf) taken from the sum, its new one (none when gone) added. */
export function swapLeaf(before: Lanes | undefined, after: Lanes | undefined): void {
  const s = running;
  if (s === null) return;
  if (before !== undefined) {
    s[0]! -= before[0];
    s[1]! -= before[1];
    s[2]! -= before[2];
    s[3]! -= before[3];
  }
  if (after !== undefined) {
    s[0]! += after[0];
    s[1]! += after[1];
    s[2]! += after[2];
    s[3]! += after[3];
  }
}

const memo = new WeakMap<object, Lanes>();

/** The hash of a frozen value (a map, a schema, metadata), kept while the value lives. */
function valueLanes(v: unknown): Lanes {
  if (v === null || typeof v !== 'object') return hashOf(v);
  if (isDraft(v)) return hashOf(current(v));
  let l = memo.get(v);
  if (l === undefined) {
    l = hashOf(v);
    memo.set(v, l);
  }
  return l;
}

/**
 * A PG's leaf: its stats, keys in the order its report carried them (the table's place is the stats' own `pgid`).
 * Kept per frozen stats object, so the leaf a newer report replaces is not hashed again.
 */
export function pgLeaf(stat: PgStat): Lanes {
  let l = memo.get(stat);
  if (l === undefined) {
    start();
    str('pg');
    value(stat, true);
    finish();
    l = lanesOfOut();
    memo.set(stat, l);
  }
  return l;
}

/** A pool's place in the PG table (held from its first PG until the pool is deleted, PGs or not). */
export function pgPoolLeaf(pool: string): Lanes {
  start();
  str('pg-pool');
  str(pool);
  finish();
  return lanesOfOut();
}

/** A PG reporter's last report, with its place in the table's order. */
export function reporterLeaf(name: string, order: number, report: PgReport): Lanes {
  start();
  str('reporter');
  str(name);
  num(order);
  value(report);
  finish();
  return lanesOfOut();
}

type DaemonFields = Omit<DaemonState, 'counters'>;

const DAEMON_FIELDS = ['type', 'id', 'hostname', 'open', 'status', 'healthMetrics', 'lastReport'] as const;

/** A field of a state object or of its draft, as it is now, without making a draft of it. */
function fieldOf(o: object, key: string): unknown {
  const v = Object.getOwnPropertyDescriptor(o, key)?.value;
  return isDraft(v) ? current(v) : v;
}

/**
 * A daemon's leaf: all it holds but its counter histories (each a leaf of its own), with its place in the
 * table's order. Metadata and perf schema enter by their own hashes, kept per object, since a report does not
 * change them.
 */
export function daemonLeaf(name: string, order: number, d: DaemonFields | object): Lanes {
  const meta = valueLanes(fieldOf(d, 'metadata'));
  const schema = valueLanes(fieldOf(d, 'perfSchema'));
  start();
  str('daemon');
  str(name);
  num(order);
  for (const f of DAEMON_FIELDS) {
    str(f);
    value(fieldOf(d, f));
  }
  lanes(meta[0], meta[1], meta[2], meta[3]);
  lanes(schema[0], schema[1], schema[2], schema[3]);
  finish();
  return lanesOfOut();
}

/** The hash of a daemon's name as the key of its counter histories: computed once per report. */
export function countersKey(name: string): Lanes {
  start();
  str('counters');
  str(name);
  finish();
  return lanesOfOut();
}

/** The key of the cluster log's history. */
export const CLOG_KEY: Lanes = hashOf('clog');

/**
 * A history's leaf (a counter's samples under its daemon's {@link countersKey} and its path, or the cluster log
 * under {@link CLOG_KEY}): its key, its items' rolling hash (`ring.ts`), its length.
 */
export function ringLeaf(owner: Lanes, path: string | null, ring: Ring<unknown>): Lanes {
  const roll = ringRoll(ring);
  start();
  lanes(owner[0], owner[1], owner[2], owner[3]);
  if (path !== null) key(path);
  lanes(roll[0], roll[1], roll[2], roll[3]);
  num(ring.length);
  finish();
  return lanesOfOut();
}

/** A map entry's leaf: its kind, epoch, the seq and time that set it, the map's hash and the CRUSH map's. */
export function mapLeaf(kind: string, entry: MapEntry<unknown> & { readonly crush?: unknown }): Lanes {
  const map = valueLanes(fieldOf(entry, 'map'));
  const crush = Object.hasOwn(entry, 'crush') ? valueLanes(fieldOf(entry, 'crush')) : undefined;
  start();
  str('map');
  str(kind);
  value(entry.epoch);
  num(entry.seq);
  num(entry.stamp);
  lanes(map[0], map[1], map[2], map[3]);
  if (crush !== undefined) lanes(crush[0], crush[1], crush[2], crush[3]);
  finish();
  return lanesOfOut();
}

/** A section of the central config (`global`, `osd.3`...). */
export function configLeaf(who: string, section: object): Lanes {
  start();
  str('config');
  str(who);
  value(section);
  finish();
  return lanesOfOut();
}

/** Whether the monitors' session is up. */
export function monSessionLeaf(state: string): Lanes {
  start();
  str('mon-session');
  str(state);
  finish();
  return lanesOfOut();
}

/** The running sum of PG stats, of the whole map (`pool` null) or of one pool. */
export function sumLeaf(pool: string | null, sum: readonly number[]): Lanes {
  start();
  str('pg-sum');
  value(pool);
  value(sum);
  finish();
  return lanesOfOut();
}

/** The tick window of the whole map (its version and last tick too) or of one pool: what rates are made of. */
export function windowLeaf(pool: string | null, w: PgDeltas | PoolDeltas): Lanes {
  start();
  str('pg-window');
  value(pool);
  if (pool === null) {
    value((w as PgDeltas).version);
    value((w as PgDeltas).tick);
  }
  value(fieldOf(w, 'sumAtTick'));
  value(fieldOf(w, 'deltas'));
  finish();
  return lanesOfOut();
}

/** Every leaf of the PG stats' sums and windows, for a whole sum. */
function deltasLeaves(d: PgDeltas, add: (l: Lanes) => void): void {
  add(sumLeaf(null, d.sum));
  add(windowLeaf(null, d));
  for (const [pool, pd] of Object.entries(d.pools)) {
    add(sumLeaf(pool, pd.sum));
    add(windowLeaf(pool, pd));
  }
}

/**
 * The sum of every leaf of a state, added up afresh: what the fold's running sum must equal. It reads every part
 * of the state (a stored state's parts are all read).
 */
export function fullDigestSum(s: ClusterState): Lanes {
  const sum = new Uint32Array(4);
  const add = (l: Lanes): void => {
    sum[0]! += l[0];
    sum[1]! += l[1];
    sum[2]! += l[2];
    sum[3]! += l[3];
  };
  for (const [kind, entry] of Object.entries(s.maps)) if (entry !== undefined) add(mapLeaf(kind, entry));
  for (const [pool, table] of Object.entries(s.pgStats.pgs)) {
    add(pgPoolLeaf(pool));
    for (const stat of poolPgs(table)) add(pgLeaf(stat));
  }
  for (const chunk of s.pgStats.reporters.chunks) {
    if (chunk === null) continue;
    for (const [name, report] of Object.entries(chunk.values)) add(reporterLeaf(name, chunk.order[name]!, report));
  }
  deltasLeaves(s.pgStats.deltas, add);
  for (const chunk of s.daemons.chunks) {
    if (chunk === null) continue;
    for (const [name, d] of Object.entries(chunk.values)) {
      add(daemonLeaf(name, chunk.order[name]!, d));
      const owner = countersKey(name);
      for (const [path, ring] of Object.entries(d.counters)) add(ringLeaf(owner, path, ring));
    }
  }
  add(ringLeaf(CLOG_KEY, null, s.clog));
  for (const [who, section] of Object.entries(s.config)) add(configLeaf(who, section));
  add(monSessionLeaf(s.monSession));
  return [sum[0]!, sum[1]!, sum[2]!, sum[3]!];
}

/** The sum of the empty state's leaves. */
export function emptyStateSum(s: Omit<ClusterState, 'digestSum'>): Lanes {
  return fullDigestSum({ ...s, digestSum: [0, 0, 0, 0] } as ClusterState);
}
