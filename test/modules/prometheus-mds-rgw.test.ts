import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { type Parsed, parseExposition, prometheusHarness, sampleValue } from './prometheus-helpers.ts';

const DURATION = 60;

describe('prometheus on a simulated cluster with MDS and RGW daemons', () => {
  it("exports ceph_fs_metadata, ceph_mds_metadata, ceph_rgw_metadata and their counters with Ceph's labels", async (t) => {
    const { h } = await prometheusHarness(t);
    const sim = new SimulatedCluster({
      osds: 6,
      hosts: 3,
      pgs: 64,
      duration: DURATION,
      statsPeriod: 2,
      seed: 7,
      mds: 2,
      rgw: 2,
      scenario: ['mds-failover'],
    });
    const scrapeAt = async (f: number): Promise<Parsed> => {
      const events = sim.advanceTo(sim.startMs + f * DURATION * 1000);
      for (let i = 0; i < events.length; i += 50) await h.push(...events.slice(i, i + 50));
      const p = parseExposition(h.module.metrics().toString('utf8'));
      assert.deepEqual(p.problems, []);
      return p;
    };
    const p = await scrapeAt(0.15);
    const fsm = p.families.get('ceph_fs_metadata')!;
    assert.deepEqual(fsm.samples, [
      { labels: { data_pools: '5', fs_id: '1', metadata_pool: '4', name: 'cephfs' }, value: 1 },
    ]);
    const mds = p.families.get('ceph_mds_metadata')!;
    assert.deepEqual([...mds.labelNames].sort(), [
      'ceph_daemon',
      'ceph_version',
      'fs_id',
      'hostname',
      'public_addr',
      'rank',
    ]);
    const byDaemon = Object.fromEntries(mds.samples.map((s) => [s.labels.ceph_daemon, s.labels]));
    assert.deepEqual(Object.keys(byDaemon).sort(), ['mds.a', 'mds.b']);
    assert.deepEqual(
      [byDaemon['mds.a']!.fs_id, byDaemon['mds.a']!.rank, byDaemon['mds.a']!.hostname],
      ['1', '0', 'node03'],
    );
    assert.deepEqual([byDaemon['mds.b']!.fs_id, byDaemon['mds.b']!.rank], ['-1', '-1']);
    assert.match(byDaemon['mds.a']!.public_addr!, /^[\d.]+:7001\/\d+$/);
    assert.match(byDaemon['mds.a']!.ceph_version!, /^ceph version 16\.2\.15 /);

    const rgw = p.families.get('ceph_rgw_metadata')!;
    assert.deepEqual([...rgw.labelNames].sort(), ['ceph_daemon', 'ceph_version', 'hostname', 'instance_id']);
    assert.equal(rgw.samples.length, 2);
    for (const s of rgw.samples) assert.match(s.labels.ceph_daemon!, /^rgw\.default\.node0\d\.[a-z]{6}$/);
    const instances = rgw.samples.map((s) => s.labels.instance_id!).sort();

    for (const name of [
      'ceph_mds_request',
      'ceph_mds_server_handle_client_request',
      'ceph_mds_inodes',
      'ceph_mds_caps',
      'ceph_mds_mem_ino',
      'ceph_mds_mem_dn',
      'ceph_mds_log_evadd',
      'ceph_mds_cache_num_strays',
      'ceph_mds_sessions_session_count',
      'ceph_objecter_op_r',
      'ceph_objecter_op_w',
    ]) {
      assert.ok(sampleValue(p, name, { ceph_daemon: 'mds.a' }) !== undefined, name);
    }
    assert.ok(sampleValue(p, 'ceph_mds_request', { ceph_daemon: 'mds.a' })! > 0);
    assert.equal(sampleValue(p, 'ceph_mds_request', { ceph_daemon: 'mds.b' }), 0);
    assert.equal(p.families.get('ceph_mds_request')!.type, 'counter');
    assert.equal(p.families.get('ceph_mds_inodes')!.type, 'gauge');
    assert.ok(sampleValue(p, 'ceph_mds_reply_latency_sum', { ceph_daemon: 'mds.a' })! > 0);

    // The RGW counters are labelled by instance id, which the dashboards join to ceph_rgw_metadata on.
    for (const name of [
      'ceph_rgw_req',
      'ceph_rgw_failed_req',
      'ceph_rgw_get',
      'ceph_rgw_get_b',
      'ceph_rgw_put',
      'ceph_rgw_put_b',
      'ceph_rgw_get_initial_lat_sum',
      'ceph_rgw_get_initial_lat_count',
      'ceph_rgw_put_initial_lat_sum',
      'ceph_rgw_put_initial_lat_count',
      'ceph_rgw_qlen',
      'ceph_rgw_qactive',
      'ceph_rgw_cache_hit',
      'ceph_rgw_cache_miss',
    ]) {
      const f = p.families.get(name);
      assert.ok(f !== undefined, name);
      assert.deepEqual([...f.labelNames], ['instance_id'], name);
      assert.deepEqual(f.samples.map((s) => s.labels.instance_id).sort(), instances, name);
    }
    assert.ok(sampleValue(p, 'ceph_rgw_req', { instance_id: instances[0]! })! > 0);
    // Ceph's Metric keeps the label names of the daemon that declared the family (here an MDS): the RGWs' objecter
    // counters come under ceph_daemon, with their instance id.
    assert.deepEqual([...p.families.get('ceph_objecter_op_r')!.labelNames], ['ceph_daemon']);
    assert.ok(sampleValue(p, 'ceph_objecter_op_r', { ceph_daemon: instances[0]! })! > 0);

    assert.equal(sampleValue(p, 'ceph_health_status'), 0);
    const failing = await scrapeAt(0.19);
    // CephFilesystemDegraded and CephFilesystemInsufficientStandby: `ceph_health_detail{name=...} > 0`.
    assert.equal(sampleValue(failing, 'ceph_health_detail', { name: 'FS_DEGRADED' }), 1);
    assert.equal(sampleValue(failing, 'ceph_health_detail', { name: 'MDS_INSUFFICIENT_STANDBY' }), 1);
    const standbyOnly = failing.families
      .get('ceph_mds_metadata')!
      .samples.map((s) => [s.labels.ceph_daemon, s.labels.rank]);
    assert.deepEqual(standbyOnly, [['mds.b', '0']]);
    const back = await scrapeAt(0.6);
    assert.equal(sampleValue(back, 'ceph_health_detail', { name: 'FS_DEGRADED' }), 0);
    assert.equal(sampleValue(back, 'ceph_health_detail', { name: 'MDS_INSUFFICIENT_STANDBY' }), 0);
    assert.equal(back.families.get('ceph_mds_metadata')!.samples.length, 2);
    await h.stop();
  });

  it('a file system with no MDS left: MDS_ALL_DOWN and FS_WITH_FAILED_MDS for CephFilesystemOffline and FailureNoStandby', async (t) => {
    const { h } = await prometheusHarness(t);
    const sim = new SimulatedCluster({
      osds: 6,
      hosts: 3,
      pgs: 64,
      duration: DURATION,
      seed: 7,
      mds: 1,
      scenario: ['mds-failover'],
    });
    const events = sim.advanceTo(sim.startMs + 0.3 * DURATION * 1000);
    for (let i = 0; i < events.length; i += 50) await h.push(...events.slice(i, i + 50));
    const p = parseExposition(h.module.metrics().toString('utf8'));
    assert.equal(sampleValue(p, 'ceph_health_status'), 2);
    assert.equal(sampleValue(p, 'ceph_health_detail', { name: 'MDS_ALL_DOWN', severity: 'HEALTH_ERR' }), 1);
    assert.equal(sampleValue(p, 'ceph_health_detail', { name: 'FS_WITH_FAILED_MDS', severity: 'HEALTH_WARN' }), 1);
    assert.equal(sampleValue(p, 'ceph_health_detail', { name: 'FS_DEGRADED' }), 1);
    await h.stop();
  });
});
