import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CEPH_PERF_SCHEMA } from '../../schemas/daemon/ceph-perf-schema.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { parseExposition, prometheusHarness, sampleValue } from './prometheus-helpers.ts';

/** The BlueStore and BlueFS metrics Ceph's packaged Grafana dashboards (Debian's ceph-grafana-dashboards 16.2.15) read. */
const DASHBOARD_METRICS = ['ceph_bluefs_wal_total_bytes', 'ceph_bluestore_onode_hits', 'ceph_bluestore_onode_misses'];

describe('prometheus: simulated BlueStore OSDs', () => {
  it("report BlueStore's and BlueFS's counters with Ceph's schema entries", () => {
    const sim = new SimulatedCluster({ osds: 4, duration: 30, scenario: false, seed: 9 });
    const r = foldBatch(
      createEmptyState(),
      sim.advanceTo(sim.startMs + 10_000).map((event, ref) => ({ event, ref })),
    );
    assert.deepEqual(r.rejected, []);
    const schema = new Accessors(() => r.state).get_perf_schema('osd', '1')['osd.1']!;
    const ceph = CEPH_PERF_SCHEMA.osd!;
    const ours = Object.keys(schema).filter((p) => p.startsWith('bluestore.') || p.startsWith('bluefs.'));
    assert.ok(ours.length >= 20, `${ours.length} BlueStore/BlueFS counters`);
    for (const path of ours) assert.deepEqual(schema[path], ceph[path], path);
    for (const path of [
      'bluefs.wal_total_bytes',
      'bluestore.onode_hits',
      'bluestore.commit_lat',
      'bluestore.kv_sync_lat',
    ]) {
      assert.ok(ours.includes(path), path);
    }
  });

  it('exports the families the dashboards read, with plausible values', async (t) => {
    const { h } = await prometheusHarness(t);
    const sim = new SimulatedCluster({ osds: 6, duration: 60, scenario: false, seed: 9 });
    await h.push(...sim.advanceTo(sim.startMs + 20_000));
    const p = parseExposition(h.module.metrics().toString('utf8'));
    assert.deepEqual(p.problems, []);
    for (const name of DASHBOARD_METRICS) assert.equal(p.families.get(name)?.samples.length, 6, name);
    assert.equal(p.families.get('ceph_bluestore_onode_hits')?.type, 'counter');
    assert.equal(p.families.get('ceph_bluefs_wal_total_bytes')?.type, 'gauge');
    assert.equal(p.families.get('ceph_bluefs_db_used_bytes')?.help, 'Used bytes (main db device)');

    for (let o = 0; o < 6; o++) {
      const d = { ceph_daemon: `osd.${o}` };
      const v = (name: string) => sampleValue(p, name, d)!;
      // One device: RocksDB on the main device, no WAL or slow device.
      assert.equal(v('ceph_bluefs_db_total_bytes'), v('ceph_osd_stat_bytes'));
      assert.equal(v('ceph_bluefs_wal_total_bytes'), 0);
      assert.equal(v('ceph_bluefs_slow_used_bytes'), 0);
      assert.equal(v('ceph_bluestore_allocated') + v('ceph_bluefs_db_used_bytes'), v('ceph_osd_stat_bytes_used'));
      const hits = v('ceph_bluestore_onode_hits');
      const ratio = hits / (hits + v('ceph_bluestore_onode_misses'));
      assert.ok(ratio > 0.9 && ratio < 1, `onode hit ratio ${ratio}`);
      const commits = v('ceph_bluestore_commit_lat_count');
      assert.ok(commits > 0, `osd.${o} committed`);
      const commitMs = (v('ceph_bluestore_commit_lat_sum') / commits) * 1000;
      assert.ok(commitMs > 0.1 && commitMs < 100, `commit latency ${commitMs} ms`);
      const syncMs = (v('ceph_bluestore_kv_sync_lat_sum') / v('ceph_bluestore_kv_sync_lat_count')) * 1000;
      assert.ok(syncMs > 0.1 && syncMs < 50, `kv_sync latency ${syncMs} ms`);
    }
    await h.stop();
  });
});
