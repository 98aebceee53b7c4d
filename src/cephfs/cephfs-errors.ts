import { constants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { type ErrorCode, MgrError } from '../errors.ts';

const { errno } = constants;

/** glibc's `strerror` for the errnos a file system call gives, which python-cephfs's messages quote. */
const STRERROR: ReadonlyMap<number, string> = new Map([
  [errno.EPERM, 'Operation not permitted'],
  [errno.ENOENT, 'No such file or directory'],
  [errno.EIO, 'Input/output error'],
  [errno.EBADF, 'Bad file descriptor'],
  [errno.EAGAIN, 'Resource temporarily unavailable'],
  [errno.EACCES, 'Permission denied'],
  [errno.EBUSY, 'Device or resource busy'],
  [errno.EEXIST, 'File exists'],
  [errno.EXDEV, 'Invalid cross-device link'],
  [errno.ENOTDIR, 'Not a directory'],
  [errno.EISDIR, 'Is a directory'],
  [errno.EINVAL, 'Invalid argument'],
  [errno.EFBIG, 'File too large'],
  [errno.ENOSPC, 'No space left on device'],
  [errno.ERANGE, 'Numerical result out of range'],
  [errno.ENAMETOOLONG, 'File name too long'],
  [errno.ENOTEMPTY, 'Directory not empty'],
  [errno.ENODATA, 'No data available'],
  [errno.EOPNOTSUPP, 'Operation not supported'],
  [errno.ENOTCONN, 'Transport endpoint is not connected'],
  [errno.ETIMEDOUT, 'Connection timed out'],
  [errno.EDQUOT, 'Disk quota exceeded'],
]);

/** python's `os.strerror`. */
function strerror(n: number): string {
  const known = STRERROR.get(n);
  if (known !== undefined) return known;
  const uv = getSystemErrorMap().get(-n)?.[1];
  return uv === undefined ? `Unknown error ${n}` : uv.charAt(0).toUpperCase() + uv.slice(1);
}

/**
 * python-cephfs's `cephfs.Error` (its `OSError` when an errno comes with it): a CephFS call failed. `errno` is the
 * (positive) errno, `strerror` reads as python-cephfs's (`error in mkdir /a: No such file or directory`), and the
 * message as its `str(e)`: `error in mkdir /a: No such file or directory [Errno 2]`. Catch a subclass
 * (`ObjectNotFound`, `ObjectExists`, ...) where Ceph's code catches `cephfs.ObjectNotFound`, or this class for any.
 *
 * @example
 * ```ts
 * try {
 *   await fs.mkdir('/volumes', 0o755);
 * } catch (e) {
 *   if (!(e instanceof cephfs.ObjectExists)) throw e; // EEXIST: already there
 * }
 * ```
 */
export class CephFsError extends MgrError {
  /** What failed and why, as python-cephfs's `OSError.strerror`. */
  readonly strerror: string;

  constructor(code: ErrorCode, message: string, errnoValue?: number) {
    super(code, message);
    this.name = 'CephFsError';
    // python-cephfs keeps the errno libcephfs gave even where it has no class for it (EISDIR, EBADF, ...).
    if (errnoValue !== undefined) (this as unknown as { errno: number }).errno = errnoValue;
    this.strerror = `${message}: ${strerror(this.errno)}`;
    this.message = `${this.strerror} [Errno ${this.errno}]`;
  }

  /** python-cephfs's `get_error_code()`: the errno. */
  get_error_code(): number {
    return this.errno;
  }
}

/** EPERM. */
export class PermissionError extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_PERMISSION', message);
    this.name = 'PermissionError';
  }
}

/** No such file, directory or file system (ENOENT). */
export class ObjectNotFound extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_NOT_FOUND', message);
    this.name = 'ObjectNotFound';
  }
}

/** No such extended attribute (ENODATA). */
export class NoData extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_NO_DATA', message);
    this.name = 'NoData';
  }
}

/** The file, directory or extended attribute exists (EEXIST). */
export class ObjectExists extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_EXISTS', message);
    this.name = 'ObjectExists';
  }
}

/** EIO. */
export class IOError extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_IO', message);
    this.name = 'IOError';
  }
}

/** ENOSPC. */
export class NoSpace extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_NO_SPACE', message);
    this.name = 'NoSpace';
  }
}

/** An argument libcephfs rejects (EINVAL). */
export class InvalidValue extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_INVALID', message);
    this.name = 'InvalidValue';
  }
}

/** EOPNOTSUPP, e.g. an `open` flag string with a character python-cephfs does not take. */
export class OperationNotSupported extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_NOT_SUPPORTED', message);
    this.name = 'OperationNotSupported';
  }
}

/** EAGAIN / EWOULDBLOCK. */
export class WouldBlock extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_WOULD_BLOCK', message);
    this.name = 'WouldBlock';
  }
}

/** ERANGE, e.g. `getxattr` with a buffer smaller than the value. */
export class OutOfRange extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_RANGE', message);
    this.name = 'OutOfRange';
  }
}

/** The directory is not empty (ENOTEMPTY). */
export class ObjectNotEmpty extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_NOT_EMPTY', message);
    this.name = 'ObjectNotEmpty';
  }
}

/** A path component is not a directory (ENOTDIR). */
export class NotDirectory extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_NOT_DIR', message);
    this.name = 'NotDirectory';
  }
}

/** EDQUOT. */
export class DiskQuotaExceeded extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_QUOTA', message);
    this.name = 'DiskQuotaExceeded';
  }
}

/** EACCES. */
export class PermissionDenied extends CephFsError {
  constructor(message: string) {
    super('MGR_ERR_CEPHFS_ACCESS', message);
    this.name = 'PermissionDenied';
  }
}

/**
 * A call the client's state does not allow (python-cephfs's `LibCephFSStateError`): a file call before `mount()`
 * or after `unmount()` / `shutdown()`, or once the module has stopped. Like python-cephfs's, a `CephFsError` (its
 * `cephfs.Error`) whose message carries no errno.
 */
export class LibCephFSStateError extends CephFsError {
  constructor(state: string) {
    const message = `You cannot perform that operation on a CephFS object in state ${state}.`;
    super('MGR_ERR_CEPHFS_STATE', message);
    this.name = 'LibCephFSStateError';
    (this as { strerror: string }).strerror = message;
    this.message = message;
  }
}

type CephFsErrorClass = new (message: string) => CephFsError;

/** python-cephfs's `errno_to_exception`. */
const BY_ERRNO: ReadonlyMap<number, CephFsErrorClass> = new Map<number, CephFsErrorClass>([
  [errno.EPERM, PermissionError],
  [errno.ENOENT, ObjectNotFound],
  [errno.EIO, IOError],
  [errno.ENOSPC, NoSpace],
  [errno.EEXIST, ObjectExists],
  [errno.ENODATA, NoData],
  [errno.EINVAL, InvalidValue],
  [errno.EOPNOTSUPP, OperationNotSupported],
  [errno.ERANGE, OutOfRange],
  [errno.EWOULDBLOCK, WouldBlock],
  [errno.ENOTEMPTY, ObjectNotEmpty],
  [errno.ENOTDIR, NotDirectory],
  [errno.EDQUOT, DiskQuotaExceeded],
  [errno.EACCES, PermissionDenied],
]);

/**
 * python-cephfs's `make_ex`: the error for a return code (`-errno` or `errno`), its class chosen by the errno; an
 * errno without a class (EISDIR, EBADF, ETIMEDOUT, ...) gives a plain `CephFsError` carrying it.
 */
export function makeCephFsError(ret: number, message: string): CephFsError {
  const n = Math.abs(ret);
  const Cls = BY_ERRNO.get(n);
  return Cls === undefined ? new CephFsError('MGR_ERR_CEPHFS_FAILED', message, n) : new Cls(message);
}
