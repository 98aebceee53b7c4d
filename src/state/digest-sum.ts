import { current, isDraft } from 'immer';
import type { PgStat } from '../../schemas/daemon/index.ts';
import {
  finish,
  fmix,
  hashOf,
  keyCode,
  type Lanes,
  lanes,
  num,
  out,
  start,
  str,
  treeHash,
  value,
} from './lane-hash.ts';
import { type Ring, ringRoll } from './ring.ts';

/** A pool's running sum and tick window, as `stats-window.ts` keeps them. */
interface WindowLeaves {
  readonly sum: readonly number[];
  readonly sumAtTick: readonly number[];
  readonly deltas: readonly unknown[];
}

/** The PG stats' running sums and tick windows, the whole map's and each pool's. */
export interface DeltasLeaves extends WindowLeaves {
  readonly version: number;
  readonly tick: number | null;
  readonly pools: { readonly [pool: string]: WindowLeaves };
}

/**
 * The state digest's sum: each leaf of the state (a PG, a daemon, a counter history, a map...) hashed on its own
 * with its place in the state, and the hashes added lane by lane, modulo 2^32. A change to the state changes the sum
 * by what its leaves' hashes changed, so the fold keeps the sum of every state it makes as it goes, at a cost that
 * follows what changed (`fold.ts`); `fullDigestSum` (`full-digest-sum.ts`) adds up every leaf of a state afresh, which must agree.
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

/** The hash of a map, a schema, metadata: as a tree ({@link treeHash}), each frozen part's hash kept. */
function valueLanes(v: unknown): Lanes {
  return treeHash(isDraft(v) ? current(v) : v);
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
export function reporterLeaf(name: string, order: number, report: object): Lanes {
  start();
  str('reporter');
  str(name);
  num(order);
  value(report);
  finish();
  return lanesOfOut();
}

/** A field of a state object or of its draft, as it is now, without making a draft of it. */
function fieldOf(o: object, key: string): unknown {
  const v = Object.getOwnPropertyDescriptor(o, key)?.value;
  return isDraft(v) ? current(v) : v;
}

/**
 * A daemon's leaf: who it is (type, id, host, whether its session is open, metadata, perf schema), with its place in
 * the table's order. Metadata and perf schema enter by their own hashes, kept per object. What each report changes
 * is a leaf of its own ({@link daemonReportLeaf}), and so is each counter history.
 */
export function daemonLeaf(name: string, order: number, d: object): Lanes {
  const meta = valueLanes(fieldOf(d, 'metadata'));
  const schema = valueLanes(fieldOf(d, 'perfSchema'));
  start();
  str('daemon');
  str(name);
  num(order);
  value(fieldOf(d, 'type'));
  value(fieldOf(d, 'id'));
  value(fieldOf(d, 'hostname'));
  value(fieldOf(d, 'open'));
  lanes(meta[0], meta[1], meta[2], meta[3]);
  lanes(schema[0], schema[1], schema[2], schema[3]);
  finish();
  return lanesOfOut();
}

/**
 * What a daemon's reports said of it: its status, its health metrics, the last report's time and (an OSD that
 * reported any) its OSD perf query totals.
 */
export function daemonReportLeaf(
  name: string,
  status: unknown,
  healthMetrics: unknown,
  lastReport: unknown,
  osdPerfTotals?: unknown,
): Lanes {
  start();
  str('daemon-report');
  str(name);
  value(status);
  value(healthMetrics);
  value(lastReport);
  if (osdPerfTotals !== undefined) value(osdPerfTotals);
  finish();
  return lanesOfOut();
}

/** {@link daemonReportLeaf} of a daemon's record (or its draft), as it is now. */
export function daemonReportLeafOf(name: string, d: object): Lanes {
  return daemonReportLeaf(
    name,
    fieldOf(d, 'status'),
    fieldOf(d, 'healthMetrics'),
    fieldOf(d, 'lastReport'),
    fieldOf(d, 'osdPerfTotals'),
  );
}

/** The hash of a daemon's name as the owner of its counter histories: computed once per report. */
export function countersKey(name: string): Lanes {
  start();
  str('counters');
  str(name);
  finish();
  return lanesOfOut();
}

/** The owner of the cluster log's history. */
export const CLOG_KEY: Lanes = hashOf('clog');

/** Per lane, what a history's length is weighted by in its leaf. */
const LENGTH_WEIGHT = [0x2545f491, 0x9e3779b9, 0x7f4a7c15, 0x6c8e9cf5] as const;

/** A history key's odd multiplier `K` and its offset `C`, per lane, set by {@link historyKey}. */
const mult = new Uint32Array(4);
const offset = new Uint32Array(4);

function historyKey(owner: Lanes, path: string | null): void {
  const code = path === null ? 0 : keyCode(path);
  const lo = code % 2 ** 32;
  const hi = Math.floor(code / 2 ** 32);
  for (let i = 0; i < 4; i++) {
    const m = fmix(owner[i]! ^ Math.imul(lo + i, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b));
    mult[i] = m | 1;
    offset[i] = fmix(m ^ 0x5bd1e995);
  }
}

/** `(roll + length * W) * K + C` in one lane. */
function historyLane(i: number, roll: Lanes, length: number): number {
  return Math.imul((roll[i]! + Math.imul(length, LENGTH_WEIGHT[i]!)) | 0, mult[i]!) + offset[i]!;
}

/**
 * A history's leaf (a counter's samples under its daemon's {@link countersKey} and its path, or the cluster log under
 * {@link CLOG_KEY}): per lane, `(roll + length * W) * K + C` modulo 2^32, where `roll` is its items' rolling hash
 * (`ring.ts`) and `K` (odd) and `C` are mixed from its owner and path. Linear in the roll, so replacing a history
 * costs a multiplication per lane, not a hash.
 */
export function ringLeaf(owner: Lanes, path: string | null, ring: Ring<unknown>): Lanes {
  const roll = ringRoll(ring);
  historyKey(owner, path);
  return [
    historyLane(0, roll, ring.length) >>> 0,
    historyLane(1, roll, ring.length) >>> 0,
    historyLane(2, roll, ring.length) >>> 0,
    historyLane(3, roll, ring.length) >>> 0,
  ];
}

/** A history replaced (`before` absent for a new one): its leaf swapped in the digest sum, with no array made. */
export function swapRing(
  owner: Lanes,
  path: string | null,
  before: Ring<unknown> | undefined,
  after: Ring<unknown>,
): void {
  const s = running;
  if (s === null) return;
  const a = ringRoll(after);
  const b = before === undefined ? undefined : ringRoll(before);
  historyKey(owner, path);
  for (let i = 0; i < 4; i++) {
    s[i]! += historyLane(i, a, after.length);
    if (b !== undefined) s[i]! -= historyLane(i, b, before!.length);
  }
}

/** A map entry's leaf: its kind, epoch, the seq and time that set it, the map's hash and the CRUSH map's. */
export function mapLeaf(
  kind: string,
  entry: { readonly epoch: number | null; readonly seq: number; readonly stamp: number; readonly crush?: unknown },
): Lanes {
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
export function windowLeaf(pool: string | null, w: DeltasLeaves | WindowLeaves): Lanes {
  start();
  str('pg-window');
  value(pool);
  if (pool === null) {
    value((w as DeltasLeaves).version);
    value((w as DeltasLeaves).tick);
  }
  value(fieldOf(w, 'sumAtTick'));
  value(fieldOf(w, 'deltas'));
  finish();
  return lanesOfOut();
}

/**
 * The sum of the leaves of a state with no event folded in: its PG stats' empty sums and windows, its empty cluster
 * log, its monitors' session up.
 */
export function emptyStateSum(deltas: DeltasLeaves, clog: Ring<unknown>, monSession: string): Lanes {
  const sum = new Uint32Array(4);
  const add = sumAdder(sum);
  deltasLeaves(deltas, add);
  add(ringLeaf(CLOG_KEY, null, clog));
  add(monSessionLeaf(monSession));
  return [sum[0]!, sum[1]!, sum[2]!, sum[3]!];
}

/** Adds leaves to `sum`, lane by lane. */
export function sumAdder(sum: Uint32Array): (l: Lanes) => void {
  return (l) => {
    sum[0]! += l[0];
    sum[1]! += l[1];
    sum[2]! += l[2];
    sum[3]! += l[3];
  };
}

/** Every leaf of the PG stats' running sums and tick windows. */
export function deltasLeaves(d: DeltasLeaves, add: (l: Lanes) => void): void {
  add(sumLeaf(null, d.sum));
  add(windowLeaf(null, d));
  for (const [pool, pd] of Object.entries(d.pools)) {
    add(sumLeaf(pool, pd.sum));
    add(windowLeaf(pool, pd));
  }
}
