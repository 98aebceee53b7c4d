import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { type Parsed, parseExposition, prometheusHarness, sampleValue } from './prometheus-helpers.ts';

/**
 * The inputs of Ceph's packaged fullness rules (monitoring/ceph-mixin/prometheus_alerts.yml), evaluated on one
 * scrape: CephOSDNearFull `ceph_health_detail{name="OSD_NEARFULL"} == 1`, CephOSDBackfillFull
 * `ceph_health_detail{name="OSD_BACKFILLFULL"} > 0`, CephOSDFull `ceph_health_detail{name="OSD_FULL"} > 0`,
 * CephPoolNearFull `ceph_health_detail{name="POOL_NEAR_FULL"} > 0`, CephPoolBackfillFull
 * `ceph_health_detail{name="POOL_BACKFILLFULL"} > 0`, CephPoolFull `ceph_health_detail{name="POOL_FULL"} > 0`
 * (their `for:` durations are the harness's to play).
 */
function fullnessAlerts(p: Parsed): string[] {
  const rules: Array<[string, string, (v: number) => boolean]> = [
    ['CephOSDNearFull', 'OSD_NEARFULL', (v) => v === 1],
    ['CephOSDBackfillFull', 'OSD_BACKFILLFULL', (v) => v > 0],
    ['CephOSDFull', 'OSD_FULL', (v) => v > 0],
    ['CephPoolNearFull', 'POOL_NEAR_FULL', (v) => v > 0],
    ['CephPoolBackfillFull', 'POOL_BACKFILLFULL', (v) => v > 0],
    ['CephPoolFull', 'POOL_FULL', (v) => v > 0],
  ];
  const samples = p.families.get('ceph_health_detail')?.samples ?? [];
  return rules
    .filter(([, check, holds]) => samples.some((s) => s.labels.name === check && holds(s.value)))
    .map(([alert]) => alert);
}

/** `ceph_osd_stat_bytes_used / ceph_osd_stat_bytes` by daemon: the use the OSD utilisation panels and rules read. */
function osdUse(p: Parsed): Map<string, number> {
  const total = new Map(p.families.get('ceph_osd_stat_bytes')!.samples.map((s) => [s.labels.ceph_daemon!, s.value]));
  return new Map(
    p.families
      .get('ceph_osd_stat_bytes_used')!
      .samples.map((s) => [s.labels.ceph_daemon!, s.value / total.get(s.labels.ceph_daemon!)!]),
  );
}

describe('prometheus on a simulated cluster filling up', () => {
  it('fill and quota make the fullness rules fire in turn, each while its check holds', async (t) => {
    const { h } = await prometheusHarness(t);
    const duration = 100;
    const sim = new SimulatedCluster({ osds: 6, hosts: 3, pgs: 64, duration, seed: 5, scenario: ['fill', 'quota'] });
    const scrapeAt = async (f: number): Promise<Parsed> => {
      const events = sim.advanceTo(sim.startMs + f * duration * 1000);
      for (let i = 0; i < events.length; i += 50) await h.push(...events.slice(i, i + 50));
      const p = parseExposition(h.module.metrics().toString('utf8'));
      assert.deepEqual(p.problems, []);
      return p;
    };
    const before = await scrapeAt(0.1);
    assert.deepEqual(fullnessAlerts(before), []);
    const use0 = osdUse(before);
    assert.ok(
      [...use0.values()].every((u) => u > 0.1 && u < 0.85),
      [...use0].join(' '),
    );
    for (const s of before.families.get('ceph_pool_stored')!.samples) assert.ok(s.value > 0, 'stored is not 0');
    const percent0 = before.families.get('ceph_pool_percent_used')!.samples;
    assert.ok(percent0.every((s) => s.value > 0 && s.value < 1));

    const near = await scrapeAt(0.16);
    assert.deepEqual(fullnessAlerts(near), ['CephOSDNearFull']);
    const nearUse = [...osdUse(near)].filter(([, u]) => u > 0.85);
    assert.equal(nearUse.length, 1, 'one OSD over the nearfull ratio');
    assert.equal(sampleValue(near, 'ceph_health_detail', { name: 'POOL_NEARFULL', severity: 'HEALTH_WARN' }), 1);

    const backfill = await scrapeAt(0.21);
    assert.deepEqual(fullnessAlerts(backfill), ['CephOSDBackfillFull', 'CephPoolBackfillFull']);
    assert.ok(osdUse(backfill).get(nearUse[0]![0])! > 0.9);

    const full = await scrapeAt(0.26);
    assert.deepEqual(fullnessAlerts(full), ['CephOSDFull', 'CephPoolFull']);
    assert.equal(sampleValue(full, 'ceph_health_status'), 2);
    assert.ok(osdUse(full).get(nearUse[0]![0])! > 0.95);
    // The pools' max_avail is what the fullest OSD leaves: nothing, so each pool is 100% used.
    for (const s of full.families.get('ceph_pool_percent_used')!.samples) assert.equal(s.value, 1);

    const drained = await scrapeAt(0.4);
    assert.deepEqual(fullnessAlerts(drained), []);
    assert.ok([...osdUse(drained).values()].every((u) => u < 0.85));

    const quotaNear = await scrapeAt(0.52);
    assert.deepEqual(fullnessAlerts(quotaNear), ['CephPoolNearFull']);
    const quota = sampleValue(quotaNear, 'ceph_pool_quota_bytes', { pool_id: '1' })!;
    const stored = sampleValue(quotaNear, 'ceph_pool_stored', { pool_id: '1' })!;
    assert.ok(quota > stored && stored >= quota * 0.8, `${stored} of ${quota}`);
    const quotaFull = await scrapeAt(0.6);
    assert.deepEqual(fullnessAlerts(quotaFull), ['CephPoolFull']);
    assert.equal(sampleValue(quotaFull, 'ceph_health_detail', { name: 'POOL_FULL', severity: 'HEALTH_WARN' }), 1);
    const lifted = await scrapeAt(0.7);
    assert.deepEqual(fullnessAlerts(lifted), []);
    assert.equal(sampleValue(lifted, 'ceph_pool_quota_bytes', { pool_id: '1' }), 0);
    await h.stop();
  });
});
