import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAlertReport, summarizeAlertCheck } from '../../bench/alerts/alert-report.ts';
import type { AlertCheckResult } from '../../bench/alerts/run-alert-check.ts';

const T0 = 1_800_000_000_000;
/** At speed 10 over a 1000 s scenario, 1% of it is 1 s of wall clock. */
const at = (percent: number) => T0 + percent * 1000;

const RESULT: AlertCheckResult = {
  spec: 'sim:osds=10,scenario=osd-fail+mon-down+new-step',
  speed: 10,
  duration: 1000,
  forFactor: 10,
  startMs: T0,
  rulesFromMs: at(2),
  endMs: at(115),
  steps: [
    { name: 'osd-fail', from: at(12), to: at(42) },
    { name: 'mon-down', from: at(30), to: at(48) },
    { name: 'new-step', from: at(50), to: at(50) },
  ],
  unlistedSteps: ['new-step'],
  settleMs: 15_000,
  rules: [
    {
      alert: 'CephOSDDown',
      group: 'osd',
      conditionSeen: true,
      firings: [
        {
          from: at(13),
          to: at(44),
          activeFrom: at(12),
          causes: ['osd-fail'],
          spurious: false,
          conditionHeld: true,
        },
      ],
    },
    {
      alert: 'CephPGImbalance',
      group: 'osd',
      conditionSeen: true,
      firings: [{ from: at(52), to: at(60), activeFrom: at(51), causes: [], spurious: true, conditionHeld: false }],
    },
    { alert: 'CephMonDown', group: 'mon', conditionSeen: true, firings: [] },
    { alert: 'CephOSDFull', group: 'osd', conditionSeen: false, firings: [] },
  ],
  dashboardMetrics: [
    { name: 'ceph_osd_up', dashboards: ['ceph-cluster'], exported: true },
    { name: 'ceph_rgw_req', dashboards: ['radosgw-detail', 'radosgw-overview'], exported: false },
  ],
  exported: ['ceph_health_status', 'ceph_osd_up'],
};

describe('the report of an alert check', () => {
  it('comes down to what fired, what never did, what was spurious and which dashboard metrics are missing', () => {
    assert.deepEqual(summarizeAlertCheck(RESULT), {
      total: 4,
      fired: ['CephOSDDown', 'CephPGImbalance'],
      neverFired: ['CephMonDown', 'CephOSDFull'],
      heldTooBriefly: ['CephMonDown'],
      spurious: ['CephPGImbalance'],
      withoutCondition: ['CephPGImbalance'],
      dashboardMetrics: 2,
      missingMetrics: ['ceph_rgw_req'],
    });
  });

  it('prints them with times as shares of the scenario, in the cluster time', () => {
    const text = formatAlertReport(RESULT);
    const lines = text.split('\n');
    assert.match(text, /^Ceph's packaged alert rules \(4\) against mgrkit run --source sim:osds=10,/);
    assert.match(text, /ran at 10x real time; every for: of the rule file's copy was divided by 10 \(5m -> 30\.0s\)/);
    assert.match(text, /evaluated from 2% to 115%\./);
    assert.ok(lines.includes('  osd-fail  12-42%'), text);
    assert.ok(lines.includes('  new-step  50%'), text);
    assert.match(text, /no line in bench\/alerts\/expected-alerts\.ts.*: new-step\)/);
    assert.ok(lines.includes('Fired: 2 of 4'), text);
    assert.ok(lines.includes('  CephOSDDown      13-44% (holding from 12%) from osd-fail'), text);
    assert.ok(lines.includes('  CephPGImbalance  52-60% (holding from 51%) SPURIOUS, EXPRESSION NOT HOLDING'), text);
    assert.match(text, /^Spurious: 1 \(CephPGImbalance\)\. .*last change \+ 15% of the duration\]/m);
    assert.ok(lines.includes('Fired without its expression holding: 1 (CephPGImbalance)'), text);
    assert.ok(lines.includes('Never fired: 2'), text);
    assert.ok(lines.includes('  CephMonDown  (its expression held, too briefly for its for:)'), text);
    assert.ok(lines.includes('  CephOSDFull'), text);
    assert.match(text, /^Dashboards: 2 ceph_\* metric names .*; exported 1, missing 1:$/m);
    assert.ok(lines.includes('  ceph_rgw_req  (radosgw-detail, radosgw-overview)'), text);
    assert.doesNotMatch(text, /WARNING/);
  });

  it('warns when the rules were loaded after the first step began', () => {
    assert.match(
      formatAlertReport({ ...RESULT, rulesFromMs: at(13) }),
      /^WARNING: the rules were loaded after the first step began \(12%\)/m,
    );
  });
});
