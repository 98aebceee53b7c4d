import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSimSpec } from '../../src/sources/sim-source.ts';
import { Store } from '../../src/store/store.ts';
import { freePort, stopProcess, waitFor } from '../../test/helpers.ts';
import { loopbackServerArgs, type MgrkitRun, startMgrkitRun } from '../../test/mgrkit-run.ts';
import { promBinary, spawnPrometheus } from '../../test/modules/prometheus-helpers.ts';
import { shortenForDurations } from './alert-rules.ts';
import { judgeRules, type RuleVerdict, type StepWindow } from './alert-timeline.ts';
import { dashboardCephMetrics } from './dashboard-metrics.ts';
import { ANY_STEP_ALERTS, EXPECTED_ALERTS } from './expected-alerts.ts';
import { allScenarioSteps, scenarioWindows } from './scenario-windows.ts';

/** Where Debian's `ceph-prometheus-alerts` and `ceph-grafana-dashboards` put their files. */
export const PACKAGED_RULES = '/etc/prometheus/ceph/ceph_default_alerts.yml';
export const PACKAGED_DASHBOARDS = '/etc/grafana/dashboards/ceph-dashboard';

/** How the check runs; every field has a default. */
export interface AlertCheckOptions {
  /** The cluster's clock runs this many times real time, and every `for:` is divided by it. */
  readonly speed?: number;
  /** Seconds of cluster time the scenario is laid out over. */
  readonly duration?: number;
  /** Cluster time watched after the scenario's end, as a fraction of `duration` (alerts resolving). */
  readonly tail?: number;
  /** The scenario's steps (default: every step the simulator has). */
  readonly steps?: readonly string[];
  /** More `sim:` options, `key=value` comma-separated (daemons others add: `rgw=2`, ...). */
  readonly simExtra?: string;
  readonly rulesFile?: string;
  readonly dashboardsDir?: string;
  /** Keep the temporary folder (Prometheus's data, the logs) instead of removing it. */
  readonly keep?: boolean;
  readonly log?: (line: string) => void;
}

/** A dashboard's `ceph_*` metric and whether the run exported it. */
export interface DashboardMetric {
  readonly name: string;
  readonly dashboards: readonly string[];
  readonly exported: boolean;
}

/** What a run found. */
export interface AlertCheckResult {
  readonly spec: string;
  readonly speed: number;
  readonly duration: number;
  /** The factor every `for:` was divided by. */
  readonly forFactor: number;
  /** Wall-clock ms of the cluster's start (its stream time starts there too). */
  readonly startMs: number;
  /** Wall-clock ms from which the rules were evaluated. */
  readonly rulesFromMs: number;
  readonly endMs: number;
  /** Each step's window in wall-clock ms. */
  readonly steps: readonly StepWindow[];
  /** Steps played that have no line in EXPECTED_ALERTS. */
  readonly unlistedSteps: readonly string[];
  readonly settleMs: number;
  readonly rules: readonly RuleVerdict[];
  readonly dashboardMetrics: readonly DashboardMetric[];
  /** Every `ceph_*` metric the run exported. */
  readonly exported: readonly string[];
}

/** Thrown when a program or package the check needs is missing: the message says which and how to install it. */
export class MissingPrerequisite extends Error {}

/** Why the check cannot run here, or null when it can. */
export function missingPrerequisite(rulesFile = PACKAGED_RULES, dashboardsDir = PACKAGED_DASHBOARDS): string | null {
  if (promBinary('prometheus') === null)
    return 'the prometheus binary is not installed (apt-get install -y prometheus)';
  if (!existsSync(rulesFile)) return `${rulesFile} is missing (apt-get install -y ceph-prometheus-alerts)`;
  if (!existsSync(dashboardsDir)) return `${dashboardsDir} is missing (apt-get install -y ceph-grafana-dashboards)`;
  return null;
}

/** How often the check polls what it waits for (a store opened, Prometheus's API). */
const POLL_MS = 100;

type Matrix = Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;

/**
 * Prometheus scraping the exporter (job `ceph`) and the simulated hosts' node exporters (job `node`: one endpoint
 * for every host, whose series carry their own `instance`, kept with `honor_labels`).
 */
function prometheusConfig(exporterPort: number, nodePort: number, withRules: boolean): string {
  return `global:
  scrape_interval: 1s
  evaluation_interval: 1s
${withRules ? 'rule_files:\n  - ceph_alerts.yml\n' : ''}scrape_configs:
  - job_name: ceph
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:${exporterPort}']
  - job_name: node
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:${nodePort}']
`;
}

/** The packaged dashboards, by file name without `.json`. */
export function readDashboards(dir = PACKAGED_DASHBOARDS): Array<{ name: string; json: unknown }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.json'.length), json: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
}

/**
 * Runs Ceph's packaged alert rules against a live simulated cluster: `mgrkit run --source sim:...` with the
 * prometheus module on loopback, playing every scenario step at `speed` times real time, and a real Prometheus
 * scraping it every second with the rule file's copy whose `for:` durations are divided by `speed` (so each waits as
 * long in the cluster's time as Ceph's rule says). Rules are loaded once the first scrape is in, so that the
 * start does not look like a missing job. After the scenario and a tail, the firings are read from Prometheus's
 * `ALERTS` series and each rule's expression from its data, both processes are stopped by PID, and the folder is
 * removed.
 */
export async function runAlertCheck(options: AlertCheckOptions = {}): Promise<AlertCheckResult> {
  const speed = options.speed ?? 20;
  const duration = options.duration ?? 10800;
  const tail = options.tail ?? 0.15;
  const rulesFile = options.rulesFile ?? PACKAGED_RULES;
  const dashboardsDir = options.dashboardsDir ?? PACKAGED_DASHBOARDS;
  const log = options.log ?? (() => {});
  const missing = missingPrerequisite(rulesFile, dashboardsDir);
  if (missing !== null) throw new MissingPrerequisite(missing);
  const steps = options.steps ?? allScenarioSteps();
  const [exporterPort, promPort, nodePort] = [await freePort(), await freePort(), await freePort()];
  const spec = [
    'sim:osds=10',
    'mons=3',
    'pgs=128',
    `duration=${duration}`,
    'seed=1',
    'fs=cephfs',
    'mds=2',
    'rgw=2',
    'rgw-zones=2',
    `node_exporter=127.0.0.1:${nodePort}`,
    ...(options.simExtra ? [options.simExtra] : []),
    `scenario=${steps.join('+')}`,
  ].join(',');
  const simOptions = parseSimSpec(spec);
  const rules = shortenForDurations(readFileSync(rulesFile, 'utf8'), speed);
  const dashboards = dashboardCephMetrics(readDashboards(dashboardsDir));

  const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
  const prom = `http://127.0.0.1:${promPort}`;
  let mgr: MgrkitRun | undefined;
  let server: ChildProcess | undefined;
  const api = async <T>(path: string, params: Record<string, string | number>): Promise<T> => {
    const q = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
    const r = await fetch(`${prom}/api/v1/${path}?${q}`);
    const body = (await r.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error ?? r.status}`);
    return body.data;
  };
  try {
    writeFileSync(join(dir, 'ceph_alerts.yml'), rules.text);
    const promtool = promBinary('promtool');
    if (promtool !== null) {
      const r = spawnSync(promtool, ['check', 'rules', join(dir, 'ceph_alerts.yml')], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`promtool check rules refused the shortened copy: ${r.stdout}${r.stderr}`);
    }
    log(`mgrkit run --source ${spec} --speed ${speed}`);
    const spawnedAt = Date.now();
    mgr = startMgrkitRun(dir, [
      '--source',
      spec,
      '--speed',
      String(speed),
      '--modules',
      'prometheus',
      ...loopbackServerArgs('prometheus', exporterPort),
      '--set',
      'mgr/prometheus/rbd_stats_pools=rbd',
    ]);
    const db = mgr.db;
    // Prometheus starts meanwhile; it has no rules until it has scraped the exporter once.
    writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig(exporterPort, nodePort, false));
    server = spawnPrometheus(promBinary('prometheus')!, dir, promPort);
    await mgr.waitFor(
      'the exporter to answer',
      async () => (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).ok,
      60_000,
      POLL_MS,
    );
    log(`exporter answering ${((Date.now() - spawnedAt) / 1000).toFixed(1)} s after mgrkit was started`);
    // The cluster's stream time began at the wall clock of its start: its first event's time.
    const startMs = await mgr.waitFor(
      'the first event in the store',
      async () => {
        const store = Store.open(db, { readOnly: true });
        try {
          const stamp = store.digestPoint(1)?.stamp;
          // The source's cursor is kept under `sim:<start>`: the stamp is the start only if it names one.
          if (stamp !== undefined && store.cursor(`sim:${stamp}`) === undefined) {
            throw new Error(`the first event's time ${stamp} is not the simulated cluster's start`);
          }
          return stamp;
        } finally {
          await store.close({ dropUnread: true });
        }
      },
      30_000,
      POLL_MS,
    );

    await waitFor('Prometheus to be ready', async () => (await fetch(`${prom}/-/ready`)).ok, 30_000, POLL_MS);
    await waitFor(
      'the first scrape of each target',
      async () => {
        const t = await api<{ activeTargets: Array<{ health: string; lastError: string }> }>('targets', {});
        const down = t.activeTargets.find((a) => a.health !== 'up');
        if (t.activeTargets.length === 2 && down === undefined) return true;
        throw new Error(down?.lastError || 'not scraped yet');
      },
      30_000,
      POLL_MS,
    );
    writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig(exporterPort, nodePort, true));
    process.kill(server.pid!, 'SIGHUP');
    const rulesFromMs = await waitFor(
      'the rules to load',
      async () => {
        const d = await api<{ groups: Array<{ rules: unknown[] }> }>('rules', { type: 'alert' });
        return d.groups.reduce((n, g) => n + g.rules.length, 0) === rules.rules.length ? Date.now() : undefined;
      },
      30_000,
      POLL_MS,
    );
    const wall = (streamMs: number) => startMs + streamMs / speed;
    const steps0 = scenarioWindows(simOptions).map((s) => ({ ...s, from: wall(s.from), to: wall(s.to) }));
    const endMs = wall(duration * 1000 * (1 + tail));
    log(
      `rules loaded at ${Math.round(((rulesFromMs - startMs) * speed) / 10 / duration)}% of the scenario; ` +
        `watching until ${new Date(endMs).toISOString()} (${Math.round((endMs - Date.now()) / 1000)} s)`,
    );
    let lastPct = -1;
    while (Date.now() < endMs) {
      if (mgr.child.exitCode !== null || server.exitCode !== null) throw new Error('mgrkit or prometheus exited early');
      const pct = Math.floor(((((Date.now() - startMs) * speed) / 1000 / duration) * 100) / 10) * 10;
      if (pct !== lastPct) log(`scenario at ${pct}%`);
      lastPct = pct;
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(1, endMs - Date.now()))));
    }

    const range = { start: rulesFromMs / 1000, end: endMs / 1000, step: 1 };
    const times = (m: Matrix) => m.flatMap((s) => s.values.map(([t]) => Math.round(t * 1000)));
    const firingTimes = new Map<string, number[]>();
    for (const s of (await api<{ result: Matrix }>('query_range', { query: 'ALERTS{alertstate="firing"}', ...range }))
      .result) {
      const name = s.metric.alertname!;
      firingTimes.set(name, [...(firingTimes.get(name) ?? []), ...times([s])]);
    }
    const conditionTimes = new Map<string, number[]>();
    for (const r of rules.rules)
      conditionTimes.set(
        r.alert,
        times((await api<{ result: Matrix }>('query_range', { query: r.expr, ...range })).result),
      );
    const names = await api<string[]>('label/__name__/values', { start: startMs / 1000, end: endMs / 1000 });
    const exported = names.filter((n) => n.startsWith('ceph_')).sort();
    const settleMs = (duration * 1000 * 0.15) / speed;
    return {
      spec,
      speed,
      duration,
      forFactor: rules.factor,
      startMs,
      rulesFromMs,
      endMs,
      steps: steps0,
      unlistedSteps: steps0.map((s) => s.name).filter((n) => !(n in EXPECTED_ALERTS)),
      settleMs,
      rules: judgeRules({
        rules: rules.rules,
        firingTimes,
        conditionTimes,
        steps: steps0,
        expected: EXPECTED_ALERTS,
        anyStep: ANY_STEP_ALERTS,
        settleMs,
        evalMs: 1000,
      }),
      dashboardMetrics: [...dashboards].map(([name, ds]) => ({
        name,
        dashboards: ds,
        exported: exported.includes(name),
      })),
      exported,
    };
  } catch (e) {
    if (mgr !== undefined) log(`--- mgrkit.err\n${mgr.stderrTail(3000)}`);
    try {
      log(`--- prometheus.err\n${readFileSync(join(dir, 'prometheus.err'), 'utf8').slice(-3000)}`);
    } catch {}
    throw e;
  } finally {
    await stopProcess(server);
    await mgr?.stop();
    if (options.keep) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
