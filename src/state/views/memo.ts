const memos = new Map<string, WeakMap<object, unknown>>();

/**
 * Computes `fn()` once per `key` object for the view `name`, and freezes it: `key` is the part of the state the view
 * reads, which snapshots share until it changes, so an unchanged part gives back the same object.
 */
export function once<T>(name: string, key: object, fn: () => T): T {
  let memo = memos.get(name);
  if (memo === undefined) {
    memo = new WeakMap();
    memos.set(name, memo);
  }
  if (!memo.has(key)) memo.set(key, Object.freeze(fn()));
  return memo.get(key) as T;
}

const pairs = new WeakMap<object, WeakMap<object, object>>();
const NONE = {};

/** A stable object standing for a pair of state parts (the second possibly absent), to memoise on both. */
export function pairKey(a: object, b: object | undefined): object {
  let inner = pairs.get(a);
  if (inner === undefined) {
    inner = new WeakMap();
    pairs.set(a, inner);
  }
  const bk = b ?? NONE;
  let key = inner.get(bk);
  if (key === undefined) {
    key = {};
    inner.set(bk, key);
  }
  return key;
}
