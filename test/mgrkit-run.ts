import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, stopProcess, waitFor } from './helpers.ts';

/** A `mgrkit run` daemon started by a test or a bench script, its output in files of its folder. */
export interface MgrkitRun {
  readonly child: ChildProcess;
  /** Its store (`--db`). */
  readonly db: string;
  /** Its admin socket: `--socket` when given, else `<db>/mgr.sock`. */
  readonly socket: string;
  /** The last `chars` characters it wrote on stderr so far ('' before it wrote any), for a failure's message. */
  stderrTail(chars?: number): string;
  /**
   * `waitFor` (test/helpers.ts) with the same deadline and polling, failing at once if the daemon exits meanwhile
   * rather than when the deadline passes.
   */
  waitFor<T>(what: string, check: () => T | Promise<T>, deadlineMs?: number, pollMs?: number): Promise<NonNullable<T>>;
  /** Stops it (`stopProcess`: SIGTERM, SIGKILL after a grace) and resolves with its exit code once it is gone. */
  stop(): Promise<number | null>;
}

const EXITED = Symbol('exited');

/**
 * Starts `mgrkit run --db DB ARGS...` from the repository's root, the store `db` (default `DIR/db`), its stdout in
 * `DIR/mgrkit.out` and its stderr in `DIR/mgrkit.err`: files, so that a chatty daemon never blocks on a pipe nobody
 * reads, and what it said is still there to show when the caller fails.
 */
export function startMgrkitRun(dir: string, args: readonly string[], options: { db?: string } = {}): MgrkitRun {
  const db = options.db ?? join(dir, 'db');
  const socketAt = args.indexOf('--socket');
  const socket = socketAt >= 0 ? args[socketAt + 1]! : join(db, 'mgr.sock');
  const stderrFile = join(dir, 'mgrkit.err');
  const out = openSync(join(dir, 'mgrkit.out'), 'w');
  const err = openSync(stderrFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [BIN, 'run', '--db', db, ...args], { cwd: ROOT, stdio: ['ignore', out, err] });
  } finally {
    // The child has its own copies.
    closeSync(out);
    closeSync(err);
  }
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    db,
    socket,
    stderrTail(chars = 4000) {
      try {
        return readFileSync(stderrFile, 'utf8').slice(-chars);
      } catch {
        return '';
      }
    },
    async waitFor<T>(what: string, check: () => T | Promise<T>, deadlineMs?: number, pollMs?: number) {
      const v = await waitFor<T | typeof EXITED>(
        what,
        async () => (gone() ? EXITED : await check()),
        deadlineMs,
        pollMs,
      );
      if (v === EXITED) {
        const how = child.signalCode !== null ? `on ${child.signalCode}` : `with code ${child.exitCode}`;
        throw new Error(`mgrkit run exited ${how} while waiting for ${what}`);
      }
      return v as NonNullable<T>;
    },
    stop: () => stopProcess(child),
  };
}

/** The `--set` arguments that put module `name`'s HTTP server (dashboard, prometheus) on loopback `port`. */
export function loopbackServerArgs(name: string, port: number): string[] {
  return ['--set', `mgr/${name}/server_addr=127.0.0.1`, '--set', `mgr/${name}/server_port=${port}`];
}
