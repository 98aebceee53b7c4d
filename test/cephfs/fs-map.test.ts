import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClusterEvent, FsMapEventSchema } from '../../schemas/event.ts';
import type { FsMap } from '../../schemas/maps/fs-map.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { parseSimSpec } from '../../src/sources/sim-source.ts';

const fsMaps = (events: readonly ClusterEvent[]) =>
  events.filter((e) => e.kind === 'fs_map') as Array<ClusterEvent & { epoch: number; map: FsMap }>;

describe("the simulated cluster's fs_map", () => {
  it('has the file system of the `fs` option from the start, its pools in the OSD map before it', () => {
    const sim = new SimulatedCluster({ osds: 3, seed: 2, scenario: false, fs: 'cephfs' });
    const events = sim.advanceTo(sim.startMs + 2000);
    const maps = fsMaps(events);
    assert.equal(maps.length, 1, 'one fs_map, for the one change');
    const [ev] = maps;
    assert.ok(FsMapEventSchema.safeParse(ev).success, "valid as Ceph's fs_map");
    const fs = ev!.map.filesystems[0]!;
    assert.equal(fs.mdsmap.fs_name, 'cephfs');
    assert.equal(ev!.map.default_fscid, fs.id);
    assert.equal(fs.mdsmap.epoch, ev!.epoch);
    assert.deepEqual(fs.mdsmap.up, {}, 'no MDS daemons');
    const osdDump = JSON.parse(sim.command({ prefix: 'osd dump', format: 'json' }).outb) as {
      pools: Array<{ pool: number; pool_name: string; application_metadata?: Record<string, unknown> }>;
    };
    const byId = new Map(osdDump.pools.map((p) => [p.pool, p.pool_name]));
    assert.equal(byId.get(fs.mdsmap.metadata_pool), 'cephfs.cephfs.meta');
    assert.deepEqual(
      fs.mdsmap.data_pools.map((id) => byId.get(id)),
      ['cephfs.cephfs.data'],
    );
    const at = (kind: string) => events.findIndex((e) => e.kind === kind && (e.kind !== 'osd_map' || 'patch' in e));
    assert.ok(at('osd_map') >= 0 && at('osd_map') < events.indexOf(ev!), 'the pools come first');
  });

  it('answers fs new, fs ls, fs rm and fs volume create / rm as the monitors do', () => {
    const sim = new SimulatedCluster({ osds: 3, seed: 3, scenario: false });
    const first = sim.advanceTo(sim.startMs + 1000);
    assert.deepEqual(fsMaps(first), [], 'no file system, no fs_map');
    assert.deepEqual(JSON.parse(sim.command({ prefix: 'fs ls', format: 'json' }).outb), []);

    assert.equal(sim.command({ prefix: 'fs new', fs_name: 'a', metadata: 'nosuch', data: 'rbd' }).retval, -2);
    assert.equal(sim.command({ prefix: 'fs volume create', name: 'vol' }).retval, 0);
    assert.equal(sim.command({ prefix: 'fs volume create', name: 'vol' }).retval, 0, 'again: it exists');
    const inUse = sim.command({ prefix: 'fs new', fs_name: 'b', metadata: 'cephfs.vol.meta', data: 'rbd' });
    assert.equal(inUse.retval, -22);
    assert.match(inUse.outs, /already in use by CephFS 'vol'/);
    assert.equal(sim.command({ prefix: 'fs new', fs_name: 'bad name', metadata: 'a', data: 'b' }).retval, -22);
    const created = fsMaps(sim.advanceTo(sim.now + 1000));
    assert.equal(created.length, 1);
    assert.deepEqual(JSON.parse(sim.command({ prefix: 'fs ls', format: 'json' }).outb), [
      {
        name: 'vol',
        metadata_pool: 'cephfs.vol.meta',
        metadata_pool_id: created[0]!.map.filesystems[0]!.mdsmap.metadata_pool,
        data_pool_ids: created[0]!.map.filesystems[0]!.mdsmap.data_pools,
        data_pools: ['cephfs.vol.data'],
      },
    ]);
    const dump = sim.command({ prefix: 'fs dump', format: 'json' });
    assert.equal((JSON.parse(dump.outb) as FsMap).epoch, created[0]!.epoch);

    assert.equal(sim.command({ prefix: 'fs rm', fs_name: 'vol' }).retval, -1, 'needs --yes-i-really-mean-it');
    assert.equal(sim.command({ prefix: 'fs volume rm', vol_name: 'vol', yes_i_really_mean_it: true }).retval, 0);
    const removed = fsMaps(sim.advanceTo(sim.now + 1000));
    assert.equal(removed.length, 1);
    assert.equal(removed[0]!.epoch, created[0]!.epoch + 1);
    assert.deepEqual(removed[0]!.map.filesystems, []);
    assert.equal(removed[0]!.map.default_fscid, -1);
    const pools = JSON.parse(sim.command({ prefix: 'osd pool ls', format: 'json' }).outb) as string[];
    assert.ok(!pools.some((p) => p.startsWith('cephfs.vol.')), `the volume's pools are gone: ${pools}`);
  });

  it('takes the file system from a sim: source spec', () => {
    assert.deepEqual(parseSimSpec('sim:osds=3,fs=myfs'), { osds: 3, fs: 'myfs' });
    assert.throws(() => parseSimSpec('sim:osds=3,fs=my fs'), /fs: a file system name/);
  });
});
