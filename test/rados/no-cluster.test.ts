import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { NotifyType } from '../../src/bus/notify-types.ts';
import { describeModule, MgrHost } from '../../src/entry/host.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { MgrModule } from '../../src/module/mgr-module.ts';
import { NotConnected, RadosError } from '../../src/rados/rados-errors.ts';
import { connectSource } from '../../src/run/connect-source.ts';
import { createModuleHarness } from '../../src/testing/module-harness.ts';
import { readJsonl, WHOLE_TRACE } from '../helpers.ts';

class Client extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
}

const osdMap = readJsonl<ClusterEvent>(WHOLE_TRACE).find((e) => e.kind === 'osd_map')!;

/**
 * How a promise stands after the event loop has turned a few times, without a clock: a call that fails at once has
 * settled by then; one that waits for monitors that never come has not.
 */
async function standing<T>(p: Promise<T>): Promise<{ state: 'pending' } | { state: 'rejected'; error: unknown }> {
  let out: { state: 'pending' } | { state: 'rejected'; error: unknown } = { state: 'pending' };
  p.then(
    () => {
      out = { state: 'rejected', error: new Error('resolved') };
    },
    (error) => {
      out = { state: 'rejected', error };
    },
  );
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  return out;
}

function isNotConnected(s: Awaited<ReturnType<typeof standing>>): boolean {
  return (
    s.state === 'rejected' &&
    s.error instanceof NotConnected &&
    s.error instanceof RadosError &&
    s.error.errno === 107 &&
    /the source has ended/.test(s.error.message)
  );
}

describe('RADOS with no cluster behind the source', () => {
  it('once the trace has ended, calls fail at once with ENOTCONN instead of waiting forever', async () => {
    const h = await createModuleHarness<Client>({ module: Client, name: 'client' });
    await h.push(osdMap);
    const ioctx = await h.module.rados.open_ioctx('rbdpool');
    await h.end();
    assert.equal(h.module.have_mon_connection(), false);
    // The default timeouts are 0 (no limit), as Ceph's: only the end of the source can cut these short.
    const list = standing(h.module.rados.list_pools());
    const write = standing(ioctx.write_full('obj', 'x'));
    const mon = standing(h.module.rados.mon_command({ prefix: 'osd dump', format: 'json' }));
    for (const s of [await list, await write, await mon]) assert.ok(isNotConnected(s), JSON.stringify(s));
    await h.stop();
  });

  it('a call already waiting on a lost session fails when the source ends; events coming again reconnect', async () => {
    const h = await createModuleHarness<Client>({ module: Client, name: 'client' });
    await h.push(osdMap);
    const ioctx = await h.module.rados.open_ioctx('rbdpool');
    await h.push({ v: 1, t: osdMap.t + 1000, kind: 'mon_session', state: 'down' });
    const waiting = ioctx.write_full('obj', 'x');
    assert.equal((await standing(waiting)).state, 'pending', 'a lost session may come back: the call waits');
    await h.end();
    assert.ok(isNotConnected(await standing(waiting)));

    await h.push({ v: 1, t: osdMap.t + 2000, kind: 'mon_session', state: 'up' });
    await ioctx.write_full('obj', 'y');
    assert.equal((await ioctx.read('obj')).toString(), 'y');
    await h.stop();
  });

  it('a host fed by no source has no monitors: calls fail at once', async () => {
    const host = await MgrHost.create({
      preloaded: [describeModule('client', '<test>', Client, null)],
      builtinModules: false,
      logger: createRootLogger({ file: '/dev/null' }),
    });
    host.modules.use(['client']);
    host.start();
    void connectSource({ store: null, host });
    try {
      assert.ok(isNotConnected(await standing(host.modules.instance<Client>('client')!.rados.list_pools())));
    } finally {
      await host.stop();
    }
  });
});
