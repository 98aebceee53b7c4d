import { constants } from 'node:os';

const { errno } = constants;

/**
 * Every error mgrkit raises, by stable code. A code is never removed or reused once published; one mgrkit does not
 * raise (yet, or any more) says why in `reserved`. The errno is what a command returns (negated, by `errorResult`)
 * when the error crosses the command boundary.
 */
export const ERRORS = {
  MGR_ERR_TRACE_NOT_JSON: { errno: errno.EINVAL, message: 'not valid JSON' },
  MGR_ERR_TRACE_SCHEMA: { errno: errno.EINVAL, message: 'does not match the event schema' },
  MGR_ERR_TRACE_LINE_TOO_LONG: { errno: errno.E2BIG, message: 'line longer than the limit' },
  MGR_ERR_TRACE_OPEN: { errno: errno.ENOENT, message: 'cannot read the trace' },
  MGR_ERR_SOURCE_LISTEN: { errno: errno.EADDRINUSE, message: 'cannot listen for a recorder' },
  MGR_ERR_FOLD_STALE_MAP: { errno: errno.ESTALE, message: 'map older than the current one' },
  MGR_ERR_FOLD_EPOCH_GAP: { errno: errno.EINVAL, message: 'patch epoch is not the previous epoch + 1' },
  MGR_ERR_FOLD_EPOCH_MISMATCH: { errno: errno.EINVAL, message: "the map's epoch differs from the event's" },
  MGR_ERR_FOLD_PATCH_NO_BASE: { errno: errno.ENOENT, message: 'patch without a previous map' },
  MGR_ERR_FOLD_PATCH_PATH: { errno: errno.ENOENT, message: 'patch path does not exist' },
  MGR_ERR_FOLD_PATCH_FORBIDDEN: { errno: errno.EPERM, message: 'patch path segment is forbidden' },
  MGR_ERR_FOLD_PATCH_TEST: { errno: errno.EINVAL, message: 'patch test operation failed' },
  MGR_ERR_FOLD_INVALID_MAP: { errno: errno.EINVAL, message: 'the patched map does not match its schema' },
  MGR_ERR_FOLD_INTERNAL: { errno: errno.EFAULT, message: 'internal error while folding the event' },
  MGR_ERR_STORE_CORRUPT: { errno: errno.EIO, message: 'the store is inconsistent' },
  MGR_ERR_STORE_NO_STATE: { errno: errno.ENOENT, message: 'no state at that sequence number' },
  MGR_ERR_STORE_NONE: { errno: errno.EOPNOTSUPP, message: 'this host has no store to read the past from' },
  MGR_ERR_LOG_CONNECT: { errno: errno.ECONNREFUSED, message: 'cannot reach the event log' },
  MGR_ERR_LOG_MESSAGE: { errno: errno.EINVAL, message: 'a message of the event log cannot be folded' },
  MGR_ERR_LOG_APPEND: { errno: errno.EIO, message: 'the event log did not take the events' },
  MGR_ERR_LOG_CONFLICT: { errno: errno.EAGAIN, message: 'another writer appended to the event log first' },
  MGR_ERR_LOG_NOT_ACTIVE: { errno: errno.EAGAIN, message: 'this manager is not the active one' },
  MGR_ERR_GET_UNKNOWN_NAME: { errno: errno.ENOENT, message: 'unknown data name' },
  MGR_ERR_NO_OSD_MAP: { errno: errno.ENOENT, message: 'no OSD map yet' },
  MGR_ERR_SEND_COMMAND_ARGS: { errno: errno.EINVAL, message: 'invalid command target' },
  MGR_ERR_MON_COMMAND_FAILED: { errno: errno.EIO, message: 'a monitor command failed' },
  MGR_ERR_CALL_UNKNOWN_METHOD: { errno: errno.ENOENT, message: 'unknown accessor' },
  MGR_ERR_USAGE: { errno: errno.EINVAL, message: 'invalid usage' },
  MGR_ERR_MODULE_CONTEXT: { errno: errno.EINVAL, message: 'no cluster access here' },
  MGR_ERR_MODULE_NOT_FOUND: { errno: errno.ENOENT, message: 'no such module' },
  MGR_ERR_MODULE_LOAD: { errno: errno.ENOEXEC, message: 'the module could not be loaded' },
  MGR_ERR_MODULE_ALWAYS_ON: { errno: errno.EINVAL, message: 'the module is always on' },
  MGR_ERR_MODULE_CANNOT_RUN: {
    errno: errno.EOPNOTSUPP,
    message: 'the module cannot run here',
    reserved:
      'for refusing to enable a module whose can_run() is false; the host enables it and reports MGR_MODULE_DEPENDENCY',
  },
  MGR_ERR_OPTION_UNDECLARED: { errno: errno.ENOENT, message: 'option not declared' },
  MGR_ERR_OPTION_INVALID: { errno: errno.EINVAL, message: 'invalid option value' },
  MGR_ERR_STORE_NOT_STRING: { errno: errno.EINVAL, message: 'store values are strings' },
  MGR_ERR_CONFIG_NAME: { errno: errno.EINVAL, message: 'unknown config option' },
  MGR_ERR_CONFIG_UNKNOWN_OPTION: { errno: errno.ENOENT, message: 'option not found' },
  MGR_ERR_REMOTE_NOT_ENABLED: { errno: errno.ENOENT, message: 'module not enabled' },
  MGR_ERR_REMOTE_NO_METHOD: { errno: errno.ENOENT, message: 'module has no such method' },
  MGR_ERR_REMOTE_FAILED: { errno: errno.EINVAL, message: 'remote method raised' },
  MGR_ERR_COMMAND_DESCRIPTOR: { errno: errno.EINVAL, message: 'invalid command descriptor' },
  MGR_ERR_COMMAND_INVALID: { errno: errno.EINVAL, message: 'invalid command' },
  MGR_ERR_COMMAND_UNKNOWN: { errno: errno.EINVAL, message: 'no valid command found' },
  MGR_ERR_COMMAND_DENIED: { errno: errno.EACCES, message: 'access denied' },
  MGR_ERR_COMMAND_DUPLICATE: { errno: errno.EEXIST, message: 'command already registered' },
  MGR_ERR_REQUEST_TOO_LARGE: { errno: errno.E2BIG, message: 'request too large' },
  MGR_ERR_REQUEST_MALFORMED: { errno: errno.EINVAL, message: 'malformed request' },
  MGR_ERR_CLUSTER_LOG_ARGS: { errno: errno.EINVAL, message: 'invalid cluster log entry' },
  MGR_ERR_RADOS_NOT_FOUND: { errno: errno.ENOENT, message: 'no such pool or object' },
  MGR_ERR_RADOS_EXISTS: { errno: errno.EEXIST, message: 'already exists' },
  MGR_ERR_RADOS_NO_DATA: { errno: errno.ENODATA, message: 'no such attribute' },
  MGR_ERR_RADOS_PERMISSION: { errno: errno.EPERM, message: 'operation not permitted' },
  MGR_ERR_RADOS_ACCESS: { errno: errno.EACCES, message: 'permission denied' },
  MGR_ERR_RADOS_TIMED_OUT: { errno: errno.ETIMEDOUT, message: 'no monitor connection within the timeout' },
  MGR_ERR_RADOS_INVALID: { errno: errno.EINVAL, message: 'invalid argument' },
  MGR_ERR_RADOS_IO: { errno: errno.EIO, message: 'input/output error' },
  MGR_ERR_RADOS_NO_SPACE: { errno: errno.ENOSPC, message: 'no space left' },
  MGR_ERR_RADOS_BUSY: { errno: errno.EBUSY, message: 'object busy' },
  MGR_ERR_RADOS_INTERRUPTED: { errno: errno.EINTR, message: 'interrupted' },
  MGR_ERR_RADOS_FAILED: { errno: errno.EIO, message: 'a RADOS call failed' },
  MGR_ERR_RADOS_SHUTDOWN: { errno: errno.ENOTCONN, message: 'the RADOS client is shut down' },
  MGR_ERR_RADOS_IOCTX_CLOSED: { errno: errno.EBADF, message: 'the I/O context is closed' },
  MGR_ERR_ORCH_FAILED: { errno: errno.EINVAL, message: 'the orchestrator failed' },
  MGR_ERR_ORCH_NOT_CONFIGURED: {
    errno: errno.ENOENT,
    message: 'No orchestrator configured (try `ceph orch set backend`)',
  },
  MGR_ERR_ORCH_NOT_IMPLEMENTED: { errno: errno.ENOENT, message: 'not implemented by this orchestrator' },
  MGR_ERR_ORCH_SPEC_INVALID: { errno: errno.EINVAL, message: 'invalid service specification' },
  MGR_ERR_STORE_BUSY: { errno: errno.EBUSY, message: 'another process is writing the store' },
  MGR_ERR_STORE_APPEND: { errno: errno.EEXIST, message: 'the journal already holds that sequence number' },
  MGR_ERR_STORE_NO_SPACE: { errno: errno.ENOSPC, message: 'no space left to write the store' },
  MGR_ERR_STORE_WRITE: { errno: errno.EIO, message: 'the store could not be written' },
  MGR_ERR_TRACE_TOO_DEEP: { errno: errno.E2BIG, message: 'JSON nested deeper than the limit' },
  MGR_ERR_TRACE_FORBIDDEN_KEY: { errno: errno.EPERM, message: "a key that reaches an object's prototype" },
  MGR_ERR_FOLD_FORBIDDEN_KEY: { errno: errno.EPERM, message: "a key that reaches an object's prototype" },
  MGR_ERR_STORE_OPEN: { errno: errno.EIO, message: 'cannot open the store' },
  MGR_ERR_TRACE_READ: { errno: errno.EIO, message: 'the trace cannot be read to its end' },
  MGR_ERR_OUTPUT_FILE: { errno: errno.ENOENT, message: 'cannot write the output file' },
  MGR_ERR_REQUEST_TOO_DEEP: { errno: errno.EINVAL, message: 'request nested too deep' },
  MGR_ERR_REQUEST_ENTITY: { errno: errno.EINVAL, message: 'invalid entity name' },
  MGR_ERR_COMMAND_FAILED: { errno: errno.EINVAL, message: 'the command raised an exception' },
  MGR_ERR_SOURCE_UNKNOWN: { errno: errno.EINVAL, message: 'not a source mgrkit knows' },
  MGR_ERR_RADOS_NOT_CONNECTED: { errno: errno.ENOTCONN, message: 'no cluster behind the source any more' },
  MGR_ERR_NO_CRUSH_MAP: { errno: errno.ENOENT, message: 'the OSD map came without a CRUSH map' },
  MGR_ERR_POOL_NOT_FOUND: { errno: errno.ENOENT, message: 'no such pool' },
  MGR_ERR_SOCKET_IN_USE: { errno: errno.EADDRINUSE, message: 'another host serves that admin socket' },
  MGR_ERR_CONFIG_KEY_NOT_FOUND: { errno: errno.ENOENT, message: 'no such config-key entry' },
  MGR_ERR_CONFIG_INVALID_ENTITY: { errno: errno.ENOENT, message: 'invalid entity' },
  MGR_ERR_MAP_ABSENT: { errno: errno.ENOENT, message: 'the source has sent no such map' },
  MGR_ERR_KIT_BAD_NAME: { errno: errno.EINVAL, message: 'not a module name' },
  MGR_ERR_KIT_FOLDER_NOT_EMPTY: { errno: errno.EEXIST, message: 'the module folder exists and is not empty' },
  MGR_ERR_PARSE_WORKER: { errno: errno.EIO, message: 'the worker that parses input lines failed' },
  MGR_ERR_SIM_WORKER: { errno: errno.EIO, message: "the simulated cluster's thread failed" },
  MGR_ERR_BRIDGE_DOWN: { errno: errno.ENOTCONN, message: 'no connection to the cluster through its recorder' },
  MGR_ERR_BRIDGE_TIMED_OUT: { errno: errno.ETIMEDOUT, message: 'the cluster did not answer within the timeout' },
  MGR_ERR_BRIDGE_SECRET: { errno: errno.EACCES, message: "cannot use the bridge's shared secret" },
  MGR_ERR_BRIDGE_NO_OP: { errno: errno.EOPNOTSUPP, message: 'the recorder does not serve that operation' },
  MGR_ERR_CEPHFS_FAILED: { errno: errno.EIO, message: 'a CephFS call failed' },
  MGR_ERR_CEPHFS_NOT_FOUND: { errno: errno.ENOENT, message: 'no such file, directory or file system' },
  MGR_ERR_CEPHFS_EXISTS: { errno: errno.EEXIST, message: 'the file or directory exists' },
  MGR_ERR_CEPHFS_NO_DATA: { errno: errno.ENODATA, message: 'no such extended attribute' },
  MGR_ERR_CEPHFS_NOT_DIR: { errno: errno.ENOTDIR, message: 'not a directory' },
  MGR_ERR_CEPHFS_NOT_EMPTY: { errno: errno.ENOTEMPTY, message: 'the directory is not empty' },
  MGR_ERR_CEPHFS_INVALID: { errno: errno.EINVAL, message: 'invalid argument' },
  MGR_ERR_CEPHFS_NOT_SUPPORTED: { errno: errno.EOPNOTSUPP, message: 'operation not supported' },
  MGR_ERR_CEPHFS_PERMISSION: { errno: errno.EPERM, message: 'operation not permitted' },
  MGR_ERR_CEPHFS_ACCESS: { errno: errno.EACCES, message: 'permission denied' },
  MGR_ERR_CEPHFS_IO: { errno: errno.EIO, message: 'input/output error' },
  MGR_ERR_CEPHFS_NO_SPACE: { errno: errno.ENOSPC, message: 'no space left' },
  MGR_ERR_CEPHFS_RANGE: { errno: errno.ERANGE, message: 'result out of range' },
  MGR_ERR_CEPHFS_WOULD_BLOCK: { errno: errno.EAGAIN, message: 'the operation would block' },
  MGR_ERR_CEPHFS_QUOTA: { errno: errno.EDQUOT, message: 'disk quota exceeded' },
  MGR_ERR_CEPHFS_STATE: { errno: errno.EINVAL, message: 'the CephFS client is not in a state for that' },
  MGR_ERR_BRIDGE_REQUEST_RAISED: { errno: errno.EINVAL, message: 'serving the request raised an error' },
} as const satisfies Record<string, { errno: number; message: string; reserved?: string }>;

const ERRNO_NAMES = new Map<number, string>(Object.entries(errno).map(([name, n]) => [n, name]));

/** `ENOSPC` for 28: the system's name of an errno, or undefined for a number it does not know. */
export function errnoName(n: number): string | undefined {
  return ERRNO_NAMES.get(n);
}

/** A stable error code from {@link ERRORS}. */
export type ErrorCode = keyof typeof ERRORS;

/** A location in the input an error refers to: the trace file, its line, the field path inside the event. */
export interface ErrorPlace {
  file?: string;
  line?: number;
  path?: ReadonlyArray<string | number>;
}

/**
 * The one error class of mgrkit: a stable `code`, an errno-style `errno`, and where it happened.
 *
 * @example
 * ```ts
 * try { mgr.get('osdmap' as never); } catch (e) { if (e instanceof MgrError) console.log(e.code, -e.errno); }
 * ```
 */
export class MgrError extends Error {
  readonly code: ErrorCode;
  readonly errno: number;
  readonly place: ErrorPlace;

  constructor(code: ErrorCode, detail?: string, place: ErrorPlace = {}) {
    super(detail ?? ERRORS[code].message);
    this.name = 'MgrError';
    this.code = code;
    this.errno = ERRORS[code].errno;
    this.place = place;
  }
}

/** Renders a field path the way a JavaScript reader writes it: `osd_map.patch[3].path`. */
export function formatPath(path: ReadonlyArray<string | number | symbol>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate nearest to a mistyped name, if one is near enough to be what was meant. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** An exception raised inside another module's method called through `remote()`, carrying its message. */
export class RemoteError extends MgrError {
  readonly module: string;
  readonly method: string;

  constructor(module: string, method: string, message: string) {
    super('MGR_ERR_REMOTE_FAILED', message);
    this.name = 'RemoteError';
    this.module = module;
    this.method = method;
  }
}
