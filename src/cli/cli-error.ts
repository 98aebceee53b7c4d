import { relative, sep } from 'node:path';
import { errnoName, MgrError } from '../errors.ts';

/**
 * Exit statuses of the command line: 0 success, 1 a usage error, 2 bad input (a file, a store or a seq that is not
 * what it should be), 70 an internal error (sysexits' EX_SOFTWARE). `mgrkit cmd` exits with the errno instead.
 */
export const EXIT = { ok: 0, usage: 1, badInput: 2, internal: 70 } as const;

/** What the failing command was working on, for naming it in the message. */
export interface FailureContext {
  /** The `--db` store directory of the command, when it has one. */
  readonly db?: string;
}

/** `EACCES` for a Node error's code, or for the bare errno number LMDB puts in `code`. */
function codeName(e: { code?: unknown }): string | undefined {
  if (typeof e.code === 'string') return e.code;
  if (typeof e.code === 'number') return errnoName(e.code);
  return undefined;
}

function withinDir(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/**
 * An error of the store's directory or of LMDB opening it, in words naming `--db` and what to do; undefined when
 * the error is not about the store.
 */
function storeFailure(e: NodeJS.ErrnoException, db: string): MgrError | undefined {
  // LMDB's own errors carry the errno (or an MDB_ code, negative) as a number and no path
  // (`Permission denied: Attempting to setup locks`).
  const fromLmdb = typeof e.code === 'number';
  if (!fromLmdb && (e.path === undefined || !withinDir(e.path, db))) return undefined;
  const what = (why: string) => new MgrError('MGR_ERR_STORE_OPEN', `--db ${db}: ${why}`, { file: db });
  switch (codeName(e)) {
    case 'EEXIST':
    case 'ENOTDIR':
      return what('is a file, not a directory: give the directory of the store');
    case 'EACCES':
    case 'EPERM':
      return what(
        `permission denied (${e.message}): use a store directory this user can read and write, or fix its owner and mode`,
      );
    case 'EROFS':
      return what('is on a read-only file system: give a store directory on a writable one');
    case 'ENOSPC':
      return what('no space left on the device of the store');
    default:
      return what(`cannot open the store (${e.message})`);
  }
}

/** The one line to print for a failure, and the exit status. */
export function describeFailure(e: unknown, ctx: FailureContext = {}): { message: string; exit: number } {
  if (e instanceof MgrError) {
    const usage = e.code === 'MGR_ERR_USAGE' || e.code === 'MGR_ERR_CALL_UNKNOWN_METHOD';
    return { message: e.message, exit: usage ? EXIT.usage : EXIT.badInput };
  }
  const err = e as NodeJS.ErrnoException;
  if (ctx.db !== undefined && err !== null && typeof err === 'object') {
    const store = storeFailure(err, ctx.db);
    if (store !== undefined) return { message: store.message, exit: EXIT.badInput };
  }
  return { message: internalError(e), exit: EXIT.internal };
}

/** An unexpected error as one line, its stack only when asked for. */
export function internalError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n')[0];
  return `internal error: ${line}; run with MGRKIT_DEBUG=1 for the stack`;
}

/** Prints a failure as `mgrkit: ...` on one line (plus the stack under `MGRKIT_DEBUG=1`); returns the exit status. */
export function reportFailure(e: unknown, ctx: FailureContext = {}): number {
  const { message, exit } = describeFailure(e, ctx);
  process.stderr.write(`mgrkit: ${message}\n`);
  if (process.env.MGRKIT_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return exit;
}
