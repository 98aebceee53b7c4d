import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { NotifyType } from '../../src/bus/notify-types.ts';
import { describeModule, MgrHost } from '../../src/entry/host.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { MgrModule } from '../../src/module/mgr-module.ts';
import { ObjectExists, ObjectNotFound, RadosError, RadosStateError, TimedOut } from '../../src/rados/rados-errors.ts';
import { runLiveSim } from '../../src/run/live-sim.ts';
import { liveSim } from '../../src/sources/sim-source.ts';
import { Store } from '../../src/store/store.ts';
import { createModuleHarness } from '../../src/testing/module-harness.ts';
import { readJsonl, tempDir, WHOLE_TRACE } from '../helpers.ts';

class Client extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
}

/** The recorded cluster's first OSD map: pools 1 `device_health_metrics` and 2 `rbdpool`. */
const osdMap = readJsonl<ClusterEvent>(WHOLE_TRACE).find((e) => e.kind === 'osd_map')!;
const at = (dt: number) => osdMap.t + dt;

async function recorded(config: Record<string, string> = {}) {
  const h = await createModuleHarness<Client>({ module: Client, name: 'client', config });
  await h.push(osdMap);
  return h;
}

describe('Rados', () => {
  it('knows the pools of the OSD map, and opening one it lacks is ENOENT', async () => {
    const h = await recorded();
    const rados = h.module.rados;
    assert.equal(h.module.rados, rados, 'one client per module, made on first use');
    assert.deepEqual(await rados.list_pools(), ['device_health_metrics', 'rbdpool']);
    assert.equal(await rados.pool_exists('rbdpool'), true);
    assert.equal(await rados.pool_lookup('rbdpool'), 2);
    assert.equal(await rados.pool_exists('nosuch'), false);
    await assert.rejects(
      rados.open_ioctx('nosuch'),
      (e) =>
        e instanceof ObjectNotFound &&
        e instanceof RadosError &&
        e.errno === 2 &&
        e.message === "[errno 2] error opening pool 'nosuch'",
    );
    const ioctx = await rados.open_ioctx('rbdpool');
    await ioctx.write_full('obj', 'data');
    assert.equal((await ioctx.read('obj')).toString(), 'data', 'a host without a store keeps objects for its run');
    await h.stop();
  });

  it('waits while the monitor session is down, then times out, resumes, or ends with the module', async () => {
    const h = await recorded();
    const rados = h.module.rados;
    const ioctx = await rados.open_ioctx('rbdpool');
    await h.push({ v: 1, t: at(1000), kind: 'mon_session', state: 'down' });
    assert.equal(h.module.have_mon_connection(), false);

    let settled = false;
    const timed = ioctx.write_full('obj', 'x', { timeout: 0.2 });
    timed.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    // An event folded while the session is down: the call is still waiting once the host has taken it.
    await h.push({ v: 1, t: at(1100), kind: 'heartbeat' });
    assert.equal(settled, false, 'it waits for the timeout');
    await assert.rejects(
      timed,
      (e) => e instanceof TimedOut && e.errno === 110 && /no monitor connection within 0.2s/.test(e.message),
    );
    await assert.rejects(rados.list_pools({ timeout: 0.05 }), TimedOut);

    // Without a timeout (Ceph's rados_osd_op_timeout = 0) the call waits for the session to come back.
    let done = false;
    const waiting = ioctx.write_full('obj', 'x').then(() => {
      done = true;
    });
    await h.push({ v: 1, t: at(1500), kind: 'heartbeat' });
    assert.equal(done, false);
    await h.push({ v: 1, t: at(2000), kind: 'mon_session', state: 'up' });
    await waiting;
    assert.equal((await ioctx.read('obj')).toString(), 'x');

    await h.push({ v: 1, t: at(3000), kind: 'mon_session', state: 'down' });
    const orphan = ioctx.stat('obj');
    await h.stop();
    await assert.rejects(orphan, (e) => e instanceof RadosStateError && /state shutdown/.test(e.message));
    assert.equal(rados.state, 'shutdown');
  });

  it('takes its default timeout from rados_osd_op_timeout', async () => {
    const h = await recorded({ rados_osd_op_timeout: '0.1' });
    const ioctx = await h.module.rados.open_ioctx('rbdpool');
    await h.push({ v: 1, t: at(1000), kind: 'mon_session', state: 'down' });
    await assert.rejects(ioctx.read('obj'), TimedOut);
    await h.stop();
  });

  it('refuses pool changes in a recording with EOPNOTSUPP, saying why', async () => {
    const h = await recorded();
    const rados = h.module.rados;
    await assert.rejects(
      rados.create_pool('newpool'),
      (e) =>
        e instanceof RadosError &&
        e.errno === 95 &&
        /error creating pool 'newpool': no cluster to send commands to/.test(e.message),
    );
    await assert.rejects(rados.delete_pool('rbdpool'), (e) => e instanceof RadosError && e.errno === 95);
    await assert.rejects(rados.create_pool('rbdpool'), (e) => e instanceof ObjectExists && e.errno === 17);
    await assert.rejects(rados.delete_pool('nosuch'), (e) => e instanceof ObjectNotFound && e.errno === 2);
    const [ret, , outs] = await rados.mon_command({ prefix: 'osd pool ls' });
    assert.equal(ret, -95);
    assert.match(outs, /recording/);
    await h.stop();
  });

  it("sends mgr_command to the manager's own commands", async () => {
    const h = await recorded();
    const [ret, outb] = await h.module.rados.mgr_command(JSON.stringify({ prefix: 'mgr module ls', format: 'json' }));
    assert.equal(ret, 0);
    assert.ok((JSON.parse(outb) as { enabled_modules: string[] }).enabled_modules.includes('client'));
    assert.equal((await h.module.rados.mgr_command('not json'))[0], -22);
    assert.equal((await h.module.rados.mgr_command({ prefix: 'no such command' }))[0], -22);
    await h.stop();
  });

  it('creates a pool on a live cluster, which the next get("osd_map") shows', async (t) => {
    const store = Store.open(tempDir(t));
    const sim = liveSim({ osds: 3, seed: 9, scenario: false }, 20);
    const host = await MgrHost.create({
      preloaded: [describeModule('client', '<test>', Client, null)],
      builtinModules: false,
      logger: createRootLogger({ file: '/dev/null' }),
      commander: sim.commander,
      store,
    });
    host.modules.use(['client']);
    host.start();
    const run = runLiveSim({ sim, spec: 'sim:osds=3', store, host });
    try {
      const mod = host.modules.instance<Client>('client')!;
      await mod.rados.create_pool('fresh');
      assert.ok(mod.get('osd_map')!.pools.some((p) => p.pool_name === 'fresh'));
      assert.ok((await mod.rados.list_pools()).includes('fresh'));
      const [ret, outb] = await mod.rados.mon_command(JSON.stringify({ prefix: 'osd pool ls', format: 'json' }));
      assert.equal(ret, 0);
      assert.ok((JSON.parse(outb) as string[]).includes('fresh'));
    } finally {
      sim.stop();
      await run.done;
      await host.stop();
      await store.close();
    }
  });
});
