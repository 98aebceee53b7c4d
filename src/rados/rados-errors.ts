import { constants } from 'node:os';
import { type ErrorCode, MgrError } from '../errors.ts';

const { errno } = constants;

/**
 * python-rados's `rados.Error`: a RADOS call failed. `errno` is the (positive) errno, and the message reads as
 * python-rados's `str(e)` does: `[errno 2] error opening pool 'nosuch'`. Catch a subclass (`ObjectNotFound`,
 * `TimedOut`, ...) where Ceph's code catches `rados.ObjectNotFound`, or this class for any of them.
 *
 * @example
 * ```ts
 * try {
 *   await ioctx.read('missing');
 * } catch (e) {
 *   if (e instanceof ObjectNotFound) this.log.info({ errno: e.errno }, e.message); // 2, "[errno 2] Ioctx.read(rbd): ..."
 *   else throw e;
 * }
 * ```
 */
export class RadosError extends MgrError {
  constructor(code: ErrorCode, message: string, errnoValue?: number) {
    super(code, message);
    this.name = 'RadosError';
    // python-rados keeps the errno librados gave even where it has no class for it (its plain `OSError`).
    if (errnoValue !== undefined) (this as unknown as { errno: number }).errno = errnoValue;
    this.message = `[errno ${this.errno}] ${message}`;
  }
}

/** The pool or object does not exist (ENOENT). */
export class ObjectNotFound extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_NOT_FOUND', message);
    this.name = 'ObjectNotFound';
  }
}

/** The pool or object already exists (EEXIST). */
export class ObjectExists extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_EXISTS', message);
    this.name = 'ObjectExists';
  }
}

/** The object has no such extended attribute (ENODATA). */
export class NoData extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_NO_DATA', message);
    this.name = 'NoData';
  }
}

/** The cluster refused the operation (EPERM), e.g. deleting a pool while `mon_allow_pool_delete` is false. */
export class PermissionError extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_PERMISSION', message);
    this.name = 'PermissionError';
  }
}

/** The client's caps do not allow the operation (EACCES). */
export class PermissionDeniedError extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_ACCESS', message);
    this.name = 'PermissionDeniedError';
  }
}

/** The monitors stayed unreachable for the whole timeout (ETIMEDOUT). */
export class TimedOut extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_TIMED_OUT', message);
    this.name = 'TimedOut';
  }
}

/**
 * No cluster to reach (ENOTCONN, python-rados's `NotConnected`): the source has ended, so no monitor will ever
 * answer; the call fails at once instead of waiting.
 */
export class NotConnected extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_NOT_CONNECTED', message);
    this.name = 'NotConnected';
  }
}

/** An argument the cluster (or this client) rejects (EINVAL). */
export class InvalidArgumentError extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_INVALID', message);
    this.name = 'InvalidArgumentError';
  }
}

/** EIO. */
export class IOError extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_IO', message);
    this.name = 'IOError';
  }
}

/** ENOSPC. */
export class NoSpace extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_NO_SPACE', message);
    this.name = 'NoSpace';
  }
}

/** EBUSY. */
export class ObjectBusy extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_BUSY', message);
    this.name = 'ObjectBusy';
  }
}

/** EINTR. */
export class InterruptedOrTimeoutError extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_INTERRUPTED', message);
    this.name = 'InterruptedOrTimeoutError';
  }
}

/** A call on a client that was shut down (the module stopped), or a wait that its shutdown cut short. */
export class RadosStateError extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_SHUTDOWN', message);
    this.name = 'RadosStateError';
  }
}

/** A call on an I/O context after `close()`. */
export class IoctxStateError extends RadosError {
  constructor(message: string) {
    super('MGR_ERR_RADOS_IOCTX_CLOSED', message);
    this.name = 'IoctxStateError';
  }
}

type RadosErrorClass = new (message: string) => RadosError;

/** python-rados's `errno_to_exception`. */
const BY_ERRNO: ReadonlyMap<number, RadosErrorClass> = new Map<number, RadosErrorClass>([
  [errno.EPERM, PermissionError],
  [errno.ENOENT, ObjectNotFound],
  [errno.EIO, IOError],
  [errno.ENOSPC, NoSpace],
  [errno.EEXIST, ObjectExists],
  [errno.EBUSY, ObjectBusy],
  [errno.ENODATA, NoData],
  [errno.EINTR, InterruptedOrTimeoutError],
  [errno.ETIMEDOUT, TimedOut],
  [errno.EACCES, PermissionDeniedError],
  [errno.EINVAL, InvalidArgumentError],
  [errno.ENOTCONN, NotConnected],
]);

/** python-rados's `make_ex`: the error for a return code (`-errno` or `errno`), its class chosen by the errno. */
export function makeRadosError(ret: number, message: string): RadosError {
  const n = Math.abs(ret);
  const Cls = BY_ERRNO.get(n);
  return Cls === undefined ? new RadosError('MGR_ERR_RADOS_FAILED', message, n) : new Cls(message);
}
