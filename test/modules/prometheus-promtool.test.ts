import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Module } from '../../modules/prometheus/module.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { freePort, PROM_FIXTURES, promBinary, realFamilies, recordedClusterEvents } from './prometheus-helpers.ts';

const PROMTOOL = promBinary('promtool');
const SKIP = PROMTOOL === null ? 'promtool is not installed (Debian: apt-get install -y prometheus)' : false;

/**
 * promtool's style rules that Ceph's own metric names break (`ceph_osd_op` is a counter without `_total`,
 * `ceph_osd_apply_latency_ms` abbreviates its unit, ...). Renaming would break every dashboard and alert written
 * for Ceph, so these findings are accepted, but only on names real ceph-mgr exports.
 */
const INHERITED_LINT = [
  'counter metrics should have "_total" suffix',
  'non-counter metrics should not have "_total" suffix',
  'non-histogram and non-summary metrics should not have "_sum" suffix',
  'non-histogram and non-summary metrics should not have "_count" suffix',
  'metric names should not contain abbreviated units',
  "metric names should not contain ':'",
];

function promtool(text: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL!, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('promtool check metrics', () => {
  it("finds no format problem in our exposition, and only Ceph's own naming in its lint", { skip: SKIP }, async (t) => {
    const port = await freePort();
    const h = await createModuleHarness<Module>({
      module: Module,
      name: 'prometheus',
      config: { 'mgr/prometheus/server_addr': '127.0.0.1', 'mgr/prometheus/server_port': String(port) },
    });
    t.after(() => h.stop());
    const events = recordedClusterEvents();
    for (let i = 0; i < events.length; i += 50) await h.push(...events.slice(i, i + 50));
    const { status, output } = promtool(h.module.metrics().toString('utf8'));
    // 0: clean; 3: lint findings only; 1 would be a text format error.
    assert.ok(status === 0 || status === 3, `promtool exit ${status}: ${output}`);
    const real = realFamilies();
    const unexpected = output
      .split('\n')
      .filter((l) => l.trim() !== '')
      .filter((l) => {
        const [name, ...rest] = l.split(' ');
        return !(INHERITED_LINT.includes(rest.join(' ')) && real.has(name!));
      });
    assert.deepEqual(unexpected, []);
  });

  it("rejects real ceph-mgr's exposition (a second HELP line for ceph_pool_objects_repaired)", { skip: SKIP }, () => {
    const { status, output } = promtool(readFileSync(join(PROM_FIXTURES, 'metrics-3osd.txt'), 'utf8'));
    assert.equal(status, 1);
    assert.match(output, /second HELP line for metric name "ceph_pool_objects_repaired"/);
  });
});
