import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TRACES = join(ROOT, 'traces');
export const WHOLE_TRACE = join(TRACES, 'pacific-3osd.jsonl.gz');
export const PATCH_TRACE = join(TRACES, 'pacific-3osd-patch.jsonl.gz');
export const BIN = join(ROOT, 'bin', 'mgrkit.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'ceph-pacific');

/** One recorded expectation: after event `after_seq`, real ceph-mgr's accessor `name(...args)` returned `value`. */
export interface Expectation {
  after_seq: number;
  name: string;
  args?: string[];
  value: unknown;
  compare?: 'counts' | 'value';
}

export function readJsonl<T>(gzPath: string): T[] {
  return gunzipSync(readFileSync(gzPath))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** A temporary directory removed when the test ends. */
export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'mgrkit-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `mgrkit ARGS...` as a user would, in its own process. */
export function runCli(
  args: string[],
  options: {
    /** Written to its stdin, which is then closed (default: closed at once). */
    input?: string;
    /** Set in its environment over this process's. */
    env?: NodeJS.ProcessEnv;
    killAfterMs?: number;
    /** Polled with the output so far: the process is killed once it says so. */
    killWhen?: (output: { stdout: string; stderr: string }) => Promise<boolean> | boolean;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // A command that never ends is killed (its result then shows the signal), so that the test fails instead of
    // waiting forever.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 240_000);
    let done = false;
    if (options.killWhen !== undefined) {
      const killWhen = options.killWhen;
      void waitFor('the kill condition', async () => done || (await killWhen({ stdout, stderr })), Infinity).then(
        () => {
          if (!done) child.kill('SIGKILL');
        },
      );
    }
    child.on('error', reject);
    child.stdin.end(options.input);
    child.on('close', (code, signal) => {
      done = true;
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Stops a child process and waits for it to be gone: resolves at once if it has already exited, sends `signal`,
 * and SIGKILLs it if it is still there after `graceMs`, so that a test's cleanup never waits forever.
 */
export async function stopProcess(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<number | null> {
  if (child === undefined || child.pid === undefined) return null;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Waits until `check` gives a truthy value (it may be async, and may throw while not ready yet), and returns it.
 * Tests wait for the condition this way instead of sleeping a fixed time; the deadline is only there so that a
 * broken test fails, and is generous enough for a loaded machine. `pollMs` spaces out a check that is costly itself
 * (a command run against a real cluster).
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  deadlineMs = 60_000,
  pollMs = 10,
): Promise<NonNullable<T>> {
  const end = Date.now() + deadlineMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > end) {
      const last = lastError === undefined ? '' : `: ${(lastError as Error).message ?? String(lastError)}`;
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${last}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
