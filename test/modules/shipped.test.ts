import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CheckResult } from '../../modules/selftest/module.ts';
import type { ClusterStatus } from '../../modules/status/module.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import type { MgrModule } from '../../src/index.ts';
import { FIXTURES, WHOLE_TRACE } from '../helpers.ts';

describe('modules that ship with mgrkit', () => {
  it('selftest exercises every accessor, options, health checks and remote, all passing', async () => {
    const h = await createModuleHarness<MgrModule & { run(): Promise<CheckResult[]> }>({ module: 'selftest' });
    await h.replay(WHOLE_TRACE, 50);
    const results = await h.module.run();
    const failed = results.filter((r) => !r.ok);
    assert.deepEqual(failed, []);
    assert.ok(results.length >= 20);
    assert.equal(
      results.find((r) => r.name === 'version')?.detail,
      'ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable) (pacific)',
    );
    await h.stop();
  });

  it('status summarises the cluster as `ceph status` does, from the accessors', async () => {
    const h = await createModuleHarness<MgrModule & { status(): ClusterStatus; text(): string }>({ module: 'status' });
    await h.replay(WHOLE_TRACE, 50);
    const s = h.module.status();
    const real = JSON.parse(readFileSync(join(FIXTURES, 'cli-status.json'), 'utf8'));
    assert.equal(s.fsid, real.fsid);
    assert.equal(s.health.status, real.health.status);
    assert.deepEqual(Object.keys(s.health.checks).sort(), Object.keys(real.health.checks).sort());
    assert.deepEqual(
      { epoch: s.osdmap!.epoch, num_osds: s.osdmap!.num_osds, up: s.osdmap!.num_up_osds, in: s.osdmap!.num_in_osds },
      {
        epoch: real.osdmap.epoch,
        num_osds: real.osdmap.num_osds,
        up: real.osdmap.num_up_osds,
        in: real.osdmap.num_in_osds,
      },
    );
    assert.equal(s.pgmap.num_pgs, real.pgmap.num_pgs);
    assert.equal(s.pgmap.num_pools, real.pgmap.num_pools);
    assert.deepEqual(s.pgmap.pgs_by_state, real.pgmap.pgs_by_state);
    assert.match(h.module.text(), /^health: HEALTH_WARN/);
    await h.stop();
  });

  it('notifylog records each cue with what the module read', async () => {
    const h = await createModuleHarness<
      MgrModule & { cues(): Array<{ type: string; epoch?: number }>; counts(): object }
    >({
      module: 'notifylog',
    });
    await h.replay(WHOLE_TRACE, 1);
    await h.end();
    assert.deepEqual(h.module.counts(), { clog: 126, health: 70, pg_summary: 70, osd_map: 33 });
    const epochs = h.module.cues().flatMap((c) => (c.type === 'osd_map' ? [c.epoch] : []));
    assert.deepEqual(
      epochs,
      Array.from({ length: 33 }, (_, i) => 14 + i),
    );
    await h.stop();
  });
});
