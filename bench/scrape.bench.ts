import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { Collector } from '../modules/prometheus/collector.ts';
import { HealthHistory } from '../modules/prometheus/health-history.ts';
import { Module } from '../modules/prometheus/module.ts';
import type { ClusterReader } from '../modules/prometheus/reader.ts';
import type { ClusterEvent } from '../schemas/event.ts';
import { Accessors } from '../src/module/accessors.ts';
import { SimulatedCluster } from '../src/sim/simulated-cluster.ts';
import { type ClusterState, createEmptyState } from '../src/state/cluster-state.ts';
import { createModuleHarness } from '../src/testing/module-harness.ts';
import { freePort } from '../test/helpers.ts';
import { foldInBatches } from './harness.ts';

/** Real ceph-mgr 16.2.15's exporter, recorded on a 2-core machine (fixtures' prometheus/README.md): whole requests. */
export const CEPH_SCRAPE = {
  osds: 1003,
  freshMs: [73, 77] as const,
  cachedMs: [1.0, 1.3] as const,
  bytes: 57_000,
  samples: 561,
  note: '1003 OSDs in the map, 3 of them with daemons (the exporter drops the other 1000)',
} as const;

export interface ScrapeResult {
  osds: number;
  pgs: number;
  /** OSDs with a daemon reporting perf counters (every OSD in the simulator). */
  daemons: number;
  bytes: number;
  samples: number;
  /** The very first scrape: every view of the snapshot and every line built from nothing (median ms). */
  coldMs: number;
  /**
   * The first scrape after a new snapshot (about 100 ms of stream time: some OSDs' reports and PG stats), whole
   * request over loopback: the views the exporter reads are computed for the new snapshot, then the body.
   */
  freshMs: number;
  /** Of which the snapshot's views (`pg_summary`, `df`, `osd_stats`, ... computed once per snapshot for any reader). */
  freshViewsMs: number;
  /** Of which the exporter's own work with the views ready: rebuilding the sections whose inputs changed. */
  freshExporterMs: number;
  /** That work alone, without the HTTP transfer: the body built in the module (`collect_stats().ms`). */
  freshBuildMs: number;
  /** A scrape between two snapshots: the cached buffer written out (median over many requests). */
  cachedMs: number;
}

const run = promisify(execFile);
let haveCurl: boolean | undefined;

/**
 * `GET /metrics` as the recorded ceph-mgr figures were taken: `curl`'s own request time, in another process (a
 * client reading 20 MB in the same process would be timed with the server's garbage collection of a big heap).
 * Without curl, an in-process request.
 */
async function scrape(port: number): Promise<{ ms: number; bytes: number }> {
  if (haveCurl !== false) {
    try {
      const { stdout } = await run(
        'curl',
        ['-s', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', `http://127.0.0.1:${port}/metrics`],
        { encoding: 'utf8' },
      );
      haveCurl = true;
      const [t, n] = stdout.trim().split(' ');
      return { ms: Number(t) * 1000, bytes: Number(n) };
    } catch (e) {
      if (haveCurl === true) throw e;
      haveCurl = false;
    }
  }
  const r = await scrapeInProcess(port);
  return { ms: r.ms, bytes: r.body.length };
}

/** `GET /metrics` on a new connection from this process. */
function scrapeInProcess(port: number): Promise<{ ms: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ms: performance.now() - t0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A simulated cluster to scrape: its OSDs, how many of them run a daemon (default all), its PGs. */
export interface ScrapeSize {
  readonly osds: number;
  readonly daemons?: number;
  readonly pgs?: number;
}

/**
 * The recorded ceph-mgr's case (1003 OSDs in the map, 3 with daemons, a few hundred PGs), then 1,000 and 10,000
 * OSDs all reporting as the simulator's OSDs do.
 */
export const SCRAPE_SIZES: readonly ScrapeSize[] = [
  { osds: 1003, daemons: 3, pgs: 384 },
  { osds: 1000 },
  { osds: 10_000 },
];

/** The events of daemons `osd.0` .. `osd.<daemons - 1>` only: the other OSDs are in the map and never report. */
function withDaemons(events: ClusterEvent[], daemons: number | undefined): ClusterEvent[] {
  if (daemons === undefined) return events;
  const reporting = (name: string) => Number(name.replace(/^osd\./, '')) < daemons;
  return events.filter((e) => {
    if (e.kind === 'pg_stats') return reporting(e.reporter);
    if (e.kind === 'daemon_open' || e.kind === 'daemon_report' || e.kind === 'daemon_close') return reporting(e.daemon);
    return true;
  });
}

/** The views the exporter reads, computed for the current snapshot as the first reader of it would. */
function warmViews(m: Pick<Accessors, 'get' | 'get_all_perf_counters' | 'get_daemon_health_metrics'>): void {
  for (const name of [
    'health',
    'osd_map',
    'osd_map_crush',
    'osd_stats',
    'osd_pool_stats',
    'pg_summary',
    'df',
  ] as const) {
    m.get(name);
  }
  m.get('pool_stats');
  m.get_all_perf_counters();
  m.get_daemon_health_metrics();
}

/**
 * Scrape time and size of the prometheus module on a simulated cluster of `osds` OSDs (every OSD a daemon with the
 * simulator's 21 perf counters): cold, fresh after a new snapshot (split into the snapshot's views and the
 * exporter's own work), and cached, each a whole HTTP request on loopback.
 */
export async function benchScrapeAt(size: ScrapeSize, log: (s: string) => void = () => {}): Promise<ScrapeResult> {
  const { osds } = size;
  log(`simulating ${osds} OSDs${size.daemons === undefined ? '' : `, ${size.daemons} with daemons`}`);
  const sim = new SimulatedCluster({
    osds,
    seed: 1,
    scenario: false,
    duration: 60,
    ...(size.pgs === undefined ? {} : { pgs: size.pgs }),
  });
  const advance = (ms: number) => withDaemons(sim.advanceTo(ms), size.daemons);
  // One stats period and a bit: every OSD has booted, reported its PGs and its counters once.
  let { state, accepted } = foldInBatches(createEmptyState(), advance(sim.startMs + 6_000));
  const port = await freePort();
  const h = await createModuleHarness<Module>({
    module: Module,
    name: 'prometheus',
    config: { 'mgr/prometheus/server_addr': '127.0.0.1', 'mgr/prometheus/server_port': String(port) },
  });
  try {
    for (let i = 0; i < 200; i++) {
      try {
        await scrape(port);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    h.host.feed.publish(state, accepted);
    await h.host.idle();
    log('cold scrape');
    const cold = await scrape(port);
    const nextSnapshot = async () => {
      ({ state, accepted } = foldInBatches(state, advance(sim.now + 100)));
      h.host.feed.publish(state, accepted);
      await h.host.idle();
    };
    log('fresh scrapes');
    const fresh: number[] = [];
    const views: number[] = [];
    const exporter: number[] = [];
    const build: number[] = [];
    const rounds = osds >= 10_000 ? 3 : 7;
    for (let i = 0; i < rounds; i++) {
      await nextSnapshot();
      fresh.push((await scrape(port)).ms);
      await nextSnapshot();
      const t0 = performance.now();
      warmViews(h.module);
      views.push(performance.now() - t0);
      exporter.push((await scrape(port)).ms);
      build.push(h.module.collect_stats().ms);
    }
    log('cached scrapes');
    const cached: number[] = [];
    for (let i = 0; i < (osds >= 10_000 ? 20 : 100); i++) cached.push((await scrape(port)).ms);
    const body = h.module.metrics();
    const text = body.toString('utf8');
    let samples = 0;
    for (let i = 0; i < text.length; i = text.indexOf('\n', i) + 1 || text.length) if (text[i] !== '#') samples++;
    return {
      osds,
      pgs: (state.maps.osd_map?.map.pools ?? []).reduce((n, p) => n + p.pg_num, 0),
      daemons: Object.keys(h.module.get_all_perf_counters()).length,
      bytes: body.length,
      samples,
      coldMs: cold.ms,
      freshMs: median(fresh),
      freshViewsMs: median(views),
      freshExporterMs: median(exporter),
      freshBuildMs: median(build),
      cachedMs: median(cached),
    };
  } finally {
    await h.stop();
  }
}

/** The scrape benchmark at each size (default {@link SCRAPE_SIZES}). */
export async function benchScrape(
  sizes: readonly ScrapeSize[] = SCRAPE_SIZES,
  log: (s: string) => void = () => {},
): Promise<ScrapeResult[]> {
  const out: ScrapeResult[] = [];
  for (const size of sizes) out.push(await benchScrapeAt(size, log));
  return out;
}

const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;

/** Prints the scrape figures beside real ceph-mgr's. */
export function printScrape(results: readonly ScrapeResult[]): void {
  console.log('\nprometheus /metrics, whole HTTP request on loopback (median)');
  console.log(
    `${'cluster'.padEnd(46)} ${'cold'.padStart(9)} ${'fresh'.padStart(9)} ${'(views'.padStart(9)} ${'+ export)'.padStart(10)} ${'build'.padStart(8)} ${'cached'.padStart(9)} ${'bytes'.padStart(11)} ${'samples'.padStart(8)}`,
  );
  for (const r of results) {
    console.log(
      `${`mgrkit ${r.osds.toLocaleString('en-US')} OSDs, ${r.daemons.toLocaleString('en-US')} daemons, ${r.pgs.toLocaleString('en-US')} PGs`.padEnd(46)} ${ms(r.coldMs).padStart(9)} ${ms(r.freshMs).padStart(9)} ${ms(r.freshViewsMs).padStart(9)} ${ms(r.freshExporterMs).padStart(10)} ${ms(r.freshBuildMs).padStart(8)} ${ms(r.cachedMs).padStart(9)} ${r.bytes.toLocaleString('en-US').padStart(11)} ${String(r.samples).padStart(8)}`,
    );
  }
  const c = CEPH_SCRAPE;
  console.log(
    `${`ceph-mgr ${c.osds.toLocaleString('en-US')} OSDs, 3 daemons`.padEnd(46)} ${''.padStart(9)} ${`${c.freshMs[0]}-${c.freshMs[1]} ms`.padStart(9)} ${''.padStart(9)} ${''.padStart(10)} ${''.padStart(8)} ${`${c.cachedMs[0]}-${c.cachedMs[1]} ms`.padStart(9)} ${`~${c.bytes.toLocaleString('en-US')}`.padStart(11)} ${String(c.samples).padStart(8)}`,
  );
  console.log(
    "fresh: first scrape after a new snapshot = the snapshot's views (computed once per snapshot for any reader) + the",
  );
  console.log(
    'exporter (whole request; "build": the body alone). ceph-mgr: "fresh" with its cache off, "cached" its 15 s cache.',
  );
}

/** Incremental against from-scratch work for the same new snapshot (median ms, in one run). */
export interface IncrementalResult {
  osds: number;
  /** Views and body of the new snapshot, with the views and exporter of the snapshot before it in memory. */
  incrementalViewsMs: number;
  incrementalBuildMs: number;
  /** The same on a deep copy of the new snapshot and a new exporter: nothing of any snapshot before is reused. */
  scratchViewsMs: number;
  scratchBuildMs: number;
  /** Both bodies were the same bytes, but for the collect-duration counters. */
  sameBody: boolean;
}

function exporterOn(current: () => ClusterState): { acc: Accessors; collector: Collector } {
  const acc = new Accessors(current);
  const reader = Object.assign(acc, { release_name: 'pacific' }) as unknown as ClusterReader;
  const history = new HealthHistory({ get_store: () => null, set_store: async () => {} }, () => {});
  return { acc, collector: new Collector(reader, history, { warn() {}, error() {} }) };
}

const withoutTimings = (b: Buffer) =>
  b
    .toString()
    .split('\n')
    .filter((l) => !l.startsWith('ceph_prometheus_collect_duration_seconds'))
    .join('\n');

/**
 * The exporter's work for a new snapshot (about 100 ms of stream time after the one before), in this process:
 * incrementally (the snapshot before read first, its views' parts and the exporter's pieces at hand) and from
 * scratch (a deep copy of the same snapshot, a new exporter), alternately on the same snapshot pairs.
 */
export function benchIncrementalAt(size: ScrapeSize, log: (s: string) => void = () => {}): IncrementalResult {
  const sim = new SimulatedCluster({
    osds: size.osds,
    seed: 1,
    scenario: false,
    duration: 60,
    ...(size.pgs === undefined ? {} : { pgs: size.pgs }),
  });
  const advance = (ms: number) => withDaemons(sim.advanceTo(ms), size.daemons);
  log(`incremental: simulating ${size.osds} OSDs`);
  let state = foldInBatches(createEmptyState(), advance(sim.startMs + 6_000)).state;
  let current = state;
  const inc = exporterOn(() => current);
  warmViews(inc.acc);
  inc.collector.metrics();
  const times = { iv: [] as number[], ib: [] as number[], sv: [] as number[], sb: [] as number[] };
  let sameBody = true;
  const rounds = size.osds >= 10_000 ? 3 : 7;
  for (let i = 0; i < rounds; i++) {
    state = foldInBatches(state, advance(sim.now + 100)).state;
    const copy = structuredClone(state);
    current = state;
    let t0 = performance.now();
    warmViews(inc.acc);
    times.iv.push(performance.now() - t0);
    t0 = performance.now();
    const a = inc.collector.metrics();
    times.ib.push(performance.now() - t0);
    const scratch = exporterOn(() => copy);
    t0 = performance.now();
    warmViews(scratch.acc);
    times.sv.push(performance.now() - t0);
    t0 = performance.now();
    const b = scratch.collector.metrics();
    times.sb.push(performance.now() - t0);
    if (withoutTimings(a) !== withoutTimings(b)) sameBody = false;
  }
  return {
    osds: size.osds,
    incrementalViewsMs: median(times.iv),
    incrementalBuildMs: median(times.ib),
    scratchViewsMs: median(times.sv),
    scratchBuildMs: median(times.sb),
    sameBody,
  };
}

/** Prints {@link benchIncrementalAt}'s figures. */
export function printIncremental(results: readonly IncrementalResult[]): void {
  console.log(
    '\nprometheus, a new snapshot: from scratch against incremental, same snapshot pairs, in process (median)',
  );
  console.log(
    `${'OSDs'.padStart(7)} ${'scratch views'.padStart(14)} ${'+ build'.padStart(9)} ${'incr. views'.padStart(12)} ${'+ build'.padStart(9)} ${'ratio'.padStart(7)}  same body`,
  );
  for (const r of results) {
    const scratch = r.scratchViewsMs + r.scratchBuildMs;
    const inc = r.incrementalViewsMs + r.incrementalBuildMs;
    console.log(
      `${r.osds.toLocaleString('en-US').padStart(7)} ${ms(r.scratchViewsMs).padStart(14)} ${ms(r.scratchBuildMs).padStart(9)} ${ms(r.incrementalViewsMs).padStart(12)} ${ms(r.incrementalBuildMs).padStart(9)} ${`${(scratch / inc).toFixed(1)}x`.padStart(7)}  ${r.sameBody ? 'yes' : 'NO'}`,
    );
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  // `node --import tsx bench/scrape.bench.ts [OSDS...]`: the given sizes (all OSDs reporting), or the default set.
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0)
    .map((osds) => SCRAPE_SIZES.find((s) => s.osds === osds) ?? { osds });
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  if (process.argv.includes('--incremental')) {
    printIncremental((sizes.length > 0 ? sizes : SCRAPE_SIZES).map((size) => benchIncrementalAt(size, log)));
  } else {
    printScrape(await benchScrape(sizes.length > 0 ? sizes : undefined, log));
  }
}
