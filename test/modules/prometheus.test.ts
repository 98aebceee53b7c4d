import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Collector } from '../../modules/prometheus/collector.ts';
import { HealthHistory } from '../../modules/prometheus/health-history.ts';
import { Module, StandbyModule } from '../../modules/prometheus/module.ts';
import { createModuleHarness, type ModuleHarness } from '../../src/entry/testing.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { FIXTURES, readJsonl, WHOLE_TRACE, waitFor } from '../helpers.ts';
import {
  freePort,
  PROM_FIXTURES,
  parseExposition,
  prometheusHarness,
  realFamilies,
  recordedClusterEvents,
  sampleValue,
} from './prometheus-helpers.ts';

/**
 * Real families the recorded state cannot produce, with why. Any other difference from real ceph-mgr's families
 * (a name, a type, a label name, samples on one side only) fails the comparison.
 */
const NOT_PRODUCED: ReadonlyArray<[RegExp, string]> = [
  [
    /^ceph_(mon_(election_(call|lose|win)|num_elections|num_sessions|session_(add|rm|trim))|paxos_.*|rocksdb_.*|prioritycache.*)$/,
    "mon.a's perf counters: the recording has no session of mon.a and no monitor perf schema (the OSDs' schema " +
      'is recorded, and its families are compared here; a monitor reporting its schema gets the same treatment)',
  ],
];

type TestContext = { after: (fn: () => Promise<void>) => void };

/** The module on a free loopback port, stopped when the test ends (stopping twice is harmless). */
async function started(
  t: TestContext,
  config: Record<string, string> = {},
): Promise<{ h: ModuleHarness<Module>; port: number }> {
  const started = await prometheusHarness(t, config);
  await waitListening(started.port);
  return started;
}

async function pushAll(h: ModuleHarness, events: readonly object[]): Promise<void> {
  for (let i = 0; i < events.length; i += 50) await h.push(...events.slice(i, i + 50));
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitListening(port: number): Promise<void> {
  await waitFor(`a server on ${port}`, () => get(port, '/').then(() => true));
}

/** The body of the answer to `GET url` in one of the recorded answer files. */
function recordedBody(file: string, url: string): string {
  const text = readFileSync(join(PROM_FIXTURES, file), 'utf8').replaceAll('\r\n', '\n');
  const start = text.indexOf(`=== GET ${url}\n`);
  assert.ok(start >= 0, `${url} not recorded in ${file}`);
  const body = text.indexOf('\n\n', start) + 2;
  const ends = [text.indexOf('\n[curl:', body), text.indexOf('\n=== ', body), text.length].filter((i) => i >= 0);
  return text.slice(body, Math.min(...ends)).replace(/\n+$/, '');
}

describe('prometheus module', () => {
  it("exports real ceph-mgr's families, names, types and label names, each declared once, on the recorded cluster", async (t) => {
    const { h } = await started(t);
    await pushAll(h, recordedClusterEvents());
    const ours = parseExposition(h.module.metrics().toString('utf8'));
    assert.deepEqual(ours.problems, []);
    const differences: string[] = [];
    for (const [name, real] of realFamilies()) {
      if (NOT_PRODUCED.some(([re]) => re.test(name))) {
        if (ours.families.has(name)) differences.push(`${name}: listed as not produced, but produced`);
        continue;
      }
      const o = ours.families.get(name);
      if (o === undefined) {
        differences.push(`${name}: missing`);
        continue;
      }
      if (o.type !== real.type) differences.push(`${name}: type ${o.type}, real ${real.type}`);
      if (o.samples.length > 0 !== real.samples > 0) {
        differences.push(`${name}: ${o.samples.length} samples, real ${real.samples}`);
      }
      const [a, b] = [[...o.labelNames].sort(), [...real.labelNames].sort()];
      if (o.samples.length > 0 && real.samples > 0 && a.join() !== b.join()) {
        differences.push(`${name}: labels ${a}, real ${b}`);
      }
    }
    const real = realFamilies();
    for (const name of ours.families.keys()) if (!real.has(name)) differences.push(`${name}: not in real output`);
    assert.deepEqual(differences, []);
    await h.stop();
  });

  it('values follow the state: OSD up/in/weight from the OSD map, PG states per pool, health, quorum', async (t) => {
    const { h } = await started(t);
    await pushAll(h, recordedClusterEvents());
    const p = parseExposition(h.module.metrics().toString('utf8'));
    const osdMap = h.module.get('osd_map')!;
    for (const o of osdMap.osds) {
      const d = { ceph_daemon: `osd.${o.osd}` };
      assert.equal(sampleValue(p, 'ceph_osd_up', d), o.up);
      assert.equal(sampleValue(p, 'ceph_osd_in', d), o.in);
      assert.equal(sampleValue(p, 'ceph_osd_weight', d), o.weight);
    }
    const summary = h.module.get('pg_summary');
    for (const [pool, states] of Object.entries(summary.by_pool)) {
      const total = Object.values(states as Record<string, number>).reduce((a, b) => a + b, 0);
      assert.equal(sampleValue(p, 'ceph_pg_total', { pool_id: pool }), total);
      const active = Object.entries(states as Record<string, number>)
        .filter(([s]) => s.split('+').includes('active'))
        .reduce((a, [, n]) => a + n, 0);
      assert.equal(sampleValue(p, 'ceph_pg_active', { pool_id: pool }), active);
    }
    const status = JSON.parse(h.module.get('health')!.json).status as string;
    assert.equal(sampleValue(p, 'ceph_health_status'), { HEALTH_OK: 0, HEALTH_WARN: 1, HEALTH_ERR: 2 }[status]);
    assert.equal(sampleValue(p, 'ceph_mon_quorum_status', { ceph_daemon: 'mon.a' }), 1);
    assert.equal(sampleValue(p, 'ceph_mgr_status', { ceph_daemon: 'mgr.x' }), 1);
    assert.equal(sampleValue(p, 'ceph_mgr_module_status', { name: 'balancer' }), 2);
    // An average's sum in seconds (the schema's time unit is ns), its count as given.
    assert.ok(p.families.get('ceph_osd_op_w_latency_sum')!.samples.every((s) => s.value < 1));
    assert.equal(p.families.get('ceph_osd_op_w_latency_count')!.type, 'counter');
    await h.stop();
  });

  it('serves one buffer until the snapshot changes, then rebuilds only the sections whose inputs changed', async (t) => {
    const { h } = await started(t);
    await pushAll(h, recordedClusterEvents());
    const first = h.module.metrics();
    assert.equal(h.module.metrics(), first);
    assert.equal(h.module.collect_stats().rebuilt, false);
    await h.push({
      kind: 'daemon_report',
      t: h.state.stamp + 1000,
      daemon: 'osd.1',
      counters: { 'osd.op_w': 987654321 },
    });
    const second = h.module.metrics();
    assert.notEqual(second, first);
    const rebuilt = h.module.collect_stats().sections;
    assert.ok(rebuilt.includes('get_perf_counters'));
    assert.ok(!rebuilt.includes('get_df') && !rebuilt.includes('get_pg_status'));
    assert.equal(sampleValue(parseExposition(second.toString()), 'ceph_osd_op_w', { ceph_daemon: 'osd.1' }), 987654321);
    await h.stop();
  });

  it('rebuilt part by part over many snapshots, gives the body a new exporter builds from nothing', async (t) => {
    // 300 daemons: more than one block of perf counter lines; the scenario's failure and recovery change OSDs and PGs.
    const sim = new SimulatedCluster({ osds: 300, hosts: 15, pgs: 1024, seed: 4, duration: 40, statsPeriod: 5 });
    const { h } = await started(t);
    const pushed: object[] = [];
    const withoutTimings = (b: Buffer) =>
      b
        .toString()
        .split('\n')
        .filter((l) => !l.startsWith('ceph_prometheus_collect_duration_seconds'))
        .join('\n');
    let compared = 0;
    while (sim.now < sim.startMs + 30_000) {
      const events = sim.advanceTo(sim.now + 2000);
      await pushAll(h, events);
      pushed.push(...events);
      const incremental = h.module.metrics();
      if (sim.now < sim.startMs + 6_000 || (sim.now - sim.startMs) % 10_000 !== 0) continue;
      const { h: fresh } = await started(t);
      try {
        await pushAll(fresh, pushed);
        assert.equal(
          withoutTimings(incremental),
          withoutTimings(fresh.module.metrics()),
          `at ${sim.now - sim.startMs} ms`,
        );
        compared++;
      } finally {
        await fresh.stop();
      }
    }
    assert.equal(compared, 3);
  });

  it('keeps a cleared health check in ceph_health_detail at 0, and lists the history as Ceph does', async (t) => {
    const { h } = await started(t);
    const health = readJsonl<{ kind: string; t: number; map?: { checks: Record<string, unknown> } }>(WHOLE_TRACE)
      .filter((e) => e.kind === 'health')
      .find((e) => Object.keys(e.map?.checks ?? {}).length > 0)!;
    const code = Object.keys(health.map!.checks)[0]!;
    await h.push(health);
    await h.push({ kind: 'health', t: health.t + 1, map: { status: 'HEALTH_OK', checks: {}, mutes: [] } });
    const p = parseExposition(h.module.metrics().toString());
    assert.equal(sampleValue(p, 'ceph_health_detail', { name: code }), 0);
    assert.equal(sampleValue(p, 'ceph_health_status'), 0);
    const admin = { entity: 'client.admin', caps: 'rw', inbuf: '' };
    const [rc, out] = await h.host.commands.run({ prefix: 'healthcheck history ls', format: 'json' }, admin);
    assert.equal(rc, 0);
    assert.equal(JSON.parse(out)[code].active, false);
    assert.match(JSON.parse(h.module.get_store('health_history') as string)[code].name, new RegExp(code));
    const [rc2] = await h.host.commands.run({ prefix: 'healthcheck history clear' }, admin);
    assert.equal(rc2, 0);
    assert.equal(
      sampleValue(parseExposition(h.module.metrics().toString()), 'ceph_health_detail', { name: code }),
      undefined,
    );
    await h.stop();
  });

  it('exports every OSD of the OSD map, those without metadata too (real ceph-mgr drops them)', async (t) => {
    const { h } = await started(t);
    await pushAll(h, recordedClusterEvents());
    const map = structuredClone(h.module.get('osd_map')!) as { epoch: number; max_osd: number; osds: object[] };
    const ghost = { ...(map.osds[0] as object), osd: 7, up: 0, in: 0, weight: 0, public_addr: '-', cluster_addr: '-' };
    await h.push({
      kind: 'osd_map',
      t: h.state.stamp + 1,
      epoch: map.epoch + 1,
      map: { ...map, epoch: map.epoch + 1, max_osd: 8, osds: [...map.osds, ghost] },
    });
    const p = parseExposition(h.module.metrics().toString());
    assert.equal(sampleValue(p, 'ceph_osd_up', { ceph_daemon: 'osd.7' }), 0);
    assert.equal(sampleValue(p, 'ceph_osd_metadata', { ceph_daemon: 'osd.7', hostname: '' }), 1);
    assert.equal(p.families.get('ceph_osd_up')!.samples.length, map.osds.length + 1);
    await h.stop();
  });

  it("serves /metrics as the text format and / as Ceph's index page; any other path gets the index too", async (t) => {
    const { h, port } = await started(t);
    await pushAll(h, recordedClusterEvents());
    const m = await get(port, '/metrics');
    assert.equal(m.status, 200);
    assert.equal(m.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(m.body, h.module.metrics().toString());
    const index = await get(port, '/');
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-type'], 'text/html;charset=utf-8');
    assert.equal(index.body, recordedBody('active-answers.txt', 'http://127.0.0.1:9283/ (active prometheus, 3 OSDs)'));
    assert.equal((await get(port, '/elsewhere')).body, index.body);
    await h.stop();
    await assert.rejects(get(port, '/'), /ECONNREFUSED/);
  });

  it('reads its address per manager: mgr/prometheus/<id>/server_port wins over mgr/prometheus/server_port', async (t) => {
    const [shared, own] = [await freePort(), await freePort()];
    const h = await createModuleHarness<Module>({
      module: Module,
      name: 'prometheus',
      mgrId: 'y',
      config: {
        'mgr/prometheus/server_addr': '127.0.0.1',
        'mgr/prometheus/server_port': String(shared),
        'mgr/prometheus/y/server_port': String(own),
      },
    });
    t.after(() => h.stop());
    await waitListening(own);
    await assert.rejects(get(shared, '/'), /ECONNREFUSED/);
    await h.stop();
  });

  it('moves to a new port when server_port changes, as Ceph restarts its server on an option change', async (t) => {
    const { h, port } = await started(t);
    const next = await freePort();
    await h.host.settings.config.set('mgr/prometheus/server_port', String(next));
    await waitListening(next);
    await assert.rejects(get(port, '/'), /ECONNREFUSED/);
    assert.equal((await get(next, '/metrics')).status, 200);
  });

  it('a port already taken fails the module, not the host', async (t) => {
    const { h: first, port } = await started(t);
    const h = await createModuleHarness<Module>({
      module: Module,
      name: 'prometheus',
      others: ['status'],
      config: { 'mgr/prometheus/server_addr': '127.0.0.1', 'mgr/prometheus/server_port': String(port) },
    });
    t.after(() => h.stop());
    await waitFor('the module to fail', () => h.host.modules.stats().prometheus?.status === 'failed');
    assert.match(h.host.modules.stats().prometheus?.error_string ?? '', /EADDRINUSE/);
    assert.equal(h.host.modules.stats().status?.status, 'running');
    await h.stop();
    await first.stop();
  });

  it('a collection step that throws leaves its families empty and the others served', async (t) => {
    const { h } = await started(t);
    await pushAll(h, recordedClusterEvents());
    const errors: string[] = [];
    const reader = {
      get: ((name: string) => {
        if (name === 'df') throw new Error('df is broken');
        return h.module.get(name as never);
      }) as Module['get'],
      get_metadata: h.module.get_metadata.bind(h.module),
      get_all_perf_counters: h.module.get_all_perf_counters.bind(h.module),
      get_perf_schema: h.module.get_perf_schema.bind(h.module),
      get_latest_counter: h.module.get_latest_counter.bind(h.module),
      get_daemon_health_metrics: h.module.get_daemon_health_metrics.bind(h.module),
      release_name: h.module.release_name,
    };
    const history = new HealthHistory({ get_store: () => null, set_store: async () => {} }, () => {});
    const c = new Collector(reader, history, { warn: () => {}, error: (_o, msg) => errors.push(msg) });
    const p = parseExposition(c.metrics().toString());
    assert.deepEqual(p.problems, []);
    assert.equal(p.families.get('ceph_cluster_total_bytes')?.samples.length, 0);
    assert.equal(p.families.get('ceph_pool_max_avail')?.samples.length, 0);
    assert.equal(p.families.get('ceph_osd_up')?.samples.length, 3);
    c.metrics();
    assert.equal(errors.length, 1, 'logged once while the same error repeats');
    await h.stop();
  });
});

describe('prometheus standby', () => {
  const ACTIVE_URI = 'http://127.0.0.1:9283/';
  const mgrMap = JSON.parse(readFileSync(join(FIXTURES, 'cli-mgr_dump.json'), 'utf8'));

  async function standby(t: TestContext, config: Record<string, string> = {}) {
    const port = await freePort();
    const h = await createModuleHarness({
      module: Module,
      StandbyModule,
      standby: true,
      name: 'prometheus',
      config: { 'mgr/prometheus/server_addr': '127.0.0.1', 'mgr/prometheus/server_port': String(port), ...config },
    });
    t.after(() => h.stop());
    await h.push({
      kind: 'mgr_map',
      t: 1,
      epoch: mgrMap.epoch,
      map: { ...mgrMap, services: { prometheus: ACTIVE_URI } },
    });
    await waitListening(port);
    return { h, port };
  }

  it("answers as Ceph's standby: / links to the active's metrics, /metrics is empty, other paths 404", async (t) => {
    const { h, port } = await standby(t);
    const index = await get(port, '/');
    assert.equal(index.status, 200);
    assert.equal(index.body, recordedBody('standby-answers.txt', 'http://127.0.0.1:9284/'));
    const metrics = await get(port, '/metrics');
    assert.deepEqual(
      [metrics.status, metrics.body, metrics.headers['content-type']],
      [200, '', 'text/plain;charset=utf-8'],
    );
    const missing = await get(port, '/foo');
    assert.equal(missing.status, 404);
    assert.match(missing.body, /The path '\/foo' was not found\./);
    await h.stop();
  });

  it('with standby_behaviour=error answers / with standby_error_status_code and "Keep on looking"', async (t) => {
    const { h, port } = await standby(t, { 'mgr/prometheus/standby_behaviour': 'error' });
    const index = await get(port, '/');
    assert.equal(index.status, 500);
    assert.match(index.body, /<h2>500 Internal Server Error<\/h2>\s*<p>Keep on looking<\/p>/);
    assert.match(
      recordedBody(
        'standby-answers-error-mode.txt',
        'http://127.0.0.1:9284/ (standby_behaviour=error, standby_error_status_code default 500)',
      ),
      /<p>Keep on looking<\/p>/,
    );
    assert.deepEqual([(await get(port, '/metrics')).status, (await get(port, '/metrics')).body], [200, '']);
    await h.host.settings.config.set('mgr/prometheus/standby_error_status_code', '503');
    assert.equal((await get(port, '/')).status, 503);
    await h.stop();
  });
});
