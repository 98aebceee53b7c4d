import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrModule, type NotifyType } from '../../src/index.ts';
import { type Expectation, FIXTURES, PATCH_TRACE, readJsonl } from '../helpers.ts';

/** Records, inside each notify, what get(type) returns right then. */
class Reader extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map', 'health', 'fs_map', 'mon_map', 'mgr_map', 'service_map'];
  readings: Array<{ type: NotifyType; value: unknown }> = [];
  notify(type: NotifyType) {
    this.readings.push({ type, value: this.get(type as 'osd_map') });
  }
}

describe('a cue is sent only once the state it announces is readable', () => {
  it('inside each osd_map and health notify, get() returns the map of the event that caused it', async () => {
    const h = await createModuleHarness<Reader>({ module: Reader });
    await h.replay(PATCH_TRACE, 1);
    const expected = readJsonl<Expectation>(PATCH_TRACE.replace('.jsonl.gz', '.expect.jsonl.gz')).filter(
      (e) => e.name === 'osd_map' || e.name === 'health',
    );
    assert.equal(h.module.readings.length, expected.length);
    h.module.readings.forEach((r, i) => {
      const x = expected[i]!;
      assert.equal(r.type, x.name);
      if (x.name === 'health')
        assert.deepEqual(
          JSON.parse((r.value as { json: string }).json),
          JSON.parse((x.value as { json: string }).json),
        );
      else assert.deepEqual(r.value, x.value, `osd_map cue ${i}`);
    });
    await h.stop();
  });

  it('holds when many maps arrive in one batch: the map read is never older than the cue', async () => {
    const h = await createModuleHarness<Reader>({ module: Reader });
    await h.replay(PATCH_TRACE, 200);
    const epochs = h.module.readings
      .filter((r) => r.type === 'osd_map')
      .map((r) => (r.value as { epoch: number }).epoch);
    const events = readJsonl<{ kind: string; epoch?: number }>(PATCH_TRACE).filter((e) => e.kind === 'osd_map');
    assert.equal(epochs.length, events.length);
    for (const [i, seen] of epochs.entries()) {
      assert.ok(seen >= events[i]!.epoch!, `cue ${i}: read epoch ${seen} < ${events[i]!.epoch}`);
    }
    await h.stop();
  });

  it('for every map kind, including fs_map (which real ceph-mgr sometimes notifies before storing)', async () => {
    const h = await createModuleHarness<Reader>({ module: Reader });
    const realFs = JSON.parse(readFileSync(join(FIXTURES, 'cli-fs_dump.json'), 'utf8'));
    const realMon = JSON.parse(readFileSync(join(FIXTURES, 'cli-mon_dump.json'), 'utf8'));
    const fsMap = (epoch: number) => ({ ...realFs, epoch });
    const monMap = (epoch: number) => ({ ...realMon, epoch });
    for (let epoch = 1; epoch <= 5; epoch++) {
      await h.push(
        { kind: 'fs_map', t: epoch * 10, epoch, map: fsMap(epoch) },
        { kind: 'mon_map', t: epoch * 10, epoch, map: monMap(epoch) },
      );
    }
    const fs = h.module.readings.filter((r) => r.type === 'fs_map').map((r) => (r.value as { epoch: number }).epoch);
    assert.deepEqual(fs, [1, 2, 3, 4, 5]);
    const mon = h.module.readings.filter((r) => r.type === 'mon_map').map((r) => (r.value as { epoch: number }).epoch);
    assert.deepEqual(mon, [1, 2, 3, 4, 5]);
    await h.stop();
  });
});
