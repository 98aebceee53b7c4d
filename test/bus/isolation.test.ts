import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrModule, type NotifyType } from '../../src/index.ts';
import { WHOLE_TRACE, waitFor } from '../helpers.ts';

const ALL: NotifyType[] = ['osd_map', 'health', 'pg_summary', 'clog'];

class Counter extends MgrModule {
  static NOTIFY_TYPES = ALL;
  got: string[] = [];
  notify(type: NotifyType) {
    this.got.push(type);
  }
}

class Thrower extends MgrModule {
  static NOTIFY_TYPES = ALL;
  notify(): void {
    throw new Error('thrower always fails');
  }
}

class Hanger extends MgrModule {
  static NOTIFY_TYPES = ALL;
  calls = 0;
  notify(): Promise<void> {
    this.calls++;
    return new Promise(() => {}); // never settles
  }
}

describe('module isolation', () => {
  it('a module that throws (counted, not failed) and one that never returns do not stop a third from getting every cue', async () => {
    const solo = await createModuleHarness<Counter>({ module: Counter, name: 'counter' });
    await solo.replay(WHOLE_TRACE, 16);
    await solo.end();
    await solo.stop();
    const expected = solo.module.got;
    assert.ok(expected.length > 250);

    const h = await createModuleHarness<Counter>({
      module: Counter,
      name: 'counter',
      others: { thrower: Thrower, hanger: Hanger },
      queueCapacity: 32,
    });
    await h.replay(WHOLE_TRACE, 16);
    await h.end();
    assert.deepEqual(h.module.got, expected, 'the third module got every cue, in order');

    const stats = h.host.modules.stats();
    assert.equal(stats.thrower!.errors, expected.length, 'every throw is caught and counted');
    assert.equal(stats.thrower!.status, 'running', 'a module whose notify throws keeps running');
    // As Ceph's: an exception in notify is logged and counted, but does not fail the module.
    assert.equal(h.host.health.all().MGR_MODULE_ERROR, undefined);

    const hanger = h.host.modules.instance<Hanger>('hanger')!;
    assert.equal(hanger.calls, 1, 'the hung module is still inside its first notify');
    assert.ok(stats.hanger!.coalesced + stats.hanger!.dropped > 0, 'its queue coalesced');
    assert.ok(stats.hanger!.received.osd_map! > 0);
    await h.stop();
  });

  it('coalescing keeps the newest cue per type and id, and bounds the queue', async () => {
    const h = await createModuleHarness<Counter>({
      module: Counter,
      name: 'counter',
      others: { hanger: Hanger },
      queueCapacity: 8,
    });
    await h.replay(WHOLE_TRACE, 64);
    const s = h.host.modules.stats().hanger!;
    const received = Object.values(s.received).reduce((a, b) => a + (b ?? 0), 0);
    // Everything beyond the one cue being delivered and the 8 the queue may hold was coalesced or dropped.
    assert.equal(received - 1 - s.coalesced - s.dropped <= 8, true);
    assert.ok(s.coalesced > 0);
    await h.stop();
  });

  it('a module whose serve() throws is marked failed and raises MGR_MODULE_ERROR; the others go on', async () => {
    class BadServe extends MgrModule {
      static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
      async serve() {
        throw new Error('serve exploded');
      }
    }
    const h = await createModuleHarness<Counter>({ module: Counter, name: 'counter', others: { badserve: BadServe } });
    await waitFor('serve() to fail', () => h.host.modules.stats().badserve?.status === 'failed');
    await h.replay(WHOLE_TRACE, 64);
    const s = h.host.modules.stats();
    assert.equal(s.badserve!.status, 'failed');
    assert.equal(s.badserve!.error_string, 'serve exploded');
    assert.equal(h.host.health.all().MGR_MODULE_ERROR?.summary.message, "Module 'badserve' has failed: serve exploded");
    assert.ok(h.module.got.length > 250);
    await h.stop();
  });
});
