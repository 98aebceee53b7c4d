import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { capacityView } from '../../modules/dashboard/capacity-view.ts';
import { type HostRow, hostPage } from '../../modules/dashboard/host-table.ts';
import { Module, StandbyModule } from '../../modules/dashboard/module.ts';
import { OSD_SORT_KEYS, type OsdRow, osdTable } from '../../modules/dashboard/osd-table.ts';
import { Module as Prometheus } from '../../modules/prometheus/module.ts';
import { MgrHost, replayTrace, Store, stateAt, stateDigest } from '../../src/entry/host.ts';
import { createModuleHarness, type ModuleHarness } from '../../src/entry/testing.ts';
import type { MgrError, PastState } from '../../src/index.ts';
import { simulateEvents } from '../../src/sim/simulate-events.ts';
import { ringItems } from '../../src/state/ring.ts';
import { PastStates } from '../../src/store/past-states.ts';
import { FIXTURES, PATCH_TRACE, tempDir, waitFor } from '../helpers.ts';
import { freePort } from './prometheus-helpers.ts';

type TestContext = { after: (fn: () => void | Promise<void>) => void };

/** A host with a store running the dashboard on a free loopback port, fed a whole trace; stopped by the caller. */
async function hostWithTrace(dir: string, trace: string): Promise<{ host: MgrHost; store: Store; base: string }> {
  const store = Store.open(join(dir, 'db'));
  const host = await MgrHost.create({ store, builtinModules: true, logFile: join(dir, 'mgr.log') });
  await host.settings.config.set('mgr/dashboard/server_addr', '127.0.0.1');
  await host.settings.config.set('mgr/dashboard/server_port', '0');
  host.modules.use(['dashboard']);
  host.start();
  await replayTrace({ trace, store, host });
  return { host, store, base: await uriOf(host) };
}

/** Where the dashboard serves, once it has published it with `set_uri`. */
async function uriOf(host: MgrHost, name = 'dashboard'): Promise<string> {
  const uri = await waitFor(`${name} to publish its URI`, () => host.modules.serviceUris()[name]);
  return uri.replace(/\/$/, '');
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field below.
async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  return { status: r.status, body: await r.json() };
}

/** An API answer without its `seq`, to compare with the same figures inside another answer. */
function omitSeq<T extends { seq?: unknown }>(o: T): Omit<T, 'seq'> {
  const { seq: _, ...rest } = o;
  return rest;
}

/** Whether `rows` are in the order the API promises: by `key` in `dir`, equal values by OSD id. */
function inOrder(rows: readonly OsdRow[], key: keyof OsdRow, dir: 'asc' | 'desc'): boolean {
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1]!, rows[i]!];
    if (a[key] === b[key]) {
      if (a.id >= b.id) return false;
    } else if (a[key] < b[key] !== (dir === 'asc')) return false;
  }
  return true;
}

describe('dashboard on the recorded cluster (a host with a store)', () => {
  let host: MgrHost;
  let store: Store;
  let base: string;
  let dir: string;
  before(async () => {
    dir = tempDir({ after: (fn) => after(fn) }, 'mgrkit-dash-');
    ({ host, store, base } = await hostWithTrace(dir, PATCH_TRACE));
  });
  after(async () => {
    await host.stop();
    await store.close();
  });

  it('publishes its URI with set_uri while it runs (host.modules.serviceUris), the port actually bound', () => {
    assert.match(host.modules.serviceUris().dashboard ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(host.modules.serviceUris().dashboard, 'http://127.0.0.1:0/');
  });

  it('serves health with its checks, OSD counts, PG states, pools, the log and client IO as the accessors give them', async () => {
    const m = host.modules.instance<Module>('dashboard')!;
    const health = JSON.parse(m.get('health')!.json) as { status: string; checks: Record<string, unknown> };
    const h = (await getJson(`${base}/api/health`)).body;
    assert.equal(h.status, health.status);
    assert.deepEqual(h.checks.map((c: { code: string }) => c.code).sort(), Object.keys(health.checks).sort());
    const osdMap = m.get('osd_map')!;
    assert.deepEqual(h.osds, {
      total: osdMap.osds.length,
      up: osdMap.osds.filter((o) => o.up === 1).length,
      in: osdMap.osds.filter((o) => o.in === 1).length,
    });
    const pgStatus = m.get('pg_status')!;
    const pg = (await getJson(`${base}/api/pg`)).body;
    assert.equal(pg.total, pgStatus.num_pgs);
    assert.equal(
      pg.by_state.reduce((n: number, s: { count: number }) => n + s.count, 0),
      pgStatus.num_pgs,
    );
    const pools = (await getJson(`${base}/api/pool`)).body.pools;
    assert.deepEqual(
      pools.map((p: { name: string; objects: number }) => [p.name, p.objects]),
      m.get('df')!.pools.map((p) => [p.name, p.stats.objects]),
    );
    const state = stateAt(store);
    const log = (await getJson(`${base}/api/log?num=5`)).body.entries;
    assert.deepEqual(
      log.map((e: { seq: number }) => e.seq),
      ringItems(state.clog)
        .slice(-5)
        .map((e) => e.seq),
    );
    const io = (await getJson(`${base}/api/io`)).body;
    // pg_status leaves out rates that are zero, as Ceph's does.
    assert.equal(io.current.write_op_per_sec, pgStatus.write_op_per_sec ?? 0);
    const seqs = io.samples.map((s: { seq: number }) => s.seq);
    assert.ok(seqs.length > 1, 'a sample per PG-stats cue');
    assert.ok(
      seqs.every((q: number, i: number) => i === 0 || q > seqs[i - 1]),
      `one sample per state, in order: ${seqs}`,
    );
    const past = (await getJson(`${base}/api/io?seq=${seqs[1]}`)).body.samples;
    assert.deepEqual(
      past.map((s: { seq: number }) => s.seq),
      seqs.slice(0, 2),
    );
    const sum = (await getJson(`${base}/api/summary`)).body;
    assert.deepEqual([sum.seq, sum.journal], [store.lastSeq(), { first: 1, last: store.lastSeq() }]);
    assert.equal(sum.osd_map_epoch, osdMap.epoch);
  });

  it('serves capacity as df and the OSD map give it: raw used/total and the fullness ratios', async () => {
    const m = host.modules.instance<Module>('dashboard')!;
    const df = m.get('df')!.stats;
    const osdMap = m.get('osd_map')!;
    const cap = (await getJson(`${base}/api/capacity`)).body;
    assert.deepEqual(
      [cap.total_bytes, cap.used_raw_bytes, cap.avail_bytes, cap.used_raw_ratio],
      [df.total_bytes, df.total_used_raw_bytes, df.total_avail_bytes, df.total_used_raw_ratio],
    );
    assert.ok(cap.total_bytes > 0, 'the recorded OSDs report their space');
    for (const [name, r] of [
      ['nearfull', osdMap.nearfull_ratio],
      ['backfillfull', osdMap.backfillfull_ratio],
      ['full', osdMap.full_ratio],
    ] as const) {
      assert.ok(Math.abs(cap.ratios[name] - r!) < 1e-6, `${name}: ${cap.ratios[name]} is the map's ${r}`);
    }
    assert.equal(cap.osds.reporting, m.get('osd_stats')!.osd_stats.length);
    assert.deepEqual((await getJson(`${base}/api/summary`)).body.capacity, omitSeq(cap));
  });

  it('answers /favicon.ico with an icon, cached, not a 404', async () => {
    const r = await fetch(`${base}/favicon.ico`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/x-icon');
    assert.match(r.headers.get('cache-control') ?? '', /max-age=\d+/);
    const ico = new Uint8Array(await r.arrayBuffer());
    // ICONDIR: reserved 0, type 1 (icon), one image of 16x16, 32 bits per pixel, its bytes right after the header.
    assert.deepEqual([...ico.subarray(0, 8)], [0, 0, 1, 0, 1, 0, 16, 16]);
    const view = new DataView(ico.buffer);
    assert.equal(view.getUint16(12, true), 32);
    assert.equal(view.getUint32(14, true) + view.getUint32(18, true), ico.length);
    assert.match(await (await fetch(`${base}/`)).text(), /<link rel="icon" href="\/favicon.ico">/);
  });

  it('answers ?seq= with the state after that event, as stateAt folds it from the journal', async () => {
    for (const seq of [40, 100, 333]) {
      const then = stateAt(store, seq);
      const sum = (await getJson(`${base}/api/summary?seq=${seq}`)).body;
      assert.equal(sum.seq, seq);
      assert.equal(sum.live, false);
      assert.equal(sum.osd_map_epoch, then.maps.osd_map?.epoch ?? null);
      const status =
        then.maps.health === undefined ? 'HEALTH_UNKNOWN' : (then.maps.health.map as { status: string }).status;
      assert.equal(sum.health.status, status);
      const log = (await getJson(`${base}/api/log?seq=${seq}&num=3`)).body.entries;
      assert.deepEqual(
        log.map((e: { seq: number }) => e.seq),
        ringItems(then.clog)
          .slice(-3)
          .map((e) => e.seq),
      );
      const osd = (await getJson(`${base}/api/osd?seq=${seq}`)).body;
      assert.equal(osd.total, then.maps.osd_map?.map.osds.length ?? 0);
    }
    const early = (await getJson(`${base}/api/summary?seq=40`)).body.osd_map_epoch;
    const late = (await getJson(`${base}/api/summary`)).body.osd_map_epoch;
    assert.ok(early < late, `epoch ${early} at seq 40, ${late} now`);
  });

  it('get_at keeps the last few past states and get_journal_range spans the journal', () => {
    const m = host.modules.instance<Module>('dashboard')!;
    assert.deepEqual(m.get_journal_range(), { first: 1, last: store.lastSeq() });
    const a = m.get_at(200);
    assert.equal(a.seq, 200);
    assert.equal(m.get_at(200), a, 'a kept state is handed out again');
    assert.equal(a.get('osd_map')?.epoch, stateAt(store, 200).maps.osd_map?.epoch);
    assert.equal(m.get_at(201).seq, 201);
    for (const s of [10, 20, 30, 50]) m.get_at(s);
    assert.notEqual(m.get_at(200), a, 'dropped once more than a few others were read');
    assert.throws(
      () => m.get_at(store.lastSeq() + 1),
      (e: MgrError) => e.code === 'MGR_ERR_STORE_NO_STATE' && e.errno === 2,
    );
  });

  it('a past state folded forward from a kept one is the state stateAt folds from the journal', () => {
    const past = new PastStates(
      store,
      (s) => s,
      () => host.state,
    );
    const early = past.at(80);
    assert.equal(store.snapshotSeqAtOrBefore(250), 0, 'no snapshot in between: 250 is folded from 80');
    const later = past.at(250);
    assert.equal(stateDigest(later), stateDigest(stateAt(store, 250)));
    assert.equal(
      stateDigest(stateAt(store, 250, early)),
      stateDigest(later),
      'stateAt folds forward from a given state',
    );
    assert.equal(stateDigest(early), stateDigest(stateAt(store, 80)));
    assert.equal(past.at(store.lastSeq()), host.state, 'the current seq is the current snapshot itself');
  });

  it('answers bad parameters and unknown seqs with a JSON error naming the parameter', async () => {
    const cases: Array<[string, number, RegExp]> = [
      ['/api/osd?limit=0', 400, /^limit: /],
      ['/api/osd?limit=5000', 400, /^limit: /],
      ['/api/osd?offset=-1', 400, /^offset: /],
      ['/api/osd?sort=color', 400, /^sort: "color" is not one of id, host/],
      ['/api/osd?dir=up', 400, /^dir: /],
      ['/api/pg?seq=x', 400, /^seq: /],
      [`/api/summary?seq=${store.lastSeq() + 10}`, 404, /no state at seq/],
      ['/api/nothing', 404, /no such API path/],
    ];
    for (const [path, status, message] of cases) {
      const r = await getJson(`${base}${path}`);
      assert.equal(r.status, status, path);
      assert.match(r.body.error.message, message, path);
    }
  });

  it('serves the page and uPlot from node_modules', async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    for (const id of [
      'health-status',
      'capacity',
      'osd-table',
      'host-table',
      'time-slider',
      'io-chart',
      'pg-states',
      'pools',
      'log',
    ]) {
      assert.match(html, new RegExp(`id="${id}"`));
    }
    const js = await fetch(`${base}/static/uPlot.iife.min.js`);
    assert.equal(js.status, 200);
    assert.match(await js.text(), /uPlot/);
  });

  it('tells open pages over Server-Sent Events when a new snapshot is published', async () => {
    const ac = new AbortController();
    const r = await fetch(`${base}/api/events`, { signal: ac.signal });
    assert.match(r.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = r.body!.getReader();
    const messages: Array<{ seq: number }> = [];
    let text = '';
    const next = async () => {
      while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
      const i = text.indexOf('\n\n');
      const frame = text.slice(0, i);
      text = text.slice(i + 2);
      const data = frame.split('\n').find((l) => l.startsWith('data: '));
      if (data) messages.push(JSON.parse(data.slice(6)));
    };
    await next();
    const before = store.lastSeq();
    assert.equal(messages[0]!.seq, before);
    const entry = await host.clusterLog('cluster', 'INFO', 'dashboard test entry');
    await next();
    assert.equal(messages[1]!.seq, before + 1);
    const log = (await getJson(`${base}/api/log?num=1`)).body.entries;
    assert.equal(log[0].message, entry.message);
    ac.abort();
  });
});

describe('dashboard OSD table on a simulated cluster of 300 OSDs', () => {
  let h: ModuleHarness<Module>;
  let base: string;
  const OSDS = 300;
  before(async () => {
    h = await createModuleHarness<Module>({
      module: Module,
      name: 'dashboard',
      config: { 'mgr/dashboard/server_addr': '127.0.0.1', 'mgr/dashboard/server_port': '0' },
    });
    const events = [...simulateEvents({ osds: OSDS, duration: 12, pgs: 512, scenario: false, seed: 3 })];
    for (let i = 0; i < events.length; i += 400) await h.push(...events.slice(i, i + 400));
    base = await uriOf(h.host);
  });
  after(() => h.stop());

  it('pages through every OSD once, in order, for each sort key and direction', async () => {
    for (const sort of OSD_SORT_KEYS) {
      for (const dir of ['asc', 'desc'] as const) {
        const rows: OsdRow[] = [];
        for (let offset = 0; ; offset += 64) {
          const page = (await getJson(`${base}/api/osd?offset=${offset}&limit=64&sort=${sort}&dir=${dir}`)).body;
          assert.equal(page.total, OSDS);
          rows.push(...page.rows);
          if (page.rows.length < 64) break;
        }
        assert.equal(rows.length, OSDS, `${sort} ${dir}`);
        assert.equal(new Set(rows.map((r) => r.id)).size, OSDS, `${sort} ${dir}: each OSD once`);
        assert.ok(inOrder(rows, sort, dir), `${sort} ${dir}: in order`);
      }
    }
  });

  it("rows carry each OSD's host, state, weights, usage and PG count from the accessors", async () => {
    const m = h.module;
    type Stat = { osd: number; num_pgs: number; kb: number; kb_used: number };
    const stats = new Map((m.get('osd_stats')!.osd_stats as readonly Stat[]).map((s) => [s.osd, s]));
    const byId = new Map(m.get('osd_map')!.osds.map((o) => [o.osd, o]));
    const rows: OsdRow[] = (await getJson(`${base}/api/osd?limit=1000`)).body.rows;
    const hosts = new Set(rows.map((r) => r.host));
    assert.ok(hosts.size > 1, 'OSDs spread over hosts');
    for (const r of rows) {
      assert.equal(r.host, m.get_metadata('osd', String(r.id))?.hostname);
      const o = byId.get(r.id)!;
      assert.deepEqual([r.up, r.in, r.reweight], [o.up === 1, o.in === 1, o.weight]);
      const s = stats.get(r.id)!;
      assert.deepEqual([r.pgs, r.kb_used, r.usage], [s.num_pgs, s.kb_used, s.kb_used / s.kb]);
    }
    assert.ok(
      rows.some((r) => r.usage !== rows[0]!.usage),
      'usage differs between OSDs, so the usage sort is exercised',
    );
  });

  it("the host table sums each host's OSDs, every host once, those with OSDs down first, then the fullest", async () => {
    const osds: OsdRow[] = (await getJson(`${base}/api/osd?limit=1000`)).body.rows;
    const hosts: HostRow[] = [];
    for (let offset = 0; ; offset += 3) {
      const page = (await getJson(`${base}/api/host?offset=${offset}&limit=3`)).body;
      hosts.push(...page.rows);
      if (page.rows.length < 3) break;
    }
    const names = new Set(osds.map((r) => r.host));
    assert.equal(hosts.length, names.size);
    assert.deepEqual(new Set(hosts.map((h) => h.host)), names);
    for (const h of hosts) {
      const mine = osds.filter((r) => r.host === h.host);
      const kb = mine.reduce((n, r) => n + r.kb, 0);
      const used = mine.reduce((n, r) => n + r.kb_used, 0);
      assert.deepEqual(
        [h.osds, h.up, h.in, h.kb, h.kb_used, h.usage, h.max_usage, h.pgs],
        [
          mine.length,
          mine.filter((r) => r.up).length,
          mine.filter((r) => r.in).length,
          kb,
          used,
          used / kb,
          Math.max(...mine.map((r) => r.usage)),
          mine.reduce((n, r) => n + r.pgs, 0),
        ],
        h.host,
      );
    }
    for (let i = 1; i < hosts.length; i++) {
      const [a, b] = [hosts[i - 1]!, hosts[i]!];
      const [downA, downB] = [a.osds - a.up, b.osds - b.up];
      assert.ok(downA > downB || (downA === downB && a.max_usage >= b.max_usage), `${a.host} before ${b.host}`);
    }
    assert.equal((await getJson(`${base}/api/host?limit=0`)).status, 400);
    assert.equal(hostPage(h.module, 0, 1).rows[0], hostPage(h.module, 0, 1).rows[0], 'built once per OSD table');
  });

  it('capacity counts the OSDs past each ratio of the OSD map, each in its highest band', async () => {
    const cap = (await getJson(`${base}/api/capacity`)).body;
    const rows: OsdRow[] = (await getJson(`${base}/api/osd?limit=1000`)).body.rows;
    assert.equal(cap.osds.reporting, OSDS);
    assert.equal(cap.osds.max_usage, Math.max(...rows.map((r) => r.usage)));
    assert.deepEqual(cap.ratios, { nearfull: 0.85, backfillfull: 0.9, full: 0.95 });
    const usages = [0.2, 0.85, 0.86, 0.9, 0.93, 0.95, 0.99];
    const reader = {
      get: (what: string) =>
        ({
          df: null,
          osd_map: { nearfull_ratio: 0.85, backfillfull_ratio: 0.9, full_ratio: 0.95 },
          osd_stats: { osd_stats: [...usages.map((u) => ({ kb: 1000, kb_used: u * 1000 })), { kb: 0, kb_used: 0 }] },
        })[what],
    } as unknown as Pick<PastState, 'get'>;
    const fake = capacityView(reader);
    assert.deepEqual(fake.osds, { reporting: 7, max_usage: 0.99, nearfull: 2, backfillfull: 2, full: 2 });
    assert.deepEqual([fake.total_bytes, fake.used_raw_ratio], [0, 0], 'no df: nothing to show, not an error');
  });

  it('builds the table once per snapshot, not once per page', async () => {
    const t1 = osdTable(h.module);
    assert.equal(osdTable(h.module), t1);
    await h.push({ kind: 'heartbeat', t: h.state.stamp + 1 });
    assert.equal(osdTable(h.module), t1, 'a snapshot that changed no OSD data keeps the table');
    const osdMap = h.module.get('osd_map')!;
    await h.push({
      kind: 'osd_map',
      t: h.state.stamp + 2,
      epoch: osdMap.epoch + 1,
      patch: [
        { op: 'replace', path: '/epoch', value: osdMap.epoch + 1 },
        { op: 'replace', path: '/osds/7/up', value: 0 },
      ],
    });
    const t2 = osdTable(h.module);
    assert.notEqual(t2, t1);
    const page = (await getJson(`${base}/api/osd?sort=up&dir=asc&limit=1`)).body;
    assert.deepEqual([page.rows[0].id, page.rows[0].up], [7, false]);
  });

  it('moves to a new port when server_port changes, and publishes the new URI', async () => {
    const port = await freePort();
    await h.host.settings.config.set('mgr/dashboard/server_port', String(port));
    const uri = await waitFor('the new URI', () => {
      const u = h.host.modules.serviceUris().dashboard;
      return u === `http://127.0.0.1:${port}/` ? u : undefined;
    });
    assert.equal((await getJson(`${uri}api/osd?limit=1`)).body.total, OSDS);
    await assert.rejects(fetch(`${base}/api/osd`));
    base = uri.replace(/\/$/, '');
  });

  it('without a store, ?seq= is answered 501 and the summary has no journal', async () => {
    const r = await getJson(`${base}/api/summary?seq=1`);
    assert.equal(r.status, 501);
    assert.equal(r.body.error.code, 'MGR_ERR_STORE_NONE');
    assert.throws(
      () => h.module.get_journal_range(),
      (e: MgrError) => e.code === 'MGR_ERR_STORE_NONE',
    );
    const sum = (await getJson(`${base}/api/summary`)).body;
    assert.deepEqual([sum.seq, sum.journal, sum.osds.total], [null, null, OSDS]);
  });
});

describe('dashboard standby', () => {
  const mgrMap = JSON.parse(readFileSync(join(FIXTURES, 'cli-mgr_dump.json'), 'utf8'));

  async function standby(t: TestContext, active: string | null, config: Record<string, string> = {}) {
    const port = await freePort();
    const h = await createModuleHarness({
      module: Module,
      StandbyModule,
      standby: true,
      name: 'dashboard',
      config: { 'mgr/dashboard/server_addr': '127.0.0.1', 'mgr/dashboard/server_port': String(port), ...config },
    });
    t.after(() => h.stop());
    await h.push({
      kind: 'mgr_map',
      t: 1,
      epoch: mgrMap.epoch,
      map: { ...mgrMap, services: active === null ? {} : { dashboard: active } },
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`a server at ${url}`, () => fetch(url, { redirect: 'manual' }));
    return { h, url };
  }

  it("redirects (303) every path to the active's dashboard, a really running one", async (t) => {
    const dir = tempDir(t, 'mgrkit-dash-active-');
    const trace = join(dir, 'small.jsonl');
    writeFileSync(
      trace,
      [...simulateEvents({ osds: 6, duration: 6, pgs: 64, scenario: false })].map((e) => JSON.stringify(e)).join('\n'),
    );
    const active = await hostWithTrace(dir, trace);
    t.after(async () => {
      await active.host.stop();
      await active.store.close();
    });
    const { url } = await standby(t, `${active.base}/`);
    for (const path of ['/', '/api/osd?limit=5']) {
      const r = await fetch(`${url}${path}`, { redirect: 'manual' });
      assert.equal(r.status, 303, path);
      assert.equal(r.headers.get('location'), `${active.base}/`);
    }
    const followed = await fetch(`${url}/`);
    assert.equal(followed.status, 200);
    assert.equal(followed.url, `${active.base}/`);
    assert.match(await followed.text(), /id="osd-table"/);
  });

  it('with no active known yet, answers a page that retries in 5 s', async (t) => {
    const { url } = await standby(t, null);
    const r = await fetch(`${url}/`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /<meta http-equiv="refresh" content="5">/);
  });

  it('with standby_behaviour=error, answers standby_error_status_code "Keep on looking"', async (t) => {
    const { h, url } = await standby(t, 'http://127.0.0.1:1/', { 'mgr/dashboard/standby_behaviour': 'error' });
    const r = await fetch(`${url}/`, { redirect: 'manual' });
    assert.deepEqual([r.status, await r.text()], [500, 'Keep on looking']);
    await h.host.settings.config.set('mgr/dashboard/standby_error_status_code', '503');
    assert.equal((await fetch(`${url}/api/summary`, { redirect: 'manual' })).status, 503);
  });
});

describe('set_uri', () => {
  it('the prometheus module publishes where it serves, and the URI goes when it stops', async () => {
    const h = await createModuleHarness({
      module: Prometheus,
      name: 'prometheus',
      config: { 'mgr/prometheus/server_addr': '127.0.0.1', 'mgr/prometheus/server_port': '0' },
    });
    const uri = await uriOf(h.host, 'prometheus');
    assert.match(uri, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await fetch(`${uri}/metrics`)).status, 200);
    await h.stop();
    assert.deepEqual(h.host.modules.serviceUris(), {});
  });
});
