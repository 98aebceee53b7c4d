import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, waitFor } from '../helpers.ts';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'test', 'ceph', 'start-cluster.sh');

/** Why a real cluster cannot run here (a missing program), or null when it can. */
export function cephMissing(options: { mds?: boolean } = {}): string | null {
  const bins = [
    'ceph-mon',
    'ceph-mgr',
    'ceph-osd',
    'ceph',
    'monmaptool',
    'rados',
    ...(options.mds ? ['ceph-mds'] : []),
  ];
  for (const bin of bins) {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    } catch {
      return `${bin} is not installed (Debian: apt-get install ceph-mon ceph-mgr ceph-osd ceph-mds ceph-common)`;
    }
  }
  return null;
}

export interface StartOptions {
  /** Enable mgrkit_recorder from the manager's first start, writing here (a file, or listen:ADDRESS). */
  readonly recorder?: string;
  /** Module options set before the manager starts (`stats_period` → `mgr/mgrkit_recorder/stats_period`). */
  readonly recorderOptions?: Record<string, string>;
  /** cephx on, with client.admin's key in the cluster's keyring (default: auth off). */
  readonly cephx?: boolean;
  /** An MDS (mds.a) and a file system `cephfs` on pools cephfs.meta / cephfs.data. */
  readonly mds?: boolean;
}

/** A real Ceph cluster (1 mon, 1 mgr, 3 memstore OSDs, an MDS if asked) on loopback, everything inside `dir`. */
export class CephCluster {
  readonly dir: string;
  readonly conf: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.conf = join(dir, 'ceph.conf');
  }

  static async start(dir: string, options: StartOptions = {}): Promise<CephCluster> {
    const env = { ...process.env };
    const opts = Object.entries(options.recorderOptions ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    if (opts) env.RECORDER_OPTIONS = opts;
    if (options.cephx) env.AUTH = 'cephx';
    if (options.mds) env.MDS = '1';
    const args = options.recorder ? [dir, '--recorder', options.recorder] : [dir];
    try {
      await run(SCRIPT, args, { env, timeout: 240_000 });
    } catch (e) {
      await run(SCRIPT, ['stop', dir]).catch(() => undefined);
      const err = e as { stderr?: string; message: string };
      throw new Error(`the cluster did not start: ${err.stderr || err.message}`);
    }
    return new CephCluster(dir);
  }

  /** `ceph ARGS...` against this cluster; its stdout. Throws with the command's stderr when it fails. */
  async ceph(...args: string[]): Promise<string> {
    try {
      const { stdout } = await run('ceph', ['-c', this.conf, '--connect-timeout', '20', ...args], {
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`ceph ${args.join(' ')}: ${err.stderr || err.message}`);
    }
  }

  /** `ceph ARGS... -f json`, parsed as mgrkit parses a trace (so 64-bit integers round the same way). */
  async cephJson<T = unknown>(...args: string[]): Promise<T> {
    return JSON.parse(await this.ceph(...args, '-f', 'json')) as T;
  }

  /** `rados ARGS...` against this cluster. */
  async rados(...args: string[]): Promise<string> {
    const { stdout } = await run('rados', ['-c', this.conf, ...args], { timeout: 120_000 });
    return stdout;
  }

  /** Stops one daemon (`osd.2`, `mon.a`, `mgr.x`) by the PID it wrote. */
  async stopDaemon(name: string): Promise<void> {
    await run(SCRIPT, ['stop-daemon', this.dir, name], { timeout: 60_000 });
  }

  async startDaemon(name: string): Promise<void> {
    await run(SCRIPT, ['start-daemon', this.dir, name], { timeout: 60_000 });
  }

  /** Stops every daemon, each by its PID. */
  async stop(): Promise<void> {
    await run(SCRIPT, ['stop', this.dir], { timeout: 120_000 });
  }

  /** The tail of a daemon's log, for a failure message. */
  logTail(name: string, lines = 40): string {
    try {
      return readFileSync(join(this.dir, 'log', `${name}.log`), 'utf8')
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '';
    }
  }
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or fails after `timeoutMs`. */
export function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 500,
): Promise<NonNullable<T>> {
  return waitFor(what, check, timeoutMs, everyMs);
}
