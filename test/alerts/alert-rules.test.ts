import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { readAlertRules, shortenForDurations } from '../../bench/alerts/alert-rules.ts';
import { PACKAGED_RULES } from '../../bench/alerts/run-alert-check.ts';

/** Three of Ceph's rules as its file writes them (quoted durations, a rule without `for:`), and a recording rule. */
const SAMPLE = `groups:
  - name: "cluster health"
    rules:
      - alert: "CephHealthWarning"
        annotations:
          summary: "Ceph is in the WARNING state"
        expr: "ceph_health_status == 1"
        for: "15m"
        labels:
          severity: "warning"
      - alert: "CephOSDDownHigh"
        expr: "count(ceph_osd_up == 0) / count(ceph_osd_up) * 100 >= 10"
        labels:
          severity: "critical"
  - name: "mon"
    rules:
      - record: "ceph:quorum"
        expr: "count(ceph_mon_quorum_status == 1)"
      - alert: "CephMonDown"
        expr: |
          count(ceph_mon_quorum_status == 0) <= (count(ceph_mon_metadata) - floor(count(ceph_mon_metadata) / 2) + 1)
        for: 30s
`;

describe("shortening a rule file's for: durations", () => {
  it('reads the alerting rules, their expressions and waits', () => {
    assert.deepEqual(readAlertRules(SAMPLE), [
      { group: 'cluster health', alert: 'CephHealthWarning', expr: 'ceph_health_status == 1', forMs: 900_000 },
      {
        group: 'cluster health',
        alert: 'CephOSDDownHigh',
        expr: 'count(ceph_osd_up == 0) / count(ceph_osd_up) * 100 >= 10',
        forMs: 0,
      },
      {
        group: 'mon',
        alert: 'CephMonDown',
        expr: 'count(ceph_mon_quorum_status == 0) <= (count(ceph_mon_metadata) - floor(count(ceph_mon_metadata) / 2) + 1)',
        forMs: 30_000,
      },
    ]);
  });

  it('divides every for: by the factor and changes nothing else', () => {
    const s = shortenForDurations(SAMPLE, 30);
    assert.equal(s.factor, 30);
    assert.deepEqual(
      s.rules.map((r) => [r.alert, r.forMs, r.shortenedForMs]),
      [
        ['CephHealthWarning', 900_000, 30_000],
        ['CephOSDDownHigh', 0, 0],
        ['CephMonDown', 30_000, 1000],
      ],
    );
    const before = parse(SAMPLE);
    const after = parse(s.text);
    assert.equal(after.groups[0].rules[0].for, '30s');
    assert.equal(after.groups[1].rules[1].for, '1s');
    // A rule without a wait gets none.
    assert.equal('for' in after.groups[0].rules[1], false);
    before.groups[0].rules[0].for = '30s';
    before.groups[1].rules[1].for = '1s';
    assert.deepEqual(after, before);
    assert.deepEqual(
      readAlertRules(s.text).map((r) => r.forMs),
      [30_000, 0, 1000],
    );
  });

  it('rounds to the millisecond, never to no wait, and refuses a factor below 1', () => {
    const s = shortenForDurations(SAMPLE, 7);
    assert.deepEqual(
      s.rules.map((r) => r.shortenedForMs),
      [128_571, 0, 4286],
    );
    assert.equal(parse(s.text).groups[0].rules[0].for, '2m8s571ms');
    assert.equal(shortenForDurations(SAMPLE, 1e9).rules[0]!.shortenedForMs, 1);
    assert.throws(() => shortenForDurations(SAMPLE, 0.5), /1 or more/);
    assert.throws(() => shortenForDurations('groups: 3', 2), /no "groups" list/);
  });

  it("shortens Ceph's packaged rule file (ceph-prometheus-alerts 16.2.15): 58 rules", {
    skip: existsSync(PACKAGED_RULES)
      ? false
      : `${PACKAGED_RULES} is missing (apt-get install -y ceph-prometheus-alerts)`,
  }, () => {
    const text = readFileSync(PACKAGED_RULES, 'utf8');
    const s = shortenForDurations(text, 30);
    assert.equal(s.rules.length, 58);
    assert.equal(new Set(s.rules.map((r) => r.alert)).size, 58);
    for (const r of s.rules) assert.equal(r.shortenedForMs, r.forMs === 0 ? 0 : Math.round(r.forMs / 30), r.alert);
    assert.deepEqual(
      readAlertRules(s.text).map((r) => ({ ...r, forMs: 0 })),
      readAlertRules(text).map((r) => ({ ...r, forMs: 0 })),
    );
  });
});
