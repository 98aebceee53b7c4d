import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrError, MgrModule, RemoteError } from '../../src/index.ts';

class Caller extends MgrModule {
  static NOTIFY_TYPES = [];
}

class Target extends MgrModule {
  static NOTIFY_TYPES = [];
  stored: { list: number[] } = { list: [1] };
  echo(x: unknown) {
    return x;
  }
  keep(x: { list: number[] }) {
    this.stored = x;
    return this.stored;
  }
  async later(n: number) {
    // Answers on a later turn of the event loop, as an async method that does I/O would.
    await new Promise((r) => setImmediate(r));
    return n * 2;
  }
  boom() {
    throw new Error('target exploded');
  }
}

describe('remote()', () => {
  it('calls another enabled module, sync or async, with copies both ways: no shared mutation', async () => {
    const h = await createModuleHarness({ module: Caller, name: 'caller', others: { target: Target } });
    const target = h.host.modules.instance<Target>('target')!;
    assert.equal(await h.module.remote('target', 'later', 21), 42);
    const arg = { list: [1, 2, 3] };
    const back = await h.module.remote<{ list: number[] }>('target', 'keep', arg);
    assert.deepEqual(back, arg);
    arg.list.push(4);
    back.list.push(5);
    assert.deepEqual(target.stored.list, [1, 2, 3], 'neither the argument nor the result is shared');
    assert.notEqual(target.stored, arg);
    await h.stop();
  });

  it('gives a typed error for a module that is not enabled, and for a missing method', async () => {
    const h = await createModuleHarness({ module: Caller, name: 'caller', others: { target: Target } });
    await assert.rejects(
      h.module.remote('nope', 'echo', 1),
      (e: unknown) => e instanceof MgrError && e.code === 'MGR_ERR_REMOTE_NOT_ENABLED' && e.errno === 2,
    );
    await assert.rejects(
      h.module.remote('target', 'nothing'),
      (e: unknown) => e instanceof MgrError && e.code === 'MGR_ERR_REMOTE_NO_METHOD',
    );
    await h.host.modules.disable('target', { persist: false });
    await assert.rejects(
      h.module.remote('target', 'echo', 1),
      (e: unknown) => (e as MgrError).code === 'MGR_ERR_REMOTE_NOT_ENABLED',
    );
    await h.stop();
  });

  it('re-throws an exception inside as RemoteError carrying the original message', async () => {
    const h = await createModuleHarness({ module: Caller, name: 'caller', others: { target: Target } });
    await assert.rejects(
      h.module.remote('target', 'boom'),
      (e: unknown) =>
        e instanceof RemoteError && e.message === 'target exploded' && e.module === 'target' && e.method === 'boom',
    );
    await h.stop();
  });
});
