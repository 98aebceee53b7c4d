import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { type Parsed, parseExposition, prometheusHarness, sampleValue } from './prometheus-helpers.ts';

/**
 * Ceph's packaged alert rules on monitors (monitoring/ceph-mixin/prometheus_alerts.yml), evaluated on one scrape:
 * CephMonDownQuorumAtRisk is
 * `((ceph_health_detail{name="MON_DOWN"} == 1) * on() (count(ceph_mon_quorum_status == 1) == bool
 * (floor(count(ceph_mon_metadata) / 2) + 1))) == 1`, and CephMonDown
 * `count(ceph_mon_quorum_status == 0) <= (count(ceph_mon_metadata) - floor(count(ceph_mon_metadata) / 2) + 1)`.
 */
function monAlerts(p: Parsed): { quorumAtRisk: boolean; monDown: boolean } {
  const quorum = p.families.get('ceph_mon_quorum_status')?.samples ?? [];
  const mons = p.families.get('ceph_mon_metadata')?.samples.length ?? 0;
  const inQuorum = quorum.filter((s) => s.value === 1).length;
  const out = quorum.filter((s) => s.value === 0).length;
  const monDownCheck = sampleValue(p, 'ceph_health_detail', { name: 'MON_DOWN' }) === 1;
  return {
    quorumAtRisk: monDownCheck && inQuorum === Math.floor(mons / 2) + 1,
    // An empty `count(... == 0)` has no sample: the comparison yields nothing, the alert does not fire.
    monDown: out > 0 && out <= mons - Math.floor(mons / 2) + 1,
  };
}

describe('prometheus on a simulated monitor leaving the quorum', () => {
  it('ceph_mon_quorum_status and the health follow it, as the mon alert rules read them', async (t) => {
    const { h } = await prometheusHarness(t);
    const sim = new SimulatedCluster({ osds: 6, hosts: 3, pgs: 64, duration: 40, seed: 3, scenario: ['mon-down'] });
    const scrapeAt = async (f: number): Promise<Parsed> => {
      const events = sim.advanceTo(sim.startMs + f * 40_000);
      for (let i = 0; i < events.length; i += 50) await h.push(...events.slice(i, i + 50));
      return parseExposition(h.module.metrics().toString('utf8'));
    };
    const before = await scrapeAt(0.2);
    for (const m of ['a', 'b', 'c'])
      assert.equal(sampleValue(before, 'ceph_mon_quorum_status', { ceph_daemon: `mon.${m}` }), 1);
    assert.deepEqual(monAlerts(before), { quorumAtRisk: false, monDown: false });

    const down = await scrapeAt(0.35);
    assert.equal(sampleValue(down, 'ceph_mon_quorum_status', { ceph_daemon: 'mon.a' }), 1);
    assert.equal(sampleValue(down, 'ceph_mon_quorum_status', { ceph_daemon: 'mon.b' }), 1);
    assert.equal(sampleValue(down, 'ceph_mon_quorum_status', { ceph_daemon: 'mon.c' }), 0);
    assert.equal(down.families.get('ceph_mon_metadata')?.samples.length, 3, 'the mon map keeps all three');
    assert.equal(sampleValue(down, 'ceph_health_detail', { name: 'MON_DOWN', severity: 'HEALTH_WARN' }), 1);
    assert.equal(sampleValue(down, 'ceph_health_status'), 1);
    assert.deepEqual(monAlerts(down), { quorumAtRisk: true, monDown: true });

    const back = await scrapeAt(0.6);
    assert.equal(sampleValue(back, 'ceph_mon_quorum_status', { ceph_daemon: 'mon.c' }), 1);
    assert.equal(sampleValue(back, 'ceph_health_detail', { name: 'MON_DOWN' }), 0);
    assert.deepEqual(monAlerts(back), { quorumAtRisk: false, monDown: false });
    await h.stop();
  });
});
