import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldInBatches } from '../../bench/harness.ts';
import { Collector } from '../../modules/prometheus/collector.ts';
import { HealthHistory } from '../../modules/prometheus/health-history.ts';
import type { ClusterReader } from '../../modules/prometheus/reader.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';

/**
 * An exporter over whatever `current()` returns, as the module builds it, its health history kept in `kv` (so that
 * an exporter started later knows the checks raised and cleared before, as one restarted on the same store does).
 */
function exporterOn(current: () => ClusterState, kv: Map<string, string | null>): Collector {
  const reader = Object.assign(new Accessors(current), { release_name: 'pacific' }) as unknown as ClusterReader;
  const store = {
    get_store: (k: string) => kv.get(k) ?? null,
    set_store: async (k: string, v: string | null) => {
      kv.set(k, v);
    },
  };
  const history = new HealthHistory(store, () => {});
  return new Collector(reader, history, { warn() {}, error() {} });
}

const withoutTimings = (b: Buffer) =>
  b
    .toString()
    .split('\n')
    .filter((l) => !l.startsWith('ceph_prometheus_collect_duration_seconds'))
    .join('\n');

describe('prometheus body built from the one before', () => {
  it('is the body built from nothing on the same snapshot, snapshot after snapshot', () => {
    // Snapshots 100 ms apart: a few OSDs report in each, so most chunks and blocks are taken over and the changed
    // reporters, PG buckets and daemons are followed one by one; the scenario also fails and recovers OSDs.
    const sim = new SimulatedCluster({ osds: 600, hosts: 20, pgs: 2048, seed: 7, duration: 40, statsPeriod: 5 });
    let state = foldInBatches(createEmptyState(), sim.advanceTo(sim.startMs + 6_000)).state;
    let current = state;
    const kv = new Map<string, string | null>();
    const incremental = exporterOn(() => current, kv);
    incremental.metrics();
    let compared = 0;
    for (let step = 1; sim.now < sim.startMs + 30_000; step++) {
      state = foldInBatches(state, sim.advanceTo(sim.now + 100)).state;
      current = state;
      const body = incremental.metrics();
      if (step % 20 !== 0) continue;
      // A deep copy shares no object with any snapshot before: every view and line is built anew.
      const copy = structuredClone(state);
      const scratch = exporterOn(() => copy, kv).metrics();
      assert.equal(withoutTimings(body), withoutTimings(scratch), `at ${sim.now - sim.startMs} ms`);
      compared++;
    }
    assert.ok(compared >= 10);
  });
});
