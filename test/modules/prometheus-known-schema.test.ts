import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Parsed, parseExposition, prometheusHarness, recordedClusterEvents } from './prometheus-helpers.ts';

type TestContext = { after: (fn: () => Promise<void>) => void };

async function exported(t: TestContext, events: readonly object[]): Promise<Parsed> {
  const { h } = await prometheusHarness(t);
  for (let i = 0; i < events.length; i += 50) await h.push(...events.slice(i, i + 50));
  const parsed = parseExposition(h.module.metrics().toString('utf8'));
  await h.stop();
  return parsed;
}

const PERF_FAMILY = /^ceph_(osd_(op|numpg|stat_bytes|recovery)|objecter_)/;

describe('prometheus: counters a trace carries without their schema', () => {
  it("exports them with Ceph's known type and HELP, as the same trace with its recorded schemas does", async (t) => {
    const events = recordedClusterEvents();
    const stripped = events.map((e) => {
      const { perf_schema: _, ...rest } = e as { perf_schema?: unknown };
      return rest;
    });
    assert.ok(stripped.every((e) => !('perf_schema' in e)));
    const withSchema = await exported(t, events);
    const without = await exported(t, stripped);
    assert.deepEqual(without.problems, []);

    const names = [...withSchema.families.keys()].filter((n) => PERF_FAMILY.test(n));
    for (const n of ['ceph_osd_op_r', 'ceph_osd_op_w', 'ceph_osd_op_w_latency_sum', 'ceph_osd_numpg']) {
      assert.ok(names.includes(n), `${n} exported with the schema`);
    }
    assert.ok(names.includes('ceph_osd_stat_bytes_used'));
    for (const name of names) {
      const a = withSchema.families.get(name)!;
      const b = without.families.get(name);
      assert.ok(b !== undefined, `${name} exported without the schema`);
      assert.equal(b.type, a.type, `${name}: type`);
      assert.equal(b.help, a.help, `${name}: HELP`);
      assert.deepEqual(b.samples, a.samples, `${name}: samples`);
    }
    assert.equal(without.families.get('ceph_osd_op_w')?.type, 'counter');
    assert.equal(without.families.get('ceph_osd_op_w')?.help, 'Client write operations');
    assert.equal(without.families.get('ceph_osd_numpg')?.type, 'gauge');
    assert.equal(
      without.families.get('ceph_osd_op_w_latency_sum')?.help,
      'Latency of write operation (including queue time) Total',
    );
  });

  it("keeps a daemon's own schema when it sent one, and skips counters Ceph does not know", async (t) => {
    const events = recordedClusterEvents().map((e) => {
      const ev = e as {
        kind: string;
        daemon?: string;
        perf_schema?: Record<string, { description: string }>;
        counters?: object;
      };
      if (ev.kind === 'daemon_open' && ev.perf_schema !== undefined) {
        const own = { ...ev.perf_schema['osd.op_w']!, description: 'renamed by this daemon' };
        return { ...ev, perf_schema: { 'osd.op_w': own } };
      }
      if (ev.kind === 'daemon_report' && ev.counters !== undefined) {
        return { ...ev, counters: { ...ev.counters, 'osd.not_a_ceph_counter': 7 } };
      }
      return e;
    });
    const p = await exported(t, events);
    assert.equal(p.families.get('ceph_osd_op_w')?.help, 'renamed by this daemon');
    // Its schema says which counters it has, as in Ceph: the others are not exported.
    assert.equal(p.families.has('ceph_osd_op_r'), false);
    assert.equal(p.families.has('ceph_osd_not_a_ceph_counter'), false);

    const stripped = events.map((e) => {
      const { perf_schema: _, ...rest } = e as { perf_schema?: unknown };
      return rest;
    });
    const q = await exported(t, stripped);
    assert.equal(q.families.get('ceph_osd_op_w')?.help, 'Client write operations');
    assert.equal(q.families.has('ceph_osd_not_a_ceph_counter'), false);
  });
});
