/** The keys and values of a record, in its own order. */
export interface RecordEntries<V> {
  readonly keys: readonly string[];
  readonly values: readonly V[];
}

const held = new WeakMap<object, RecordEntries<unknown>>();

/**
 * Notes the key and value lists a record was built from, so that {@link recordEntries} gives them back: a record of
 * thousands of keys (one per daemon) is slow to list again.
 */
export function keepEntries<V>(record: object, keys: readonly string[], values: readonly V[]): void {
  held.set(record, Object.freeze({ keys: Object.freeze(keys), values: Object.freeze(values) }));
}

/**
 * `Object.keys(record)` and `Object.values(record)`, frozen. For a record an accessor returned (a daemon's
 * `get_all_perf_counters()`, `get_daemon_health_metrics()`) these are the lists it was built from, at no cost; V8
 * lists the keys of a large record in O(n log n), milliseconds at 10,000 daemons. Do not change the lists.
 */
export function recordEntries<V>(record: { readonly [key: string]: V }): RecordEntries<V> {
  let e = held.get(record) as RecordEntries<V> | undefined;
  if (e === undefined) {
    e = Object.freeze({ keys: Object.freeze(Object.keys(record)), values: Object.freeze(Object.values(record)) });
    // Only a frozen record's lists stay true.
    if (Object.isFrozen(record)) held.set(record, e);
  }
  return e;
}
