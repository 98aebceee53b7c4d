import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { of } from 'rxjs';
import type { NotifyType } from '../../src/bus/notify-types.ts';
import { describeModule, MgrHost, stateAt } from '../../src/entry/host.ts';
import { Ingestor } from '../../src/ingest/ingestor.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { MgrModule } from '../../src/module/mgr-module.ts';
import { ObjectStore } from '../../src/rados/object-store.ts';
import { NoData, ObjectNotFound } from '../../src/rados/rados-errors.ts';
import { runLiveSim } from '../../src/run/live-sim.ts';
import { liveSim } from '../../src/sources/sim-source.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir, waitFor } from '../helpers.ts';

/** A module as a Ceph author writes one: it keeps a report and an index in a pool through `self.rados`. */
class Archivist extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];

  async archive(pool: string) {
    const ioctx = await this.rados.open_ioctx(pool);
    try {
      await ioctx.write_full('report', 'hello world');
      await ioctx.write('report', 'HELLO', 0);
      await ioctx.append('report', Buffer.from('!'));
      await ioctx.write('sparse', new Uint8Array([7]), 3);
      await ioctx.set_xattr('report', 'owner', 'archivist');
      await ioctx.set_xattr('report', 'format', 'text');
      await ioctx.set_omap('index', ['osd.0', 'osd.1', 'pool.1', 'pool.2'], ['up', 'down', 'rbd', 'cephfs']);
      return {
        whole: (await ioctx.read('report')).toString(),
        middle: (await ioctx.read('report', 5, 6)).toString(),
        pastEnd: (await ioctx.read('report', 10, 100)).length,
        sparse: [...(await ioctx.read('sparse'))],
        stat: await ioctx.stat('report'),
        owner: (await ioctx.get_xattr('report', 'owner')).toString(),
        xattrs: [...(await ioctx.get_xattrs('report'))].map(([k, v]) => `${k}=${v}`),
        osds: [...(await ioctx.get_omap_vals('index', '', 'osd.', 10))].map(([k, v]) => `${k}=${v}`),
        afterOsd0: [...(await ioctx.get_omap_vals('index', 'osd.0', '', 2)).keys()],
        objects: await this.names(pool),
      };
    } finally {
      ioctx.close();
    }
  }

  async names(pool: string): Promise<string[]> {
    const ioctx = await this.rados.open_ioctx(pool);
    const out: string[] = [];
    for await (const obj of ioctx.list_objects()) out.push(obj.key);
    return out;
  }

  async recall(pool: string) {
    const ioctx = await this.rados.open_ioctx(pool);
    return {
      report: (await ioctx.read('report')).toString(),
      owner: (await ioctx.get_xattr('report', 'owner')).toString(),
      index: [...(await ioctx.get_omap_vals('index'))].map(([k, v]) => `${k}=${v}`),
      objects: await this.names(pool),
    };
  }
}

const quiet = () => createRootLogger({ file: '/dev/null' });
const archivist = () => describeModule('archivist', '<test>', Archivist, null);

/** A host running Archivist on a live simulated cluster, a stats period being 50 ms of wall time. */
async function liveHost(store: Store) {
  const sim = liveSim({ osds: 6, seed: 5, scenario: false, statsPeriod: 1 }, 20);
  const host = await MgrHost.create({
    preloaded: [archivist()],
    builtinModules: false,
    logger: quiet(),
    commander: sim.commander,
    store,
  });
  host.modules.use(['archivist']);
  host.start();
  const run = runLiveSim({ sim, spec: 'sim:osds=6', store, host });
  await waitFor('the first OSD map', () => host.state.maps.osd_map !== undefined);
  return {
    host,
    module: host.modules.instance<Archivist>('archivist')!,
    async stop() {
      sim.stop();
      await run.done;
      await host.stop();
    },
  };
}

/** Runs `fn` against Archivist on a live cluster over a new store in `dir`, then stops both. */
async function onLiveCluster(
  dir: string,
  fn: (live: Awaited<ReturnType<typeof liveHost>>, store: Store) => Promise<void>,
): Promise<void> {
  const store = Store.open(dir);
  const live = await liveHost(store);
  try {
    await fn(live, store);
  } finally {
    await live.stop();
    await store.close();
  }
}

describe('Ioctx', () => {
  it("serves a Ceph author's module on a live cluster, and its objects survive a host restart", async (t) => {
    const dir = tempDir(t);
    await onLiveCluster(dir, async (live) => {
      const got = await live.module.archive('rbd');
      assert.equal(got.whole, 'HELLO world!');
      assert.equal(got.middle, 'world');
      assert.equal(got.pastEnd, 0);
      assert.deepEqual(got.sparse, [0, 0, 0, 7], 'a write past the end reads zeros before it');
      assert.equal(got.stat[0], 12);
      assert.ok(got.stat[1] instanceof Date && Math.abs(got.stat[1].getTime() - Date.now()) < 5000);
      assert.equal(got.stat[1].getMilliseconds(), 0, 'mtime to the second, as rados_stat gives it');
      assert.equal(got.owner, 'archivist');
      assert.deepEqual(got.xattrs, ['format=text', 'owner=archivist']);
      assert.deepEqual(got.osds, ['osd.0=up', 'osd.1=down']);
      assert.deepEqual(got.afterOsd0, ['osd.1', 'pool.1']);
      // The module's objects, and the RBD directory the simulated cluster's `rbd` pool has from its start.
      assert.deepEqual(got.objects, ['index', 'rbd_directory', 'report', 'sparse']);

      const ioctx = await live.module.rados.open_ioctx('rbd');
      await ioctx.remove_omap_keys('index', ['osd.1', 'no.such.key']);
      await ioctx.rm_xattr('report', 'format');
      assert.equal(await ioctx.remove_object('sparse'), true);
      await assert.rejects(ioctx.stat('sparse'), (e) => e instanceof ObjectNotFound && e.errno === 2);
    });

    // The same store, reopened by a new host: no live cluster now, but the monitors' last word is in the journal.
    const again = Store.open(dir);
    const host = await MgrHost.create({
      preloaded: [archivist()],
      builtinModules: false,
      logger: quiet(),
      store: again,
    });
    const initial = stateAt(again);
    host.feed.adopt(initial);
    host.modules.use(['archivist']);
    host.start();
    const ingest = new Ingestor(again, initial, { publisher: host.feed });
    const heartbeat = { v: 1 as const, t: initial.stamp + 1000, kind: 'heartbeat' as const };
    await ingest.ingest(() => of({ kind: 'event' as const, event: heartbeat, line: 1, end: 1 }), 'restart', {
      source: 'restart',
      line: 0,
      offset: 0,
      accepted: 0,
      rejected: 0,
    });
    try {
      assert.deepEqual(await host.modules.instance<Archivist>('archivist')!.recall('rbd'), {
        report: 'HELLO world!',
        owner: 'archivist',
        index: ['osd.0=up', 'pool.1=rbd', 'pool.2=cephfs'],
        objects: ['index', 'rbd_directory', 'report'],
      });
    } finally {
      await host.stop();
      await again.close();
    }
  });

  it('gives ENOENT for a missing object and ENODATA for a missing xattr, as librados does', (t) =>
    onLiveCluster(tempDir(t), async (live) => {
      const ioctx = await live.module.rados.open_ioctx('rbd');
      const enoent = (e: unknown) =>
        e instanceof ObjectNotFound && e.errno === 2 && e.code === 'MGR_ERR_RADOS_NOT_FOUND';
      await assert.rejects(ioctx.read('nothing'), enoent);
      await assert.rejects(ioctx.stat('nothing'), enoent);
      await assert.rejects(ioctx.remove_object('nothing'), enoent);
      await assert.rejects(ioctx.get_xattr('nothing', 'a'), enoent);
      await assert.rejects(ioctx.get_omap_vals('nothing'), enoent);
      await assert.rejects(ioctx.remove_omap_keys('nothing', ['a']), enoent);
      await ioctx.write_full('thing', '');
      await assert.rejects(ioctx.get_xattr('thing', 'a'), (e) => e instanceof NoData && e.errno === 61);
      await assert.rejects(ioctx.read('thing', -1), /length must be a non-negative integer/);
    }));

  it("shows what a module wrote in the pool's stats, and drops a deleted pool's objects", (t) =>
    onLiveCluster(tempDir(t), async (live, store) => {
      const rados = live.module.rados;
      await rados.create_pool('archive');
      const ioctx = await rados.open_ioctx('archive');
      const id = ioctx.get_pool_id();
      const sizes = [100_000, 250_000, 4096];
      for (const [i, n] of sizes.entries()) await ioctx.write_full(`blob${i}`, Buffer.alloc(n, i));
      const total = sizes.reduce((a, b) => a + b, 0);
      const poolStat = () =>
        (
          live.module.get('pool_stats').pool_stats as Array<{
            poolid: number;
            stat_sum: { num_bytes: number; num_objects: number };
          }>
        ).find((p) => p.poolid === id);
      // The simulated clients write only to the pools the cluster started with: this one holds just what was written.
      await waitFor('the writes in pool_stats', () => poolStat()?.stat_sum.num_objects === 3);
      assert.equal(poolStat()!.stat_sum.num_bytes, total);
      await waitFor(
        'the writes in df',
        () => live.module.get('df')?.pools.find((p) => p.id === id)?.stats.objects === 3,
      );

      await rados.delete_pool('archive');
      assert.equal(await rados.pool_exists('archive'), false);
      await assert.rejects(
        ioctx.read('blob0'),
        (e) => e instanceof ObjectNotFound && /no longer exists/.test(e.message),
      );
      assert.ok(!ObjectStore.in(store.rados).pools().includes(id), "the pool's objects are gone from the store");
      await rados.create_pool('archive');
      assert.deepEqual(await live.module.names('archive'), [], 'a new pool of the same name starts empty');
    }));
});
