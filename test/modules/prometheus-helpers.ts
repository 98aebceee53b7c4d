import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '../../modules/prometheus/module.ts';
import { createModuleHarness, type ModuleHarness } from '../../src/entry/testing.ts';
import { FIXTURES, freePort, readJsonl, WHOLE_TRACE } from '../helpers.ts';

export { freePort };

/** The prometheus module in a harness, its server on a free loopback port, stopped after the test. */
export async function prometheusHarness(
  t: { after(fn: () => Promise<void>): void },
  config: Record<string, string> = {},
): Promise<{ h: ModuleHarness<Module>; port: number }> {
  const port = await freePort();
  const h = await createModuleHarness<Module>({
    module: Module,
    name: 'prometheus',
    config: { 'mgr/prometheus/server_addr': '127.0.0.1', 'mgr/prometheus/server_port': String(port), ...config },
  });
  t.after(() => h.stop());
  return { h, port };
}

export const PROM_FIXTURES = join(FIXTURES, 'prometheus');

/** A parsed metric family of an exposition. */
export interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  labelNames: Set<string>;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

/** What a text exposition holds, and the format rules it broke (a second HELP/TYPE, samples not grouped). */
export interface Parsed {
  families: Map<string, ParsedFamily>;
  problems: string[];
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** A small parser of the text format, strict where the exporter must be: each family declared once, one group. */
export function parseExposition(text: string): Parsed {
  const families = new Map<string, ParsedFamily>();
  const problems: string[] = [];
  const closed = new Set<string>();
  let current = '';
  const family = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: '', labelNames: new Set(), samples: [] };
      families.set(name, f);
    }
    if (name !== current) {
      if (closed.has(name)) problems.push(`${name}: lines after another family began`);
      if (current !== '') closed.add(current);
      current = name;
    }
    return f;
  };
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (seen.has(`${kind} ${name}`)) problems.push(`${name}: second ${kind} line`);
      seen.add(`${kind} ${name}`);
      const f = family(name!);
      if (kind === 'HELP') f.help = rest!;
      else f.type = rest!;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) {
      problems.push(`unparsable line: ${line}`);
      continue;
    }
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!;
    const f = family(m[1]!);
    for (const k of Object.keys(labels)) f.labelNames.add(k);
    f.samples.push({ labels, value: Number(m[3]) });
  }
  return { families, problems };
}

/** The value of the one sample of `name` whose labels include `labels`, or undefined. */
export function sampleValue(p: Parsed, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = p.families.get(name);
  return f?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** A program of Debian's `prometheus` package, or null when it is not installed. */
export function promBinary(name: 'promtool' | 'prometheus'): string | null {
  for (const dir of ['/usr/bin', '/usr/local/bin']) if (existsSync(join(dir, name))) return join(dir, name);
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * A Prometheus server with `dir/prometheus.yml` as its config and its data under `dir/tsdb`, listening on loopback
 * `port`, its errors in `dir/prometheus.err`; the caller stops it by PID.
 */
export function spawnPrometheus(bin: string, dir: string, port: number): ChildProcess {
  return spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', openSync(join(dir, 'prometheus.err'), 'w')] },
  );
}

const json = (file: string) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));

/**
 * The recorded 3-OSD cluster as events: the trace, with the OSD perf schema recorded from the same cluster added to
 * its OSDs' `daemon_open` (the recorder kept it apart), then the maps recorded from it that the trace does not carry
 * (mon map, mon status, mgr map, FS map, service map) and one report of every counter of that schema per OSD, with
 * the daemon health metrics the real exporter showed for them.
 */
export function recordedClusterEvents(): object[] {
  const acc = json('accessors-3osd.json');
  const schema = acc.get_perf_schema_osd0['osd.0'] as Record<string, { type: number }>;
  const trace = readJsonl<{ kind: string; daemon?: string; t: number }>(WHOLE_TRACE).map((e) =>
    e.kind === 'daemon_open' && e.daemon?.startsWith('osd.') ? { ...e, perf_schema: schema } : e,
  );
  const t = trace.at(-1)!.t;
  const mon = json('cli-mon_dump.json');
  const mgr = json('cli-mgr_dump.json');
  const fs = json('cli-fs_dump.json');
  const services = json('cli-service_dump.json');
  const counters: Record<string, unknown> = {};
  let n = 1;
  for (const [path, s] of Object.entries(schema)) {
    if (s.type & 0x10) continue;
    counters[path] = s.type & 0x4 ? { avgcount: n, sum: n * 1_000_000 } : n;
    n++;
  }
  return [
    ...trace,
    { kind: 'mon_map', t, epoch: mon.epoch, map: mon },
    { kind: 'mon_status', t, map: JSON.parse(acc.get.mon_status.json) },
    { kind: 'mgr_map', t, epoch: mgr.epoch, map: mgr },
    { kind: 'fs_map', t, epoch: fs.epoch, map: fs },
    { kind: 'service_map', t, epoch: services.epoch, map: services },
    // The daemons' health metrics as the real exporter showed them (`ceph_daemon_health_metrics`).
    ...[0, 1, 2].map((o) => ({
      kind: 'daemon_report',
      t: t + 1,
      daemon: `osd.${o}`,
      counters,
      health_metrics: [
        { type: 'SLOW_OPS', value: 0 },
        { type: 'PENDING_CREATING_PGS', value: 0 },
      ],
    })),
  ];
}

/** Real ceph-mgr's families (`families-3osd.json`), merged by name (it declares one of them several times). */
export function realFamilies(): Map<string, { type: string; labelNames: Set<string>; samples: number }> {
  const recorded = JSON.parse(readFileSync(join(PROM_FIXTURES, 'families-3osd.json'), 'utf8')) as {
    families: Array<{ parsed_name: string; declared_type: string; label_names: string[]; samples: number }>;
  };
  const out = new Map<string, { type: string; labelNames: Set<string>; samples: number }>();
  for (const f of recorded.families) {
    const known = out.get(f.parsed_name);
    if (known === undefined) {
      out.set(f.parsed_name, { type: f.declared_type, labelNames: new Set(f.label_names), samples: f.samples });
    } else {
      for (const l of f.label_names) known.labelNames.add(l);
      known.samples += f.samples;
    }
  }
  return out;
}
