import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { parseSimSpec } from '../../src/sources/sim-source.ts';
import { parseExposition, prometheusHarness, sampleValue } from './prometheus-helpers.ts';

const DURATION = 60;

describe('prometheus on a simulated multisite RGW zone group (rgw-zones)', () => {
  it('exports each RGW data sync from the other zone as Pacific names it: ceph_data_sync_from_<zone>_*', async (t) => {
    assert.deepEqual(parseSimSpec('sim:osds=6,rgw=2,rgw-zones=2'), { osds: 6, rgw: 2, rgwZones: 2 });
    assert.throws(() => parseSimSpec('sim:osds=6,rgw=1,rgw-zones=2'), /2 zones need as many RGW daemons/);
    const { h } = await prometheusHarness(t);
    const sim = new SimulatedCluster({
      osds: 6,
      hosts: 3,
      pgs: 64,
      duration: DURATION,
      statsPeriod: 2,
      seed: 7,
      rgw: 2,
      rgwZones: 2,
      scenario: false,
    });
    const scrapeAt = async (s: number) => {
      const events = sim.advanceTo(sim.startMs + s * 1000);
      for (let i = 0; i < events.length; i += 50) await h.push(...events.slice(i, i + 50));
      const p = parseExposition(h.module.metrics().toString('utf8'));
      assert.deepEqual(p.problems, []);
      return p;
    };
    const first = await scrapeAt(20);
    const rgw = first.families.get('ceph_rgw_metadata')!;
    const byZone = new Map(rgw.samples.map((s) => [s.labels.ceph_daemon!.split('.')[1], s.labels.instance_id!]));
    assert.deepEqual([...byZone.keys()].sort(), ['zone', 'zone2']);
    // zone2's daemon syncs from `zone` (the dashboards' names), zone's from `zone2`.
    const fromZone = byZone.get('zone2')!;
    const fromZone2 = byZone.get('zone')!;
    const families: Array<[string, string, string]> = [
      ['fetch_bytes_sum', 'counter', 'Number of object bytes replicated Total'],
      ['fetch_bytes_count', 'counter', 'Number of object bytes replicated Count'],
      ['fetch_not_modified', 'counter', 'Number of objects already replicated'],
      ['fetch_errors', 'counter', 'Number of object replication errors'],
      ['poll_latency_sum', 'counter', 'Average latency of replication log requests Total'],
      ['poll_latency_count', 'counter', 'Average latency of replication log requests Count'],
      ['poll_errors', 'counter', 'Number of replication log request errors'],
    ];
    for (const [suffix, type, help] of families) {
      for (const [zone, instance] of [
        ['zone', fromZone],
        ['zone2', fromZone2],
      ] as const) {
        const f = first.families.get(`ceph_data_sync_from_${zone}_${suffix}`);
        assert.ok(f !== undefined, `${zone} ${suffix}`);
        assert.equal(f.type, type);
        assert.equal(f.help, help);
        assert.deepEqual([...f.labelNames], ['instance_id']);
        assert.deepEqual(
          f.samples.map((s) => s.labels.instance_id),
          [instance],
        );
      }
    }
    const second = await scrapeAt(40);
    const rate = (name: string) =>
      (sampleValue(second, name, { instance_id: fromZone })! - sampleValue(first, name, { instance_id: fromZone })!) /
      20;
    // The objects replicated are the other zone's PUTs: its daemon's ceph_rgw_put rate.
    const putRate =
      (sampleValue(second, 'ceph_rgw_put', { instance_id: fromZone2 })! -
        sampleValue(first, 'ceph_rgw_put', { instance_id: fromZone2 })!) /
      20;
    const objects = rate('ceph_data_sync_from_zone_fetch_bytes_count');
    assert.ok(putRate > 0 && Math.abs(objects - putRate) <= 0.05 * putRate + 0.1, `${objects} vs ${putRate}`);
    assert.equal(rate('ceph_data_sync_from_zone_fetch_bytes_sum') / objects, 1024 * 1024);
    // Poll latency in seconds (a time average), some milliseconds a poll.
    const poll =
      rate('ceph_data_sync_from_zone_poll_latency_sum') / rate('ceph_data_sync_from_zone_poll_latency_count');
    assert.ok(poll > 0.001 && poll < 0.1, String(poll));
    assert.ok(rate('ceph_data_sync_from_zone_fetch_errors') < objects / 100);
    await h.stop();
  });

  it('single-site RGWs report no data sync', async (t) => {
    const { h } = await prometheusHarness(t);
    const sim = new SimulatedCluster({
      osds: 6,
      hosts: 3,
      pgs: 64,
      duration: DURATION,
      seed: 7,
      rgw: 2,
      scenario: false,
    });
    const events = sim.advanceTo(sim.startMs + 20_000);
    for (let i = 0; i < events.length; i += 50) await h.push(...events.slice(i, i + 50));
    const p = parseExposition(h.module.metrics().toString('utf8'));
    assert.ok(p.families.has('ceph_rgw_req'));
    assert.deepEqual(
      [...p.families.keys()].filter((n) => n.startsWith('ceph_data_sync')),
      [],
    );
    for (const s of p.families.get('ceph_rgw_metadata')!.samples)
      assert.match(s.labels.ceph_daemon!, /^rgw\.default\./);
    await h.stop();
  });
});
