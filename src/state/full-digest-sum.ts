import type { ClusterState } from './cluster-state.ts';
import {
  CLOG_KEY,
  configLeaf,
  countersKey,
  daemonLeaf,
  daemonReportLeafOf,
  deltasLeaves,
  mapLeaf,
  monSessionLeaf,
  pgLeaf,
  pgPoolLeaf,
  reporterLeaf,
  ringLeaf,
  sumAdder,
} from './digest-sum.ts';
import type { Lanes } from './lane-hash.ts';
import { poolPgs } from './pg-table.ts';

/**
 * The sum of every leaf of a state (`digest-sum.ts`), added up afresh: what the fold's running sum must equal. It
 * reads every part of the state (a stored state's parts are all read).
 */
export function fullDigestSum(s: ClusterState): Lanes {
  const sum = new Uint32Array(4);
  const add = sumAdder(sum);
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
      add(daemonReportLeafOf(name, d));
      const owner = countersKey(name);
      for (const [path, ring] of Object.entries(d.counters)) add(ringLeaf(owner, path, ring));
    }
  }
  add(ringLeaf(CLOG_KEY, null, s.clog));
  for (const [who, section] of Object.entries(s.config)) add(configLeaf(who, section));
  add(monSessionLeaf(s.monSession));
  return [sum[0]!, sum[1]!, sum[2]!, sum[3]!];
}
