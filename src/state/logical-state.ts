import { type ClusterState, type CounterSample, type DaemonState, LOGICAL_FORMAT } from './cluster-state.ts';
import { tableEntries } from './keyed-table.ts';
import { type Ring, ringItems } from './ring.ts';

const daemonMemo = new WeakMap<DaemonState, object>();

/** A daemon as format 3 held it: each counter history a plain array. Built once per daemon state. */
export function logicalDaemon(d: DaemonState): object {
  let v = daemonMemo.get(d);
  if (v === undefined) {
    const counters: Record<string, readonly CounterSample[]> = {};
    for (const [path, ring] of Object.entries(d.counters)) counters[path] = ringItems(ring as Ring<CounterSample>);
    v = { ...d, counters };
    daemonMemo.set(d, v);
  }
  return v;
}

/**
 * The state as the plain JSON of format 3 ({@link LOGICAL_FORMAT}): daemons and reporters as single dictionaries in
 * insertion order, counter histories and the cluster log as arrays, oldest first. What a snapshot stores: the
 * content, not how the tables are chunked or where a ring's window sits in its buffer.
 */
export function logicalState(s: ClusterState): unknown {
  const daemons: Record<string, object> = {};
  for (const [name, d] of tableEntries(s.daemons)) daemons[name] = logicalDaemon(d);
  const reporters: Record<string, unknown> = {};
  for (const [name, r] of tableEntries(s.pgStats.reporters)) reporters[name] = r;
  return {
    ...s,
    format: LOGICAL_FORMAT,
    pgStats: { ...s.pgStats, reporters },
    daemons,
    clog: ringItems(s.clog),
  };
}
