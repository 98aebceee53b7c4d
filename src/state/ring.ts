import { finish, type Lanes, out, start, value, ZERO } from './lane-hash.ts';

/**
 * The newest items of a bounded history (counter samples, cluster log entries), held so that an append copies
 * nothing of what is already there: `buf` is an append-only array shared by the snapshots of one line of history,
 * and each snapshot's ring, a frozen record, names its own window `[start, start + length)` of it. An append pushes
 * past the window's end, where no snapshot looks, so a reader of an older snapshot never sees it; only when `buf`
 * has grown to one and a half times the capacity, or another snapshot has already appended past this window (a
 * fork), or `buf` is frozen (a recovered snapshot), are the kept items copied to a fresh buffer: about two items
 * copied per append, and at most half a capacity of dropped items held. Items are never written in place.
 */
export interface Ring<T> {
  readonly buf: readonly T[];
  readonly start: number;
  readonly length: number;
  /**
   * The rolling hash of the items, oldest first (see {@link ringRoll}), kept as the ring changes; absent in a ring
   * read from a store, until asked for.
   */
  readonly roll?: Lanes;
}

/** Per lane, the base of the rolling hash: odd, so that multiplying by it loses nothing modulo 2^32. */
const BASE = [0x01000193, 0x9e3779b1, 0x85ebca77, 0xc2b2ae3d] as const;

const powers = new Map<number, Lanes>();

/** `BASE ** n` per lane, modulo 2^32. */
function basePower(n: number): Lanes {
  let p = powers.get(n);
  if (p === undefined) {
    const l = [1, 1, 1, 1];
    for (let i = 0; i < n; i++) for (let j = 0; j < 4; j++) l[j] = Math.imul(l[j]!, BASE[j]!) >>> 0;
    p = l as unknown as Lanes;
    powers.set(n, p);
  }
  return p;
}

const rolls = new WeakMap<Ring<unknown>, Lanes>();

/**
 * The rolling hash of a ring's items: the sum over items, oldest first, of each item's hash (`lane-hash.ts`, keys
 * sorted) times `BASE ** (newer items)`, lane by lane modulo 2^32. An append that drops the oldest item takes its
 * term out and shifts the rest, so the hash follows the ring at the cost of the items that changed.
 */
export function ringRoll(ring: Ring<unknown>): Lanes {
  if (ring.roll !== undefined) return ring.roll;
  let r = rolls.get(ring);
  if (r === undefined) {
    r = ZERO;
    for (let i = ring.start; i < ring.start + ring.length; i++) r = rollItem(r, ring.buf[i], null);
    rolls.set(ring, r);
  }
  return r;
}

/** A ring with nothing in it. */
export function emptyRing<T>(): Ring<T> {
  return Object.freeze({ buf: [], start: 0, length: 0, roll: ZERO });
}

/** A ring holding `items`, oldest first (as a stored snapshot keeps a history). */
export function ringOf<T>(items: readonly T[]): Ring<T> {
  return Object.freeze({ buf: Object.freeze(items), start: 0, length: items.length });
}

/** `roll * BASE + hash(item)`, or with `sign` -1 `roll - hash(item) * power`, lane by lane, modulo 2^32. */
function rollItem(roll: Lanes, item: unknown, power: Lanes | null): Lanes {
  const h = itemHash(item);
  if (power !== null) {
    return [
      (roll[0] - Math.imul(h[0], power[0])) >>> 0,
      (roll[1] - Math.imul(h[1], power[1])) >>> 0,
      (roll[2] - Math.imul(h[2], power[2])) >>> 0,
      (roll[3] - Math.imul(h[3], power[3])) >>> 0,
    ];
  }
  return [
    (Math.imul(roll[0], BASE[0]) + h[0]) >>> 0,
    (Math.imul(roll[1], BASE[1]) + h[1]) >>> 0,
    (Math.imul(roll[2], BASE[2]) + h[2]) >>> 0,
    (Math.imul(roll[3], BASE[3]) + h[3]) >>> 0,
  ];
}

const itemHashes = new WeakMap<object, Lanes>();

/**
 * An item's hash. A record (a cluster log entry) is hashed once and its hash kept while it lives, as the ring drops
 * it later; a counter sample, a small array of numbers, costs less to hash again than to keep.
 */
function itemHash(item: unknown): Lanes {
  const keep = item !== null && typeof item === 'object' && !Array.isArray(item);
  if (keep) {
    const kept = itemHashes.get(item);
    if (kept !== undefined) return kept;
  }
  start();
  value(item);
  finish();
  const h: Lanes = [out[0]!, out[1]!, out[2]!, out[3]!];
  if (keep) itemHashes.set(item, h);
  return h;
}

/** The ring with `item` appended, the oldest items dropped past `capacity`. */
export function ringAppend<T>(ring: Ring<T> | undefined, item: T, capacity: number): Ring<T> {
  if (ring === undefined) return Object.freeze({ buf: [item], start: 0, length: 1, roll: rollItem(ZERO, item, null) });
  let roll = ringRoll(ring);
  // The items dropped, oldest first: one when the ring is full.
  for (let i = 0; i <= ring.length - capacity; i++)
    roll = rollItem(roll, ring.buf[ring.start + i], basePower(ring.length - 1 - i));
  roll = rollItem(roll, item, null);
  let buf = ring.buf as T[];
  let start = ring.start;
  let length = ring.length;
  const end = start + length;
  if (buf.length !== end || end >= capacity + (capacity >> 1) || Object.isFrozen(buf)) {
    const keep = Math.min(length, capacity - 1);
    buf = buf.slice(end - keep, end);
    start = 0;
    length = keep;
  } else if (length >= capacity) {
    start += length - capacity + 1;
    length = capacity - 1;
  }
  buf.push(item);
  return Object.freeze({ buf, start, length: length + 1, roll });
}

const items = new WeakMap<Ring<unknown>, readonly unknown[]>();

/** The ring's items, oldest first, as a frozen array: built once per ring, so repeated reads are O(1). */
export function ringItems<T>(ring: Ring<T>): readonly T[] {
  let v = items.get(ring);
  if (v === undefined) {
    v = Object.freeze(ring.buf.slice(ring.start, ring.start + ring.length));
    items.set(ring, v);
  }
  return v as readonly T[];
}

/** The newest item, or `undefined` for an empty ring. */
export function ringLast<T>(ring: Ring<T>): T | undefined {
  return ring.length === 0 ? undefined : ring.buf[ring.start + ring.length - 1];
}
