import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldInBatches } from '../../bench/harness.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { GET_NAMES } from '../../src/state/views/index.ts';

/** Everything a module reads of a snapshot, as text (key order included), each accessor's error in its place. */
function readAll(state: ClusterState): Map<string, string> {
  const acc = new Accessors(() => state);
  const out = new Map<string, string>();
  const read = (name: string, fn: () => unknown) => {
    try {
      out.set(name, JSON.stringify(fn()));
    } catch (e) {
      out.set(name, `throws ${(e as Error).message}`);
    }
  };
  for (const name of GET_NAMES) read(name, () => acc.get(name));
  read('get_all_perf_counters', () => acc.get_all_perf_counters());
  read('get_all_perf_counters(0, osd)', () => acc.get_all_perf_counters(0, ['osd']));
  read('get_daemon_health_metrics', () => acc.get_daemon_health_metrics());
  return out;
}

describe('views computed from the parts of the last snapshot', () => {
  it('equal the views computed from nothing on the same state, snapshot after snapshot', () => {
    // The scenario fails and recovers OSDs and PGs; 300 OSDs fill every chunk of the reporters and daemons tables.
    const sim = new SimulatedCluster({ osds: 300, hosts: 15, pgs: 1024, seed: 4, duration: 40, statsPeriod: 5 });
    let state = createEmptyState();
    let compared = 0;
    while (sim.now < sim.startMs + 30_000) {
      state = foldInBatches(state, sim.advanceTo(sim.now + 500)).state;
      // Every snapshot is read, so each one's views are built from the one before's parts.
      const incremental = readAll(state);
      if (sim.now < sim.startMs + 6_000 || (sim.now - sim.startMs) % 4_000 !== 0) continue;
      // A deep copy shares no object with any snapshot read before: every part is computed anew.
      const scratch = readAll(structuredClone(state));
      for (const [name, text] of scratch)
        assert.equal(incremental.get(name), text, `${name} at ${sim.now - sim.startMs} ms`);
      compared++;
    }
    assert.ok(compared >= 5);
  });

  it('follow a new OSD map alone: an OSD out, another of a new class, no new report', () => {
    const sim = new SimulatedCluster({ osds: 300, hosts: 15, pgs: 1024, seed: 4, duration: 40, statsPeriod: 5 });
    const state = foldInBatches(createEmptyState(), sim.advanceTo(sim.startMs + 8_000)).state;
    readAll(state);
    const entry = state.maps.osd_map!;
    const crush = entry.crush;
    const next: ClusterState = {
      ...state,
      maps: {
        ...state.maps,
        osd_map: {
          ...entry,
          map: { ...entry.map, osds: entry.map.osds.map((o) => (o.osd === 7 ? { ...o, in: 0, weight: 0 } : o)) },
          crush:
            crush === null
              ? null
              : { ...crush, devices: (crush.devices ?? []).map((d) => (d.id === 11 ? { ...d, class: 'nvme' } : d)) },
        },
      },
    };
    const incremental = readAll(next);
    const scratch = readAll(structuredClone(next));
    for (const [name, text] of scratch) assert.equal(incremental.get(name), text, name);
    assert.notEqual(incremental.get('osd_stats'), readAll(structuredClone(state)).get('osd_stats'));
  });
});
