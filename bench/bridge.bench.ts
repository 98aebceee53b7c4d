/**
 * The bridge to a real cluster (1 mon, 1 mgr, 3 memstore OSDs of Debian's Ceph, on loopback): a `mon_command`
 * (`osd stat`) and a 4 KiB RADOS write + read, from a module hosted by mgrkit through the bridge, against the same
 * from a Python module inside the real ceph-mgr (the recorder's `time` command), and against the `ceph` and `rados`
 * CLIs (a process per call, as an operator's script runs them). Skips with a message when Ceph is missing. Runs
 * alone with `node --import tsx bench/bridge.bench.ts`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CephCluster, cephMissing, waitUntil } from '../test/ceph/cluster.ts';
import { ROOT, runCli, stopProcess } from '../test/helpers.ts';

const BIN = fileURLToPath(new URL('../bin/mgrkit.js', import.meta.url));
const run = promisify(execFile);
const CALLS = 50;
const CLI_CALLS = 5;

export interface BridgeBenchRow {
  readonly what: string;
  /** Median and 99th percentile, ms. */
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly calls: number;
}

export interface BridgeBenchResult {
  readonly skipped: string | null;
  readonly rows: BridgeBenchRow[];
}

function row(what: string, ms: readonly number[]): BridgeBenchRow {
  const s = [...ms].sort((a, b) => a - b);
  return {
    what,
    medianMs: s[Math.floor(s.length / 2)] ?? Number.NaN,
    p99Ms: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? Number.NaN,
    calls: s.length,
  };
}

async function timedProcess(cmd: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  await run(cmd, args, { timeout: 60_000 });
  return performance.now() - t0;
}

export async function benchBridge(log: (s: string) => void = () => {}): Promise<BridgeBenchResult> {
  const missing = cephMissing();
  if (missing) return { skipped: missing, rows: [] };
  const dir = mkdtempSync(join(tmpdir(), 'mgrkit-bridge-bench-'));
  const sock = join(dir, 'recorder.sock');
  let cluster: CephCluster | undefined;
  let daemon: ChildProcess | undefined;
  try {
    log('starting the cluster');
    cluster = await CephCluster.start(join(dir, 'cluster'), { recorder: `listen:${sock}` });
    const c = cluster;
    daemon = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--source',
        `listen:${sock}`,
        '--db',
        join(dir, 'db'),
        '--socket',
        join(dir, 'mgrkit.sock'),
        '--module-path',
        join(ROOT, 'test', 'ceph', 'modules'),
        '--modules',
        'bridge_probe',
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const probe = async (...words: string[]) => {
      const r = await runCli(['cmd', '--socket', join(dir, 'mgrkit.sock'), ...words]);
      if (r.code !== 0) throw new Error(`mgrkit cmd ${words.join(' ')}: ${r.stderr}`);
      return JSON.parse(r.stdout) as { mon: number[]; rados: number[] };
    };
    await waitUntil('the bridge up', async () => {
      const s = JSON.parse(await c.ceph('mgrkit_recorder', 'status')) as { bridge: { up: boolean } };
      return s.bridge.up ? true : undefined;
    });
    await c.ceph('osd', 'pool', 'create', 'bench', '8', '8');
    log('a Python module inside ceph-mgr');
    // One call first, each: the pool's first write waits for its PGs to peer.
    await c.ceph('mgrkit_recorder', 'time', 'bench', '1');
    const py = JSON.parse(await c.ceph('mgrkit_recorder', 'time', 'bench', String(CALLS))) as {
      mon: number[];
      rados: number[];
    };
    log('a module in mgrkit, through the bridge');
    await waitUntil('mgrkit to see the pool', async () => {
      try {
        return await probe('probe', 'time', 'bench', '1');
      } catch {
        return undefined;
      }
    });
    const mk = await probe('probe', 'time', 'bench', String(CALLS));
    log('the ceph and rados CLIs');
    const conf = ['-c', c.conf];
    const cephCli: number[] = [];
    const radosCli: number[] = [];
    const file = join(dir, 'obj');
    await run('sh', ['-c', `head -c 4096 /dev/zero > ${file}`]);
    for (let i = 0; i < CLI_CALLS; i++) {
      cephCli.push(await timedProcess('ceph', [...conf, 'osd', 'stat', '-f', 'json']));
      const t0 = performance.now();
      await run('rados', [...conf, '-p', 'bench', 'put', `cli-${i}`, file]);
      await run('rados', [...conf, '-p', 'bench', 'get', `cli-${i}`, join(dir, 'back')]);
      radosCli.push(performance.now() - t0);
    }
    return {
      skipped: null,
      rows: [
        row('mon_command: Python module inside ceph-mgr', py.mon),
        row('mon_command: mgrkit module, through the bridge', mk.mon),
        row('mon_command: ceph CLI (a process per call)', cephCli),
        row('RADOS 4 KiB write+read: Python module inside ceph-mgr', py.rados),
        row('RADOS 4 KiB write+read: mgrkit module, through the bridge', mk.rados),
        row('RADOS 4 KiB write+read: rados CLI (two processes)', radosCli),
      ],
    };
  } finally {
    await stopProcess(daemon);
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printBridge(r: BridgeBenchResult): void {
  console.log('\nbridge to a real cluster (1 mon, 1 mgr, 3 memstore OSDs, loopback)');
  if (r.skipped) {
    console.log(`  skipped: ${r.skipped}`);
    return;
  }
  const base = new Map<string, number>();
  for (const x of r.rows) if (x.what.includes('inside ceph-mgr')) base.set(x.what.split(':')[0]!, x.medianMs);
  console.log(`${'call'.padEnd(58)} ${'median'.padStart(9)} ${'p99'.padStart(9)}  vs ceph-mgr`);
  for (const x of r.rows) {
    const b = base.get(x.what.split(':')[0]!) ?? Number.NaN;
    console.log(
      `${x.what.padEnd(58)} ${`${x.medianMs.toFixed(2)} ms`.padStart(9)} ${`${x.p99Ms.toFixed(2)} ms`.padStart(9)}  ${(x.medianMs / b).toFixed(2)}x  (${x.calls} calls)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printBridge(await benchBridge((s) => process.stderr.write(`${s}\n`)));
}
