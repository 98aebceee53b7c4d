import assert from 'node:assert/strict';
import { constants as fsc, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { FsMap } from '../../schemas/maps/fs-map.ts';
import type { NotifyType } from '../../src/bus/notify-types.ts';
import {
  CephFsError,
  LibCephFSStateError,
  NoData,
  NotDirectory,
  ObjectExists,
  ObjectNotEmpty,
  ObjectNotFound,
  OperationNotSupported,
  OutOfRange,
} from '../../src/cephfs/cephfs-errors.ts';
import { DirEntry } from '../../src/cephfs/dir-entry.ts';
import { describeModule, MgrHost } from '../../src/entry/host.ts';
import { cephfs } from '../../src/index.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { MgrModule } from '../../src/module/mgr-module.ts';
import { ObjectNotFound as RadosNotFound } from '../../src/rados/rados-errors.ts';
import { runLiveSim } from '../../src/run/live-sim.ts';
import { liveSim } from '../../src/sources/sim-source.ts';
import { Store } from '../../src/store/store.ts';
import { createModuleHarness } from '../../src/testing/module-harness.ts';
import { FIXTURES, readJsonl, tempDir, WHOLE_TRACE, waitFor } from '../helpers.ts';

const MiB = 1024 * 1024;

/** A module as a Ceph author writes one against python-cephfs: it keeps reports in a directory tree. */
class Archivist extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['fs_map'];
}

/** `fn` must reject with an error of class `cls` carrying `errno`. */
async function rejectsWith(p: Promise<unknown>, cls: abstract new (...a: never[]) => Error, errno: number) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof cls, `${String(e)} is a ${cls.name}`);
    assert.equal((e as CephFsError).errno, errno, String(e));
    return true;
  });
}

/** A host running Archivist on a live simulated cluster that has the file system `cephfs` from its start. */
async function liveHost(store: Store, fs: string | undefined) {
  const sim = liveSim({ osds: 3, seed: 4, scenario: false, statsPeriod: 1, ...(fs ? { fs } : {}) }, 20);
  const host = await MgrHost.create({
    preloaded: [describeModule('archivist', '<test>', Archivist, null)],
    builtinModules: false,
    logger: createRootLogger({ file: '/dev/null' }),
    commander: sim.commander,
    store,
  });
  host.modules.use(['archivist']);
  host.start();
  const run = runLiveSim({ sim, spec: 'sim:osds=3', store, host });
  await waitFor('the first OSD map', () => host.state.maps.osd_map !== undefined);
  return {
    module: host.modules.instance<Archivist>('archivist')!,
    async stop() {
      sim.stop();
      await run.done;
      await host.stop();
    },
  };
}

describe('CephFS on the simulated cluster', () => {
  it('shows the file system in the fs_map with its pools, and a module works a directory tree in it', async (t) => {
    const store = Store.open(tempDir(t));
    const live = await liveHost(store, 'cephfs');
    try {
      const mod = live.module;
      await waitFor('the fs_map', () => (mod.get('fs_map')?.filesystems.length ?? 0) > 0);
      const fsMap = mod.get('fs_map')!;
      const [fs] = fsMap.filesystems;
      assert.equal(fs!.mdsmap.fs_name, 'cephfs');
      assert.equal(fsMap.default_fscid, fs!.id);
      const poolName = (id: number) => mod.get('osd_map')!.pools.find((p) => p.pool === id)?.pool_name;
      assert.equal(poolName(fs!.mdsmap.metadata_pool), 'cephfs.cephfs.meta');
      assert.deepEqual(fs!.mdsmap.data_pools.map(poolName), ['cephfs.cephfs.data']);

      const cephfs = mod.cephfs;
      assert.equal(mod.cephfs, cephfs, 'one client per module');
      await assert.rejects(cephfs.mkdir('/early', 0o755), LibCephFSStateError);
      await cephfs.mount(null, 'cephfs');
      assert.equal(cephfs.state, 'mounted');

      await cephfs.mkdirs('/reports/daily', 0o755);
      await cephfs.mkdirs('/reports/daily', 0o755); // all there: no error, as libcephfs's mkdirs
      await cephfs.mkdir('/reports/weekly', 0o700);
      let fd = await cephfs.open('/reports/daily/today', 'w', 0o644);
      assert.equal(await cephfs.write(fd, 'hello world', 0), 11);
      assert.equal(await cephfs.write(fd, Buffer.from('HELLO'), 0), 5);
      await cephfs.close(fd);
      // A file over two 4 MiB objects, written at the position (-1) in two parts.
      const big = Buffer.alloc(4 * MiB + 100);
      for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 251;
      fd = await cephfs.open('/reports/big', fsc.O_CREAT | fsc.O_WRONLY, 0o600);
      await cephfs.write(fd, big.subarray(0, 3 * MiB), -1);
      await cephfs.write(fd, big.subarray(3 * MiB), -1);
      await cephfs.close(fd);

      fd = await cephfs.open('/reports/daily/today', 'r');
      assert.equal((await cephfs.read(fd, 0, 100)).toString(), 'HELLO world');
      assert.equal((await cephfs.read(fd, 6, 3)).toString(), 'wor');
      assert.equal((await cephfs.read(fd, 50, 10)).length, 0, 'nothing past the end');
      await cephfs.close(fd);
      fd = await cephfs.open('/reports/big', 'r');
      assert.ok((await cephfs.read(fd, 0, big.length + 10)).equals(big), 'read back equal across objects');
      await cephfs.close(fd);

      assert.deepEqual((await cephfs.listdir('/reports')).sort(), ['big', 'daily', 'weekly']);
      const dir = await cephfs.opendir('/reports');
      const seen: Record<string, number> = {};
      for (let e = await cephfs.readdir(dir); e !== null; e = await cephfs.readdir(dir)) seen[e.d_name] = e.d_type;
      await cephfs.closedir(dir);
      assert.deepEqual(seen, {
        '.': DirEntry.DT_DIR,
        '..': DirEntry.DT_DIR,
        big: DirEntry.DT_REG,
        daily: DirEntry.DT_DIR,
        weekly: DirEntry.DT_DIR,
      });

      const st = await cephfs.stat('/reports/big');
      assert.equal(st.st_size, big.length);
      assert.equal(st.st_mode, fsc.S_IFREG | 0o600);
      assert.ok(st.st_mtime instanceof Date && st.st_mtime.getTime() > 0);
      assert.equal((await cephfs.stat('/reports/weekly')).st_mode, fsc.S_IFDIR | 0o700);

      // The data is in the data pool as CephFS names its objects: <ino hex>.<block>.
      const ioctx = await mod.rados.open_ioctx('cephfs.cephfs.data');
      const objects: string[] = [];
      for await (const o of ioctx.list_objects()) objects.push(o.key);
      const ino = st.st_ino.toString(16);
      assert.ok(objects.includes(`${ino}.00000000`) && objects.includes(`${ino}.00000001`), objects.join(' '));

      await cephfs.setxattr('/reports', 'user.owner', 'archivist', 0);
      assert.equal((await cephfs.getxattr('/reports', 'user.owner')).toString(), 'archivist');
      await rejectsWith(cephfs.setxattr('/reports', 'user.owner', 'x', 1), ObjectExists, 17);
      await rejectsWith(cephfs.setxattr('/reports', 'user.other', 'x', 2), NoData, 61);
      await rejectsWith(cephfs.getxattr('/reports', 'user.none'), NoData, 61);
      await rejectsWith(cephfs.getxattr('/reports', 'user.owner', 3), OutOfRange, 34);
      await rejectsWith(cephfs.setxattr('/reports', 'bogus.name', 'x', 0), OperationNotSupported, 95);
      const [len, names] = await cephfs.listxattr('/reports');
      assert.equal(names.toString(), 'user.owner\0');
      assert.equal(len, 11);

      await cephfs.rename('/reports/daily/today', '/reports/weekly/monday');
      assert.deepEqual(await cephfs.listdir('/reports/daily'), []);
      fd = await cephfs.open('/reports/weekly/monday', 'r');
      assert.equal((await cephfs.read(fd, 0, 100)).toString(), 'HELLO world', 'the data moved with the name');
      await cephfs.close(fd);

      await rejectsWith(cephfs.mkdir('/reports', 0o755), ObjectExists, 17);
      await rejectsWith(cephfs.open('/reports/none', 'r'), ObjectNotFound, 2);
      await rejectsWith(cephfs.stat('/nowhere/at/all'), ObjectNotFound, 2);
      await rejectsWith(cephfs.mkdir('/reports/big/sub', 0o755), NotDirectory, 20);
      await rejectsWith(cephfs.rmdir('/reports/weekly'), ObjectNotEmpty, 39);
      await rejectsWith(cephfs.rmdir('/reports/big'), NotDirectory, 20);
      await rejectsWith(cephfs.unlink('/reports/daily'), CephFsError, 21);
      await rejectsWith(cephfs.open('/reports/daily', 'w'), CephFsError, 21);
      await rejectsWith(cephfs.open('/reports/big', fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, 0o600), ObjectExists, 17);
      await rejectsWith(cephfs.read(fd, 0, 1), CephFsError, 9);
      await rejectsWith(cephfs.close(12345), CephFsError, 9);
      await rejectsWith(cephfs.open('/reports/big', 'a'), OperationNotSupported, 95);
      await assert.rejects(cephfs.open('/reports/none', 'r'), (e: Error) => {
        assert.equal(e.message, 'error in open /reports/none: No such file or directory [Errno 2]');
        return true;
      });

      await cephfs.unlink('/reports/weekly/monday');
      await cephfs.unlink('/reports/big');
      await cephfs.rmdir('/reports/weekly');
      await cephfs.rmdir('/reports/daily');
      assert.deepEqual(await cephfs.listdir('/reports'), []);
      const left: string[] = [];
      for await (const o of ioctx.list_objects()) left.push(o.key);
      assert.deepEqual(left, [], "a removed file's data objects are gone");

      const vfs = await cephfs.statfs('/');
      assert.equal(vfs.f_bsize, 4 * MiB);
      assert.equal(vfs.f_fsid, fs!.id);
      assert.equal(vfs.f_files, 1, 'the inodes in use: /reports');
      assert.ok(vfs.f_blocks > 0, 'the capacity of the cluster');

      await cephfs.unmount();
      await assert.rejects(cephfs.stat('/reports'), LibCephFSStateError);
      await cephfs.mount('/reports');
      assert.equal((await cephfs.getxattr('/', 'user.owner')).toString(), 'archivist', 'mounted at a sub-directory');
      await rejectsWith(mod.cephfs.mount(), CephFsError, 22);
    } finally {
      await live.stop();
      await store.close();
    }
  });

  it('creates a file system with `fs volume create`, lists it, and will not delete its pools under it', async (t) => {
    const store = Store.open(tempDir(t));
    const live = await liveHost(store, undefined);
    try {
      const mod = live.module;
      assert.equal(mod.get('fs_map'), null, 'a cluster that never had a file system sends no fs_map');
      await rejectsWith(mod.cephfs.mount(), ObjectNotFound, 2);
      const [ret] = await mod.mon_command({ prefix: 'fs volume create', name: 'vol1' });
      assert.equal(ret, 0);
      await waitFor('the fs_map', () => (mod.get('fs_map')?.filesystems.length ?? 0) === 1);
      const [, outb] = await mod.mon_command({ prefix: 'fs ls', format: 'json' });
      assert.deepEqual(
        (JSON.parse(outb) as Array<{ name: string; metadata_pool: string; data_pools: string[] }>).map((f) => [
          f.name,
          f.metadata_pool,
          f.data_pools,
        ]),
        [['vol1', 'cephfs.vol1.meta', ['cephfs.vol1.data']]],
      );
      const [busy] = await mod.mon_command({
        prefix: 'osd pool rm',
        pool: 'cephfs.vol1.data',
        pool2: 'cephfs.vol1.data',
        yes_i_really_really_mean_it: true,
      });
      assert.equal(busy, -16);
      await mod.cephfs.mount(null, 'vol1');
      await mod.cephfs.mkdirs('/a/b', 0o755);
      assert.deepEqual(await mod.cephfs.listdir('/a'), ['b']);
      // Calls made at once run one after another, as an MDS serialises them: no inode number is handed out twice.
      const names = Array.from({ length: 20 }, (_, i) => `d${i}`);
      await Promise.all(names.map((n) => mod.cephfs.mkdir(`/a/b/${n}`, 0o755)));
      assert.deepEqual((await mod.cephfs.listdir('/a/b')).sort(), [...names].sort());
      const inos = await Promise.all(names.map(async (n) => (await mod.cephfs.stat(`/a/b/${n}`)).st_ino));
      assert.equal(new Set(inos).size, names.length);
      assert.equal((await mod.cephfs.statfs('/')).f_files, 22);
      const fd = await mod.cephfs.open('/a/file', 'w', 0o644);
      await mod.cephfs.close(fd);
      await mod.cephfs.mkdirs('/a/file', 0o755); // all there, the last a file: no error, as libcephfs's mkdirs
      await rejectsWith(mod.cephfs.mount(null, 'vol1'), LibCephFSStateError, 22);
    } finally {
      await live.stop();
      await store.close();
    }
  });
});

describe('CephFS on a recording', () => {
  it('a recording of a cluster without a file system: mount() fails with ENOENT, saying why', async () => {
    const osdMap = readJsonl<ClusterEvent>(WHOLE_TRACE).find((e) => e.kind === 'osd_map')!;
    // The real cluster's fs_map, as its ceph-mgr gave it: no file systems.
    const real = JSON.parse(readFileSync(join(FIXTURES, 'accessors-3osd.json'), 'utf8')).get.fs_map as FsMap;
    const h = await createModuleHarness<Archivist>({ module: Archivist, name: 'archivist' });
    await h.push(osdMap);
    const why = (pattern: RegExp) => (e: unknown) => {
      assert.ok(e instanceof ObjectNotFound, String(e));
      assert.equal(e.errno, 2);
      assert.equal(e.message, 'error calling ceph_mount: No such file or directory [Errno 2]');
      assert.match(String((e.cause as Error).message), pattern);
      return true;
    };
    await assert.rejects(h.module.cephfs.mount(), why(/has sent no file system map/));
    await h.push({ v: 1, t: osdMap.t + 1, kind: 'fs_map', epoch: real.epoch, map: real });
    assert.deepEqual(h.module.get('fs_map')?.filesystems, []);
    await assert.rejects(h.module.cephfs.mount(), why(/no default file system/));
    await assert.rejects(h.module.cephfs.mount(null, 'cephfs'), (e: unknown) => {
      assert.ok(e instanceof cephfs.ObjectNotFound, 'the class as mgrkit exports it, apart from RADOS errors');
      assert.ok(!(e instanceof RadosNotFound));
      assert.equal(e.message, 'error calling ceph_select_filesystem: No such file or directory [Errno 2]');
      return true;
    });
    await h.stop();
  });
});
