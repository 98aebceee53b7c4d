import assert from 'node:assert/strict';
import { it } from 'node:test';
import { foldInBatches } from '../../bench/harness.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { recordEntries } from '../../src/module/record-entries.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';

it("recordEntries gives an accessor record's own keys and values, and a plain record's as they are now", () => {
  const sim = new SimulatedCluster({ osds: 40, seed: 2, scenario: false, duration: 20 });
  const state = foldInBatches(createEmptyState(), sim.advanceTo(sim.startMs + 6_000)).state;
  const acc = new Accessors(() => state);
  const records: Readonly<Record<string, unknown>>[] = [
    acc.get_all_perf_counters(),
    acc.get_all_perf_counters(0, ['osd']),
    acc.get_daemon_health_metrics(),
  ];
  for (const record of records) {
    const e = recordEntries(record);
    assert.deepEqual(e.keys, Object.keys(record));
    assert.equal(e.values.length, e.keys.length);
    for (let i = 0; i < e.keys.length; i++) assert.equal(e.values[i], record[e.keys[i]!]);
    assert.ok(e.keys.length >= 40);
  }
  const plain: Record<string, number> = { a: 1 };
  assert.deepEqual(recordEntries(plain).keys, ['a']);
  plain.b = 2;
  assert.deepEqual(recordEntries(plain).values, [1, 2]);
});
