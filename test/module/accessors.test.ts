import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrError } from '../../src/errors.ts';
import { MgrModule, type NotifyType } from '../../src/index.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { tableGet } from '../../src/state/keyed-table.ts';
import { finalState } from '../fixtures/final-state.ts';
import { FIXTURES, readJsonl, WHOLE_TRACE } from '../helpers.ts';

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

describe('daemon-derived names', () => {
  const real = JSON.parse(readFileSync(join(FIXTURES, 'accessors-3osd.json'), 'utf8')).get;
  const state = finalState(WHOLE_TRACE);
  const acc = new Accessors(() => state);

  it("osd_metadata and mds_metadata are each daemon's metadata by id, as real ceph-mgr returned them", () => {
    const ours = acc.get('osd_metadata');
    assert.deepEqual(Object.keys(ours), ['0', '1', '2']);
    assert.deepEqual(ours['0'], real.osd_metadata['0']);
    assert.deepEqual(ours['1'], real.osd_metadata['1']);
    // osd.2 was restarted before the recorded moment (new addresses); the trace only has its first session.
    assert.deepEqual(ours['2'], tableGet(state.daemons, 'osd.2')!.metadata);
    assert.deepEqual(acc.get('mds_metadata'), real.mds_metadata);
    assert.equal(acc.get('osd_metadata'), acc.get('osd_metadata'), 'memoised');
  });

  it('pg_ready is true once every up OSD has reported, as at the recorded moment', async () => {
    assert.deepEqual(acc.get('pg_ready'), real.pg_ready);
    const events = readJsonl<{ kind: string; reporter?: string }>(WHOLE_TRACE);
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    await h.push(events.find((e) => e.kind === 'osd_map')!);
    assert.deepEqual(h.module.get('pg_ready'), { pg_ready: false }, 'no OSD has reported yet');
    await h.push(...events.filter((e) => e.kind === 'pg_stats' && e.reporter !== 'osd.2').slice(0, 2));
    assert.deepEqual(h.module.get('pg_ready'), { pg_ready: false }, 'osd.2 has not reported');
    await h.push(events.find((e) => e.kind === 'pg_stats' && e.reporter === 'osd.2')!);
    assert.deepEqual(h.module.get('pg_ready'), { pg_ready: true });
    await h.stop();
  });

  it('osd_stats holds what each OSD last reported of itself, in the shape ceph-mgr gives', () => {
    const ours = acc.get('osd_stats') as unknown as { osd_stats: Array<{ osd: number }> };
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(real.osd_stats).sort());
    // Ceph keeps OSD stats in an unordered map, so its order is the hash table's; ours is by OSD id.
    assert.deepEqual(
      ours.osd_stats.map((o) => o.osd),
      real.osd_stats.osd_stats.map((o: { osd: number }) => o.osd).sort(),
    );
    assert.deepEqual(Object.keys(ours.osd_stats[0]!).sort(), Object.keys(real.osd_stats.osd_stats[0]).sort());
  });

  it("pool_stats sums each pool's PG stats, in the shape ceph-mgr gives, adding up to pg_summary's sum", () => {
    const ours = acc.get('pool_stats') as unknown as { pool_stats: Array<Record<string, unknown>> };
    const realPools = real.pool_stats.pool_stats as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(ours.pool_stats[0]!).sort(), Object.keys(realPools[0]!).sort());
    assert.deepEqual(
      ours.pool_stats.map((p) => [p.poolid, p.num_pg]),
      realPools.map((p) => [p.poolid, p.num_pg]).sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    const sum = acc.get('pg_summary').pg_stats_sum as unknown as { stat_sum: Record<string, number>; log_size: number };
    const total = (k: string) => ours.pool_stats.reduce((n, p) => n + (p.stat_sum as Record<string, number>)[k]!, 0);
    for (const k of ['num_objects', 'num_bytes', 'num_objects_degraded']) assert.equal(total(k), sum.stat_sum[k], k);
    assert.equal(
      ours.pool_stats.reduce((n, p) => n + (p.log_size as number), 0),
      sum.log_size,
    );
  });

  it("mgr_ips comes from the active manager's addresses in the mgr map", async () => {
    const mgrMap = JSON.parse(readFileSync(join(FIXTURES, 'cli-mgr_dump.json'), 'utf8'));
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    assert.deepEqual(h.module.get('mgr_ips'), { ips: [] });
    await h.push({ kind: 'mgr_map', t: 1, epoch: mgrMap.epoch, map: mgrMap });
    assert.deepEqual(h.module.get('mgr_ips'), real.mgr_ips);
    await h.stop();
  });

  it('get_daemon_health_metrics lists what each daemon last reported of its health', async () => {
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    assert.deepEqual(h.module.get_daemon_health_metrics(), {});
    await h.push(
      { kind: 'daemon_report', t: 1, daemon: 'osd.0', counters: {} },
      {
        kind: 'daemon_report',
        t: 2,
        daemon: 'osd.1',
        counters: {},
        health_metrics: [{ type: 'SLOW_OPS', value: 3 }],
      },
    );
    assert.deepEqual(h.module.get_daemon_health_metrics(), { 'osd.0': [], 'osd.1': [{ value: 3, type: 'SLOW_OPS' }] });
    await h.push({ kind: 'daemon_report', t: 3, daemon: 'osd.1', counters: {}, health_metrics: [] });
    assert.deepEqual(h.module.get_daemon_health_metrics()['osd.1'], [], 'cleared by the next report');
    await h.stop();
  });
});
