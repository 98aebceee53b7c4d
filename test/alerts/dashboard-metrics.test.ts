import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dashboardCephMetrics, dashboardQueries, promqlMetricNames } from '../../bench/alerts/dashboard-metrics.ts';
import { PACKAGED_DASHBOARDS, readDashboards } from '../../bench/alerts/run-alert-check.ts';

describe("the metric names of dashboards' PromQL", () => {
  it('keeps metrics, not label names, strings, Grafana variables, ranges or functions', () => {
    const cases: Array<[string, string[]]> = [
      ['sum by (ceph_daemon) (ceph_osd_metadata{job=~"$job", ceph_daemon=~"osd.*"})', ['ceph_osd_metadata']],
      ['count(ceph_osd_up == 0) / count(ceph_osd_up) * 100 >= 10', ['ceph_osd_up']],
      [
        '(ceph_osd_up * on(ceph_daemon) group_left(hostname) ceph_osd_metadata) == 0',
        ['ceph_osd_metadata', 'ceph_osd_up'],
      ],
      [
        'rate(ceph_osd_op_r_latency_sum{ceph_daemon=~"$osd"}[$__rate_interval]) / on (ceph_daemon) rate(ceph_osd_op_r_latency_count[5m]) * 1000',
        ['ceph_osd_op_r_latency_count', 'ceph_osd_op_r_latency_sum'],
      ],
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: `${osd}` is a Grafana variable
        'label_replace(rate(node_disk_io_time_seconds_total[30s]), "device", "$1", "device", "/dev/(.*)") * on(instance, device) group_left(ceph_daemon) label_replace(ceph_disk_occupation_human{ceph_daemon=~"${osd}"}, "instance", "$1", "instance", "([^:.]*).*")',
        ['ceph_disk_occupation_human', 'node_disk_io_time_seconds_total'],
      ],
      ['label_values(ceph_mds_inodes{job=~"$job"}, ceph_daemon)', ['ceph_mds_inodes']],
      ['label_values(instance)', []],
      ['label_values(ceph_osd_metadata, hostname)', ['ceph_osd_metadata']],
      [
        'ceph_pool_stored[[interval]] > bool 1e3 and ceph_health_status offset 5m',
        ['ceph_health_status', 'ceph_pool_stored'],
      ],
      ['ceph_pool_wr * on(pool_id) group_left ceph_pool_metadata', ['ceph_pool_metadata', 'ceph_pool_wr']],
      [
        'sum without (instance) (irate(ceph_rgw_req[1m])) unless ignoring(job) ceph_rgw_metadata',
        ['ceph_rgw_metadata', 'ceph_rgw_req'],
      ],
      ['topk(5, sort_desc(ceph_pool_percent_used))', ['ceph_pool_percent_used']],
    ];
    for (const [expr, names] of cases) assert.deepEqual(promqlMetricNames(expr), names, expr);
  });

  it("finds every panel's target, nested in rows, and the query variables", () => {
    const dashboard = {
      panels: [
        { targets: [{ expr: 'ceph_health_status' }, { expr: '' }] },
        { type: 'row', panels: [{ targets: [{ expr: 'sum(ceph_osd_in)' }] }] },
      ],
      rows: [{ panels: [{ targets: [{ expr: 'ceph_osd_up' }] }] }],
      templating: {
        list: [
          { type: 'datasource', query: 'prometheus' },
          { type: 'interval', query: '1m,10m' },
          { type: 'query', query: 'label_values(ceph_osd_metadata, hostname)' },
          { type: 'query', query: { query: 'label_values(ceph_mds_inodes, ceph_daemon)', refId: 'A' } },
        ],
      },
    };
    assert.deepEqual(dashboardQueries(dashboard).sort(), [
      'ceph_health_status',
      'ceph_osd_up',
      'label_values(ceph_mds_inodes, ceph_daemon)',
      'label_values(ceph_osd_metadata, hostname)',
      'sum(ceph_osd_in)',
    ]);
    assert.deepEqual(
      [
        ...dashboardCephMetrics([
          { name: 'b', json: dashboard },
          { name: 'a', json: { panels: [{ targets: [{ expr: 'node_load1 + ceph_osd_in' }] }] } },
        ]),
      ],
      [
        ['ceph_health_status', ['b']],
        ['ceph_mds_inodes', ['b']],
        ['ceph_osd_in', ['a', 'b']],
        ['ceph_osd_metadata', ['b']],
        ['ceph_osd_up', ['b']],
      ],
    );
  });

  it('reads 73 ceph_* metric names in the 13 packaged dashboards (ceph-grafana-dashboards 16.2.15)', {
    skip: existsSync(PACKAGED_DASHBOARDS)
      ? false
      : `${PACKAGED_DASHBOARDS} is missing (apt-get install -y ceph-grafana-dashboards)`,
  }, () => {
    const dashboards = readDashboards();
    assert.equal(dashboards.length, 13);
    const names = dashboardCephMetrics(dashboards);
    assert.equal(names.size, 73);
    for (const n of ['ceph_osd_metadata', 'ceph_daemon_health_metrics', 'ceph_bluestore_onode_hits', 'ceph_rgw_req']) {
      assert.ok(names.has(n), n);
    }
    assert.deepEqual(names.get('ceph_mds_inodes'), ['cephfs-overview', 'hosts-overview']);
    // Label names the dashboards use in matchers, `by` lists and label_values are not metrics.
    for (const label of ['ceph_daemon', 'ceph_version']) assert.equal(names.has(label), false, label);
  });
});
