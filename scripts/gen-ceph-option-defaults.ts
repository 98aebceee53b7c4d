/**
 * Writes src/options/ceph-option-defaults.json: every option a Ceph Pacific 16.2.15 manager has, with its type and its
 * default as Ceph prints it, metavariables (`$cluster`, `$name`, `$run_dir`, ...) left for the reader to expand.
 *
 * Where the data comes from: a real ceph-mgr 16.2.15. Debian 12 ships exactly that release
 * (`apt-get install --no-install-recommends ceph-mgr`, package 16.2.15+ds-0+deb12u2). The script starts it as
 * `mgr.x` with no config file and without asking the monitors for config (`--no-mon-config`), so every value is a
 * default, and asks its admin socket for:
 * - `config help`: each option's type, flags, default and daemon default, unexpanded (Ceph's option table,
 *   src/common/options.cc);
 * - `config show`: what `md_config_t::show_config` prints, the call behind ceph-mgr's `get('config')`.
 * A default is taken as `config show` printed it (so Ceph's own normalisations stay, e.g. rbd_default_features
 * printed as "61"), except where it holds metavariables: there the unexpanded text of `config help` is kept. The
 * `debug_*` levels are not in `config help`; they are strings. Finally every stored default, expanded for mgr.x as
 * mgrkit expands it, must give back exactly what `config show` printed, or the script fails.
 *
 * Usage: node --import tsx scripts/gen-ceph-option-defaults.ts [--ceph-mgr PATH] [--out FILE]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { expandCephMeta } from '../src/options/ceph-meta.ts';

interface HelpOption {
  name: string;
  type: string;
  default: unknown;
  daemon_default: unknown;
  flags: string[];
}

const { values: args } = parseArgs({
  options: {
    'ceph-mgr': { type: 'string', default: '/usr/bin/ceph-mgr' },
    out: { type: 'string', default: new URL('../src/options/ceph-option-defaults.json', import.meta.url).pathname },
  },
});

// Set on the command line only so the daemon runs here; their defaults come from `config help`.
const RUN_OVERRIDES = new Set(['admin_socket', 'daemonize', 'log_file', 'mon_host']);
// src/ceph_mgr.cc passes its own defaults to global_init, over the schema's.
const MGR_CODE_DEFAULTS: Record<string, string> = { keyring: '$mgr_data/keyring' };

/** One admin-socket request: the JSON command, NUL-terminated; the reply is a 4-byte big-endian length and the data. */
function asok(path: string, prefix: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    const chunks: Buffer[] = [];
    sock.on('connect', () => sock.write(`${JSON.stringify({ prefix, format: 'json' })}\0`));
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const all = Buffer.concat(chunks);
      resolve(JSON.parse(all.subarray(4, 4 + all.readUInt32BE(0)).toString('utf8')));
    });
  });
}

async function waitFor(path: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!existsSync(path)) {
    if (Date.now() > until) throw new Error(`no admin socket at ${path} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A `config help` value as the option printer writes it (floats fixed to 6 places, bools as words). */
function printed(type: string, v: unknown): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (type === 'float' && typeof v === 'number') return v.toFixed(6);
  return String(v);
}

/** One entry as the project's formatter lays it out (biome, 120 columns), so the file stays as generated. */
function entryLine(name: string, entry: readonly string[]): string {
  const items = entry.map((x) => JSON.stringify(x));
  const line = `    ${JSON.stringify(name)}: [${items.join(', ')}]`;
  if (line.length <= 120) return line;
  return `    ${JSON.stringify(name)}: [\n${items.map((x) => `      ${x}`).join(',\n')}\n    ]`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ceph-mgr-options-'));
  const sock = join(dir, 'mgr.asok');
  const mgr = spawn(
    args['ceph-mgr'],
    [
      ...['-i', 'x', '-f', '-c', '/dev/null', '--no-mon-config'],
      ...['--mon_host', '127.0.0.1:1', '--admin_socket', sock, '--log_file', join(dir, 'log')],
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitFor(sock, 20_000);
    const help = ((await asok(sock, 'config help')) as { options: HelpOption[] }).options;
    const show = (await asok(sock, 'config show')) as Record<string, string>;
    const schema = new Map(help.map((o) => [o.name, o]));
    const table: Record<string, [string, string] | [string, string, 'no_mon_update']> = {};
    for (const name of Object.keys(show).sort()) {
      if (name === 'name' || name === 'cluster') continue;
      const o = schema.get(name);
      const type = o?.type ?? 'str';
      const raw = o === undefined ? show[name]! : printed(type, o.daemon_default !== '' ? o.daemon_default : o.default);
      let value = raw.includes('$') || RUN_OVERRIDES.has(name) ? raw : show[name]!;
      value = MGR_CODE_DEFAULTS[name] ?? value;
      table[name] = o?.flags.includes('no_mon_update') ? [type, value, 'no_mon_update'] : [type, value];
    }
    const lookup = (n: string) => (table[n] ? { type: table[n][0], value: table[n][1] } : undefined);
    const ctx = { entity: { cluster: 'ceph', type: 'mgr', id: 'x' }, dataDirOption: 'mgr_data', lookup };
    const wrong = Object.entries(table)
      .filter(([n, [type, v]]) => !RUN_OVERRIDES.has(n) && (type === 'str' ? expandCephMeta(v, ctx, n) : v) !== show[n])
      .map(([n, [, v]]) => `${n}: stored ${JSON.stringify(v)}, ceph-mgr printed ${JSON.stringify(show[n])}`);
    if (wrong.length > 0) throw new Error(`defaults that do not expand to what ceph-mgr printed:\n${wrong.join('\n')}`);
    const lines = Object.entries(table).map(([n, e]) => entryLine(n, e));
    const source = 'ceph-mgr 16.2.15 (Debian 12 ceph-mgr 16.2.15+ds-0+deb12u2), admin socket config help/show';
    writeFileSync(
      args.out,
      `{\n  "source": ${JSON.stringify(source)},\n  "options": {\n${lines.join(',\n')}\n  }\n}\n`,
    );
    console.log(`${lines.length} options written to ${args.out}`);
  } finally {
    mgr.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
