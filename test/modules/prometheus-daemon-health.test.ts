import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { parseExposition, prometheusHarness, sampleValue } from './prometheus-helpers.ts';

describe('prometheus: what simulated OSDs and monitors report', () => {
  it('exports SLOW_OPS for every OSD and monitor, the slow ops of one, and the SLOW_OPS check', async (t) => {
    const { h } = await prometheusHarness(t);
    const sim = new SimulatedCluster({ osds: 5, duration: 60, scenario: false, seed: 2 });
    await h.push(...sim.advanceTo(sim.startMs + 5000));
    sim.setSlowOps('osd.3', 12);
    await h.push(...sim.advanceTo(sim.now + 10_000));
    const p = parseExposition(h.module.metrics().toString('utf8'));
    assert.deepEqual(p.problems, []);

    const health = p.families.get('ceph_daemon_health_metrics')!;
    const byDaemon = new Map<string, Record<string, number>>();
    for (const s of health.samples) {
      byDaemon.set(s.labels.ceph_daemon!, { ...byDaemon.get(s.labels.ceph_daemon!), [s.labels.type!]: s.value });
    }
    const expected = new Map<string, Record<string, number>>([
      ['osd.0', { SLOW_OPS: 0, PENDING_CREATING_PGS: 0 }],
      ['osd.1', { SLOW_OPS: 0, PENDING_CREATING_PGS: 0 }],
      ['osd.2', { SLOW_OPS: 0, PENDING_CREATING_PGS: 0 }],
      ['osd.3', { SLOW_OPS: 12, PENDING_CREATING_PGS: 0 }],
      ['osd.4', { SLOW_OPS: 0, PENDING_CREATING_PGS: 0 }],
      ['mon.a', { SLOW_OPS: 0 }],
      ['mon.b', { SLOW_OPS: 0 }],
      ['mon.c', { SLOW_OPS: 0 }],
    ]);
    assert.deepEqual(new Map([...byDaemon].sort()), new Map([...expected].sort()));
    assert.equal(sampleValue(p, 'ceph_healthcheck_slow_ops'), 12);
    assert.equal(sampleValue(p, 'ceph_health_detail', { name: 'SLOW_OPS', severity: 'HEALTH_WARN' }), 1);
    // The monitors' own counters, and their metadata from their sessions.
    assert.equal(p.families.get('ceph_mon_num_sessions')?.type, 'gauge');
    assert.equal(p.families.get('ceph_paxos_commit_latency_sum')?.samples.length, 3);
    assert.equal(sampleValue(p, 'ceph_mon_num_sessions', { ceph_daemon: 'mon.a' }), 3);
    const monMeta = p.families.get('ceph_mon_metadata')!.samples.find((s) => s.labels.ceph_daemon === 'mon.a');
    assert.equal(monMeta?.labels.hostname, sim.topo.hostNames[0]);
    assert.match(monMeta?.labels.ceph_version ?? '', /^ceph version 16\.2\.15 /);
    await h.stop();
  });
});
