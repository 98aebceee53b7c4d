import { execFile } from 'node:child_process';
import { constants } from 'node:os';

/**
 * The programs `tool_exec` runs: the Ceph command-line tools Ceph's own modules run through it (`ganesha-rados-grace`
 * from `nfs`) or beside it. Ceph runs whatever `args[0]` names; mgrkit runs only these, so a module cannot be made to
 * start an arbitrary program, and never through a shell.
 */
export const TOOL_EXEC_ALLOWED: readonly string[] = Object.freeze([
  'ceph',
  'rados',
  'rbd',
  'radosgw-admin',
  'ceph-volume',
  'ganesha-rados-grace',
]);

/** What `tool_exec` needs to know of the manager. */
export interface ToolExecContext {
  readonly keyring: string;
  readonly mgrId: string;
  /** Logs at debug, or at error when the tool fails, as Ceph's does. */
  readonly log: { debug(msg: string): void; error(msg: string): void };
}

/**
 * Ceph's `tool_exec`: runs `args[0]` with `-k <keyring> -n mgr.<id>` and the rest of `args`, with `stdin` as its
 * input, and resolves to `[returncode, stdout, stderr]`. A tool that runs longer than `timeout` seconds is killed and
 * answers `[-ETIMEDOUT, '', message]`; one not in {@link TOOL_EXEC_ALLOWED} answers `-EPERM`, one that cannot be
 * started `-ENOENT` (or its errno); neither raises.
 */
export function toolExec(
  ctx: ToolExecContext,
  args: readonly string[],
  timeout = 10,
  stdin: string | Uint8Array | null = null,
): Promise<[number, string, string]> {
  const [tool, ...rest] = args;
  if (tool === undefined || !TOOL_EXEC_ALLOWED.includes(tool)) {
    const msg = `tool_exec: "${tool ?? ''}" is not a tool mgrkit runs (allowed: ${TOOL_EXEC_ALLOWED.join(', ')})`;
    ctx.log.error(msg);
    return Promise.resolve([-constants.errno.EPERM, '', msg]);
  }
  const cmd = [tool, '-k', ctx.keyring, '-n', `mgr.${ctx.mgrId}`, ...rest];
  ctx.log.debug(`exec: ${cmd.join(' ')}`);
  return new Promise((resolve) => {
    const child = execFile(
      tool,
      cmd.slice(1),
      { timeout: timeout * 1000, killSignal: 'SIGKILL', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err === null) return resolve([0, stdout, stderr]);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        if (e.killed && typeof e.code !== 'number') {
          const msg = `Command '${JSON.stringify(cmd)}' timed out after ${timeout} seconds`;
          ctx.log.error(msg);
          return resolve([-constants.errno.ETIMEDOUT, '', msg]);
        }
        if (typeof e.code === 'string') {
          const n = (constants.errno as Record<string, number>)[e.code] ?? constants.errno.EIO;
          ctx.log.error(`cannot run ${tool}: ${e.message}`);
          return resolve([-n, '', e.message]);
        }
        ctx.log.error(`Non-zero return from ${JSON.stringify(cmd)}: ${stderr}`);
        resolve([typeof e.code === 'number' ? e.code : 1, stdout, stderr]);
      },
    );
    if (stdin !== null) child.stdin?.end(stdin);
    else child.stdin?.end();
  });
}
