import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterEventSchema, type OsdPerfMetricQuery, osdPerfQueryKey } from '../../schemas/index.ts';

const QUERY: OsdPerfMetricQuery = {
  key_descriptor: [
    { type: 'pool_id', regex: '^(1)$' },
    { type: 'namespace', regex: '^(.*)$' },
    { type: 'object_name', regex: '^(?:rbd|journal)_data\\.(?:([0-9]+)\\.)?([^.]+)\\.' },
  ],
  performance_counter_descriptors: ['write_ops', 'write_latency'],
};
const REPORT = { v: 1, t: 1000, kind: 'daemon_report', daemon: 'osd.0', counters: { 'osd.op_w': 3 } };

describe('osd_perf_metric_reports in a daemon_report', () => {
  it('is optional: a report without it parses as before', () => {
    const e = ClusterEventSchema.parse(REPORT);
    assert.ok(!('osd_perf_metric_reports' in e));
  });

  it("takes Ceph's query and its counts per key, and refuses what is not", () => {
    const counters = [
      {
        k: [['1'], [''], ['', '1a2b3c']],
        c: [
          [12, 0],
          [48_000_000, 12],
        ],
      },
    ];
    const e = ClusterEventSchema.parse({ ...REPORT, osd_perf_metric_reports: [{ query: QUERY, counters }] });
    assert.deepEqual((e as { osd_perf_metric_reports?: unknown }).osd_perf_metric_reports, [
      { query: QUERY, counters },
    ]);
    const bad = [
      { query: { ...QUERY, performance_counter_descriptors: ['writes'] }, counters: [] },
      { query: { ...QUERY, key_descriptor: [{ type: 'image', regex: '.' }] }, counters: [] },
      { query: QUERY, counters: [{ k: [['1']], c: [[1]] }] },
      { query: QUERY, counters: [{ k: [['1']], c: [[-1, 0]] }] },
    ];
    for (const r of bad) {
      assert.equal(ClusterEventSchema.safeParse({ ...REPORT, osd_perf_metric_reports: [r] }).success, false);
    }
  });

  it('identifies a query by its descriptors and counters, in order', () => {
    const same = JSON.parse(JSON.stringify(QUERY)) as OsdPerfMetricQuery;
    assert.equal(osdPerfQueryKey(same), osdPerfQueryKey(QUERY));
    const other: OsdPerfMetricQuery = { ...QUERY, performance_counter_descriptors: ['write_latency', 'write_ops'] };
    assert.notEqual(osdPerfQueryKey(other), osdPerfQueryKey(QUERY));
  });
});
