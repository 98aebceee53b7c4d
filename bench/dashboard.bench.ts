import { Module } from '../modules/dashboard/module.ts';
import { OsdTable, osdTable } from '../modules/dashboard/osd-table.ts';
import { SimulatedCluster } from '../src/sim/simulated-cluster.ts';
import { createEmptyState } from '../src/state/cluster-state.ts';
import { createModuleHarness } from '../src/testing/module-harness.ts';
import { foldInBatches } from './harness.ts';

/** The page the benchmark asks for: 50 rows from the middle of the table, sorted by usage, fullest first. */
export const PAGE_QUERY = 'offset=5000&limit=50&sort=usage&dir=desc';

export interface Latency {
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly n: number;
}

export interface DashboardBenchResult {
  readonly osds: number;
  readonly pgs: number;
  /** `GET /api/osd?…` first after a new snapshot: the snapshot's views, the table's rows and its sort, then the page. */
  readonly fresh: Latency;
  /** Of which the snapshot's views the table reads (`osd_stats`, `osd_map_tree`: built once per snapshot for any reader). */
  readonly freshViews: Latency;
  /** Of which the dashboard's own work, with those views ready: the table's rows, its sort, the page. */
  readonly freshTable: Latency;
  /** The same request again on the same snapshot: a slice of the kept order. */
  readonly repeated: Latency;
  /** Baseline: an API request that does no work (an unknown `/api/` path), the HTTP round trip alone. */
  readonly floor: Latency;
  /** Baseline: the same page with the rows sorted on every request (no order kept per snapshot), in process. */
  readonly unsortedPerRequest: Latency;
}

function stats(xs: readonly number[]): Latency {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  return { medianMs: at(50), p99Ms: at(99), n: s.length };
}

async function timed(url: string): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(url);
  await r.arrayBuffer();
  return performance.now() - t0;
}

/**
 * Latency of one OSD table page of the dashboard's API on a simulated cluster of `osds` OSDs, whole HTTP requests on
 * loopback from this process: first after a new snapshot, repeated, and two baselines measured in the same run.
 */
export async function benchDashboard(
  osds = 10_000,
  log: (s: string) => void = () => {},
): Promise<DashboardBenchResult> {
  log(`simulating ${osds} OSDs`);
  const sim = new SimulatedCluster({ osds, seed: 1, scenario: false, duration: 60, pgs: 8192 });
  // One stats period and a bit: every OSD has booted and reported once.
  let { state, accepted } = foldInBatches(createEmptyState(), sim.advanceTo(sim.startMs + 6_000));
  const h = await createModuleHarness<Module>({
    module: Module,
    name: 'dashboard',
    config: { 'mgr/dashboard/server_addr': '127.0.0.1', 'mgr/dashboard/server_port': '0' },
  });
  try {
    let uri: string | undefined;
    for (let i = 0; i < 500 && uri === undefined; i++) {
      uri = h.host.modules.serviceUris().dashboard;
      if (uri === undefined) await new Promise((r) => setTimeout(r, 10));
    }
    if (uri === undefined) throw new Error('the dashboard published no URI');
    const page = `${uri}api/osd?${PAGE_QUERY}`;
    h.host.feed.publish(state, accepted);
    await h.host.idle();
    await timed(page);
    const nextSnapshot = async () => {
      ({ state, accepted } = foldInBatches(state, sim.advanceTo(sim.now + 100)));
      h.host.feed.publish(state, accepted);
      await h.host.idle();
    };
    log('first page after a new snapshot');
    const fresh: number[] = [];
    const views: number[] = [];
    const table: number[] = [];
    for (let i = 0; i < (osds >= 10_000 ? 15 : 40); i++) {
      await nextSnapshot();
      fresh.push(await timed(page));
      await nextSnapshot();
      const t0 = performance.now();
      for (const name of ['osd_map', 'osd_map_tree', 'osd_stats'] as const) h.module.get(name);
      views.push(performance.now() - t0);
      table.push(await timed(page));
    }
    log('repeated pages and baselines');
    const repeated: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 300; i++) {
      repeated.push(await timed(page));
      floor.push(await timed(`${uri}api/nothing`));
    }
    const rows = osdTable(h.module).rows;
    const unsorted: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      JSON.stringify(new OsdTable(rows).page(5000, 50, 'usage', 'desc'));
      unsorted.push(performance.now() - t0);
    }
    return {
      osds,
      pgs: (state.maps.osd_map?.map.pools ?? []).reduce((n, p) => n + p.pg_num, 0),
      fresh: stats(fresh),
      freshViews: stats(views),
      freshTable: stats(table),
      repeated: stats(repeated),
      floor: stats(floor),
      unsortedPerRequest: stats(unsorted),
    };
  } finally {
    await h.stop();
  }
}

const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;

/** Prints the dashboard figures. */
export function printDashboard(r: DashboardBenchResult): void {
  console.log(
    `\ndashboard GET /api/osd?${PAGE_QUERY}, ${r.osds.toLocaleString('en-US')} OSDs, ${r.pgs.toLocaleString('en-US')} PGs`,
  );
  console.log(`${'request'.padEnd(58)} ${'median'.padStart(9)} ${'p99'.padStart(9)} ${'n'.padStart(5)}`);
  const row = (name: string, l: Latency) =>
    console.log(
      `${name.padEnd(58)} ${ms(l.medianMs).padStart(9)} ${ms(l.p99Ms).padStart(9)} ${String(l.n).padStart(5)}`,
    );
  row('first page after a new snapshot (whole request)', r.fresh);
  row("  of which the snapshot's views (osd_stats, osd_map_tree)", r.freshViews);
  row('  of which the rows, their sort and the page (whole request)', r.freshTable);
  row('the same page again (whole request)', r.repeated);
  row('baseline: an API request doing nothing (whole request)', r.floor);
  row(`baseline: sorting the ${r.osds.toLocaleString('en-US')} rows per request (in process)`, r.unsortedPerRequest);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  // `node --import tsx bench/dashboard.bench.ts [OSDS]`
  const osds = Number(process.argv[2] ?? 10_000);
  printDashboard(await benchDashboard(osds, (s) => process.stderr.write(`bench: ${s}\n`)));
}
