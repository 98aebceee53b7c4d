import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Module } from '../../modules/prometheus/module.ts';
import type { ClusterCommander } from '../../src/cluster/cluster-commander.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { initialRbdDirectories, initialRbdImages } from '../../src/sim/rbd-images.ts';
import { resolveSimOptions, type SimOptionsInput } from '../../src/sim/sim-options.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { freePort, type Parsed, parseExposition, sampleValue } from './prometheus-helpers.ts';

const OPTIONS: SimOptionsInput = {
  osds: 6,
  hosts: 3,
  pgs: 64,
  duration: 120,
  statsPeriod: 2,
  seed: 7,
  scenario: false,
};

/** The prometheus module over a simulated cluster whose OSDs take the manager's OSD perf queries. */
async function rbdHarness(t: { after(fn: () => Promise<void>): void }, pools: string | null) {
  const sim = new SimulatedCluster(OPTIONS);
  const commander: ClusterCommander = {
    command: async () => ({ retval: -95, outb: '', outs: 'not here' }),
    osdPerfQueries: (queries) => sim.setOsdPerfQueries(queries),
    initialObjects: () => initialRbdDirectories(resolveSimOptions(OPTIONS)),
  };
  const port = await freePort();
  const h = await createModuleHarness<Module>({
    module: Module,
    name: 'prometheus',
    commander,
    config: {
      'mgr/prometheus/server_addr': '127.0.0.1',
      'mgr/prometheus/server_port': String(port),
      ...(pools === null ? {} : { 'mgr/prometheus/rbd_stats_pools': pools }),
    },
  });
  t.after(() => h.stop());
  const events: object[] = [];
  const advance = async (s: number) => {
    const batch = sim.advanceTo(sim.startMs + s * 1000);
    events.push(...batch);
    for (let i = 0; i < batch.length; i += 50) await h.push(...batch.slice(i, i + 50));
  };
  const scrape = (): Parsed => {
    const p = parseExposition(h.module.metrics().toString('utf8'));
    assert.deepEqual(p.problems, []);
    return p;
  };
  return { sim, h, advance, scrape, events };
}

const FAMILIES: Array<[string, string]> = [
  ['ceph_rbd_write_ops', 'RBD image writes count'],
  ['ceph_rbd_read_ops', 'RBD image reads count'],
  ['ceph_rbd_write_bytes', 'RBD image bytes written'],
  ['ceph_rbd_read_bytes', 'RBD image bytes read'],
  ['ceph_rbd_write_latency_sum', 'RBD image writes latency (msec) Total'],
  ['ceph_rbd_write_latency_count', 'RBD image writes latency (msec) Count'],
  ['ceph_rbd_read_latency_sum', 'RBD image reads latency (msec) Total'],
  ['ceph_rbd_read_latency_count', 'RBD image reads latency (msec) Count'],
];

describe('prometheus rbd_stats_pools on a simulated cluster', () => {
  it("exports each image of the pool's rbd_directory with the OSDs' counts for the module's OSD perf query", async (t) => {
    const { h, advance, scrape, events } = await rbdHarness(t, 'rbd');
    await advance(4);
    // The first collection adds the query and lists the images in the background.
    scrape();
    const images = initialRbdImages(7, resolveSimOptions(OPTIONS).pgNums.length, 6).get(1)!;
    for (let i = 0; i < 1000 && !scrape().families.has('ceph_rbd_write_ops'); i++) {
      await new Promise((r) => setImmediate(r));
    }
    await advance(30);
    const a = scrape();
    await advance(60);
    const b = scrape();
    for (const [name, help] of FAMILIES) {
      const f = b.families.get(name);
      assert.ok(f !== undefined, name);
      assert.equal(f.type, 'counter', name);
      assert.equal(f.help, help, name);
      assert.deepEqual([...f.labelNames], ['pool', 'namespace', 'image'], name);
      assert.deepEqual(
        f.samples.map((s) => [s.labels.pool, s.labels.namespace, s.labels.image]),
        images.map((im) => ['rbd', '', im.name]),
        name,
      );
    }
    // The images' ops are the pool's: what the OSDs counted for the query is what their PG stats say.
    const delta = (name: string, labels: Record<string, string>) =>
      sampleValue(b, name, labels)! - sampleValue(a, name, labels)!;
    const sum = (name: string) => images.reduce((s, im) => s + delta(name, { image: im.name }), 0);
    const poolWr = delta('ceph_pool_wr', { pool_id: '1' });
    const poolRd = delta('ceph_pool_rd', { pool_id: '1' });
    assert.ok(poolWr > 0 && poolRd > 0);
    assert.equal(sum('ceph_rbd_write_ops'), poolWr);
    assert.equal(sum('ceph_rbd_read_ops'), poolRd);
    assert.equal(sum('ceph_rbd_write_latency_count'), poolWr);
    assert.equal(sum('ceph_rbd_read_latency_count'), poolRd);
    const wrBytes = delta('ceph_pool_wr_bytes', { pool_id: '1' });
    assert.ok(
      Math.abs(sum('ceph_rbd_write_bytes') - wrBytes) <= 1024 * poolWr,
      `${sum('ceph_rbd_write_bytes')} ${wrBytes}`,
    );
    // The first image is the busiest; latencies in nanoseconds, a few milliseconds an op.
    const first = images[0]!.name;
    const last = images.at(-1)!.name;
    assert.ok(delta('ceph_rbd_write_ops', { image: first }) > delta('ceph_rbd_write_ops', { image: last }));
    const wLat =
      delta('ceph_rbd_write_latency_sum', { image: first }) / delta('ceph_rbd_write_latency_count', { image: first });
    assert.ok(wLat > 1e6 && wLat < 2e7, String(wLat));
    // The OSDs' reports carry the query as Ceph's MMgrReport does.
    const report = events.find(
      (e) => (e as { osd_perf_metric_reports?: unknown[] }).osd_perf_metric_reports?.length,
    ) as { osd_perf_metric_reports: Array<{ query: { key_descriptor: Array<{ type: string; regex: string }> } }> };
    assert.deepEqual(
      report.osd_perf_metric_reports[0]!.query.key_descriptor.map((d) => d.type),
      ['pool_id', 'namespace', 'object_name'],
    );
    assert.equal(report.osd_perf_metric_reports[0]!.query.key_descriptor[0]!.regex, '^(1)$');
    await h.stop();
  });

  it('without rbd_stats_pools: no query, no per-image families, OSD reports as before', async (t) => {
    const { h, advance, scrape, events } = await rbdHarness(t, null);
    await advance(20);
    const p = scrape();
    assert.ok(p.families.has('ceph_pool_wr'));
    assert.deepEqual(
      FAMILIES.map(([n]) => n).filter((n) => p.families.has(n)),
      [],
    );
    assert.ok(events.every((e) => !('osd_perf_metric_reports' in e)));
    await h.stop();
  });

  it('get_osd_perf_counters gives what the OSDs counted since the last call', async (t) => {
    const { h, advance } = await rbdHarness(t, null);
    await advance(4);
    const m = h.module;
    assert.equal(m.add_osd_perf_query({ key_descriptor: [], performance_counter_descriptors: ['ops'] }), null);
    assert.equal(m.get_osd_perf_counters(42), null);
    const id = m.add_osd_perf_query({
      key_descriptor: [{ type: 'pool_id', regex: '^(.*)$' }],
      performance_counter_descriptors: ['write_ops', 'write_latency'],
    })!;
    assert.equal(typeof id, 'number');
    assert.deepEqual(m.get_osd_perf_counters(id), { counters: [] });
    await advance(20);
    const first = m.get_osd_perf_counters(id)!;
    assert.ok(first.counters.length > 0);
    for (const { k, c } of first.counters) {
      assert.match(k[0]![0]!, /^\d+$/);
      assert.equal(c.length, 2);
      assert.equal(c[0]![1], 0);
      assert.equal(c[1]![1], c[0]![0]);
    }
    assert.deepEqual(m.get_osd_perf_counters(id), { counters: [] });
    m.remove_osd_perf_query(id);
    assert.equal(m.get_osd_perf_counters(id), null);
    await h.stop();
  });
});
