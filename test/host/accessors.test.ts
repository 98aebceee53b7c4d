import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { finalState } from '../../bench/accessors.bench.ts';
import { MgrError } from '../../src/errors.ts';
import { Accessors } from '../../src/host/accessors.ts';
import { createModuleHarness, MgrModule, type NotifyType } from '../../src/index.ts';
import { FIXTURES, WHOLE_TRACE } from '../helpers.ts';

class Plain extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
}

describe('accessors', () => {
  const state = finalState(WHOLE_TRACE);
  const acc = new Accessors(() => state);

  it("return the snapshot's own frozen objects: the same object on every call, never a copy", () => {
    const a = acc.get('osd_map');
    assert.equal(acc.get('osd_map'), a);
    assert.equal(a, state.maps.osd_map!.map);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a!.osds) && Object.isFrozen(a!.osds[0]));
    assert.equal(acc.get('health'), acc.get('health'), 'the health text is built once per map');
    assert.throws(() => {
      (a as { epoch: number }).epoch = 1;
    }, TypeError);
  });

  it('throw a typed error for an unknown name, suggesting the nearest and listing all', () => {
    assert.throws(
      () => acc.get('osd_mapp' as never),
      (e: unknown) =>
        e instanceof MgrError &&
        e.code === 'MGR_ERR_GET_UNKNOWN_NAME' &&
        e.errno === 2 &&
        /did you mean "osd_map"/.test(e.message) &&
        /osd_map_crush/.test(e.message),
    );
  });

  it('give the default for a missing daemon and empty series for unknown counters, as Ceph does', () => {
    assert.equal(acc.get_metadata('osd', '99'), null);
    assert.deepEqual(acc.get_metadata('osd', '99', { absent: true }), { absent: true });
    assert.equal(acc.get_metadata('osd', '0')?.hostname, 'vm');
    assert.deepEqual(acc.get_counter('osd', '0', 'no.such'), { 'no.such': [] });
    assert.deepEqual(acc.get_latest_counter('osd', '9', 'osd.op_w'), { 'osd.op_w': [] });
    assert.equal(acc.get_counter('osd', '0', 'osd.op_w')['osd.op_w']!.length, 20);
  });

  it('report no monitor connection after a session down, a silent stretch, or the end of the source', () => {
    let now = state.stamp;
    let alive = true;
    const live = new Accessors(() => state, { now: () => now, sourceAlive: () => alive });
    assert.equal(live.have_mon_connection(), true);
    now = state.stamp + 30_001;
    assert.equal(live.have_mon_connection(), false);
    now = state.stamp;
    alive = false;
    assert.equal(live.have_mon_connection(), false);
    const down = new Accessors(() => ({ ...state, monSession: 'down' }));
    assert.equal(down.have_mon_connection(), false);
  });
});

describe('servers and perf counters', () => {
  const real = JSON.parse(readFileSync(join(FIXTURES, 'accessors-3osd.json'), 'utf8'));

  it('list_servers and get_server group daemons by host, as ceph-mgr does', () => {
    const state = finalState(WHOLE_TRACE);
    const acc = new Accessors(() => state);
    // The trace's daemons are the three OSDs; real ceph-mgr also had the mon and mgr on that host.
    const osdOnly = real.list_servers.map((s: { services: Array<{ type: string }> }) => ({
      ...s,
      services: s.services.filter((x) => x.type === 'osd'),
    }));
    assert.deepEqual(acc.list_servers(), osdOnly);
    assert.deepEqual(acc.get_server('vm'), osdOnly[0]);
    assert.equal(acc.get_server('nohost'), null);
  });

  it('get_perf_schema and get_all_perf_counters answer as real ceph-mgr for the same schema and values', async () => {
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    const schema = real.get_perf_schema_osd0['osd.0'];
    await h.push(
      {
        kind: 'daemon_open',
        t: 1000,
        daemon: 'osd.0',
        hostname: 'vm',
        metadata: real.get_metadata_osd0,
        perf_schema: schema,
      },
      {
        kind: 'daemon_report',
        t: 2000,
        daemon: 'osd.0',
        counters: {
          'osd.numpg': 36,
          'osd.op_r': 0,
          'osd.op_w': 15127,
          'osd.op_w_latency': { avgcount: 15127, sum: 16871413389 },
        },
      },
    );
    assert.deepEqual(h.module.get_perf_schema('osd', '0'), real.get_perf_schema_osd0);
    assert.deepEqual(h.module.get_perf_schema('osd', '9'), {});
    const all = h.module.get_all_perf_counters(5, ['osd']);
    assert.deepEqual(all['osd.0'], real.get_all_perf_counters_osd0_sample);
    assert.deepEqual(h.module.get_all_perf_counters(10, ['osd'])['osd.0'], {});
    await h.stop();
  });
});
