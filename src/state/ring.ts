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
}

/** A ring with nothing in it. */
export function emptyRing<T>(): Ring<T> {
  return Object.freeze({ buf: [], start: 0, length: 0 });
}

/** A ring holding `items`, oldest first (as a stored snapshot keeps a history). */
export function ringOf<T>(items: readonly T[]): Ring<T> {
  return Object.freeze({ buf: Object.freeze(items), start: 0, length: items.length });
}

/** The ring with `item` appended, the oldest items dropped past `capacity`. */
export function ringAppend<T>(ring: Ring<T> | undefined, item: T, capacity: number): Ring<T> {
  if (ring === undefined) return Object.freeze({ buf: [item], start: 0, length: 1 });
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
  return Object.freeze({ buf, start, length: length + 1 });
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
