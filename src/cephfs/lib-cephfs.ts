import { MgrError } from '../errors.ts';
import type { CephFsBackend } from './cephfs-backend.ts';
import { LibCephFSStateError, makeCephFsError, OutOfRange } from './cephfs-errors.ts';
import type { DirEntry } from './dir-entry.ts';
import { DirResult } from './dir-result.ts';
import { type OpenFlags, parseOpenFlags } from './open-flags.ts';
import { CEPHFS_BLOCK, type StatResult, statResult } from './stat-result.ts';

/** What `statfs` returns, as python-cephfs's dict (libcephfs's `struct statvfs`). */
export interface StatVfs {
  readonly f_bsize: number;
  readonly f_frsize: number;
  readonly f_blocks: number;
  readonly f_bfree: number;
  readonly f_bavail: number;
  readonly f_files: number;
  readonly f_ffree: number;
  readonly f_favail: number;
  readonly f_fsid: number;
  readonly f_flag: number;
  readonly f_namemax: number;
}

/** Bytes, as python-cephfs takes them for `write` and `setxattr`; a string is written as UTF-8. */
export type CephFsData = Buffer | Uint8Array | string;

/** python-cephfs's states: made from the manager's RADOS client, initialised, mounted, shut down. */
export type LibCephFSState = 'configuring' | 'initialized' | 'mounted' | 'shutdown';

function checkInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`${name} must be an int`);
  return v;
}

function checkPath(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  throw new TypeError(`${name} must be encodeable as a bytearray`);
}

const toBuffer = (data: CephFsData): Buffer =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);

/**
 * A CephFS client bound to the manager's cluster: a module's `this.cephfs`, shaped after python-cephfs's
 * `cephfs.LibCephFS` as Ceph's modules make it (`LibCephFS(rados_inst=self.rados)`, then `mount()`), so that a Ceph
 * module author finds what they know: the same method names, argument order, defaults and errors (the classes of
 * `cephfs-errors.ts`, each with its errno). Every call is async. Over a recording or the simulated cluster the file
 * system is kept in the RADOS pools the file system map names; on a real cluster it is the cluster's own. The host
 * shuts the client down when the module stops.
 *
 * Not there (yet): symlinks and hard links, snapshots, `chdir` (a relative path is taken from the mount's root),
 * ownership and permission checks (the manager acts as root, as its caps let it).
 *
 * @example
 * ```ts
 * const fs = this.cephfs;
 * await fs.mount(null, 'cephfs');
 * await fs.mkdirs('/reports/daily', 0o755);
 * const fd = await fs.open('/reports/daily/today', 'w', 0o644);
 * await fs.write(fd, 'all clean', 0);
 * await fs.close(fd);
 * this.log.info(await fs.listdir('/reports/daily')); // ['today']
 * ```
 */
export class LibCephFS {
  private readonly backend: CephFsBackend;
  private current: LibCephFSState = 'configuring';

  /** @internal Made by the host, one per module: a module reaches it as `this.cephfs`. */
  constructor(backend: CephFsBackend) {
    this.backend = backend;
  }

  /** python-cephfs's `state`. */
  get state(): LibCephFSState {
    return this.current;
  }

  /** Initialises the client without mounting (`mount` does it when needed). */
  init(): void {
    this.require('configuring');
    this.current = 'initialized';
  }

  /**
   * Mounts a file system at `mount_root` (`/` by default): the one named `filesystem_name`, else the file system map's
   * default one. `ObjectNotFound` (ENOENT) when there is no such file system (a recording of a cluster without
   * one, a name the map lacks) or no such root directory.
   */
  async mount(mount_root: string | null = null, filesystem_name: string | null = null): Promise<void> {
    if (this.current === 'configuring') this.init();
    this.require('initialized');
    const root = mount_root === null ? '/' : checkPath('mount_root', mount_root);
    const name =
      filesystem_name === null || filesystem_name === '' ? null : checkPath('filesystem_name', filesystem_name);
    await this.call(name === null ? 'error calling ceph_mount' : 'error calling ceph_select_filesystem', () =>
      this.backend.mount(name, root),
    );
    this.current = 'mounted';
  }

  /** Unmounts; open files are closed. The client may be mounted again. */
  async unmount(): Promise<void> {
    this.require('mounted');
    await this.call('error calling ceph_unmount', () => this.backend.unmount());
    this.current = 'initialized';
  }

  /** Unmounts if mounted and ends the client: every later call fails with `LibCephFSStateError`. */
  async shutdown(): Promise<void> {
    if (this.current === 'mounted') await this.backend.unmount().catch(() => undefined);
    this.current = 'shutdown';
  }

  /** File system wide figures; `f_files` is the inodes in use, blocks are of 4 MiB as libcephfs counts them. */
  async statfs(path: string): Promise<StatVfs> {
    const p = this.mountedPath('path', path);
    const u = await this.call(`statfs failed: ${p}`, () => this.backend.statfs(p));
    const blocks = (bytes: number) => Math.floor(bytes / CEPHFS_BLOCK);
    return {
      f_bsize: CEPHFS_BLOCK,
      f_frsize: CEPHFS_BLOCK,
      f_blocks: blocks(u.bytesTotal),
      f_bfree: blocks(u.bytesFree),
      f_bavail: blocks(u.bytesFree),
      f_files: u.files,
      f_ffree: 0,
      f_favail: 0,
      f_fsid: u.fsid,
      f_flag: 0,
      f_namemax: 255,
    };
  }

  /** Creates a directory: `ObjectExists` if the path exists, `ObjectNotFound` / `NotDirectory` for its parent. */
  async mkdir(path: string, mode: number): Promise<void> {
    const p = this.mountedPath('path', path);
    const m = checkInt('mode', mode);
    await this.call(`error in mkdir ${p}`, () => this.backend.mkdir(p, m));
  }

  /** Creates the directory and each missing one above it; no error when it all exists. */
  async mkdirs(path: string, mode: number): Promise<void> {
    const p = this.mountedPath('path', path);
    const m = checkInt('mode', mode);
    await this.call(`error in mkdirs ${p}`, () => this.backend.mkdirs(p, m));
  }

  /** Removes an empty directory: `ObjectNotEmpty` (ENOTEMPTY) if it has entries, `NotDirectory` for a file. */
  async rmdir(path: string): Promise<void> {
    const p = this.mountedPath('path', path);
    await this.call(`error in rmdir ${p}`, () => this.backend.rmdir(p));
  }

  /** Removes a file (EISDIR, a plain `CephFsError`, for a directory). */
  async unlink(path: string): Promise<void> {
    const p = this.mountedPath('path', path);
    await this.call(`error in unlink: ${p}`, () => this.backend.unlink(p));
  }

  /** Renames a file or directory, replacing a file or an empty directory at `dst`, as `rename(2)` does. */
  async rename(src: string, dst: string): Promise<void> {
    const s = this.mountedPath('source', src);
    const d = checkPath('destination', dst);
    await this.call(`error in rename ${s} to ${d}`, () => this.backend.rename(s, d));
  }

  /**
   * Opens a file, resolving to its file descriptor. `flags` as python-cephfs takes them: a string (`'r'` reads, `'w'`
   * writes, creating and truncating, `'r+'` / `'w+'` both; any other character is refused with EOPNOTSUPP), or
   * `os.O_*` bits (`O_CREAT`, `O_EXCL`, `O_TRUNC`, `O_APPEND`, `O_DIRECTORY`, ...). `mode` applies to a created file.
   */
  async open(path: string, flags: OpenFlags, mode = 0): Promise<number> {
    const p = this.mountedPath('path', path);
    const m = checkInt('mode', mode);
    if (typeof flags !== 'string' && typeof flags !== 'number')
      throw new TypeError('flags must be a string or an integer');
    const bits = parseOpenFlags(flags);
    return this.call(`error in open ${p}`, () => this.backend.open(p, bits, m));
  }

  async close(fd: number): Promise<void> {
    this.require('mounted');
    const f = checkInt('fd', fd);
    await this.call('error in close', () => this.backend.close(f));
  }

  /** Up to `l` bytes from `offset` (from the file's position when negative); fewer, or none, past the end. */
  async read(fd: number, offset: number, l: number): Promise<Buffer> {
    this.require('mounted');
    const o = checkInt('offset', offset);
    const n = checkInt('l', l);
    const f = checkInt('fd', fd);
    return this.call('error in read', () => this.backend.read(f, o, n));
  }

  /** Writes `buf` at `offset` (at the file's position when negative); resolves to the bytes written. */
  async write(fd: number, buf: CephFsData, offset: number): Promise<number> {
    this.require('mounted');
    const f = checkInt('fd', fd);
    const o = checkInt('offset', offset);
    const data = toBuffer(buf);
    return this.call('error in write', () => this.backend.write(f, data, o));
  }

  /** Opens a directory for `readdir`; `NotDirectory` for a file. */
  async opendir(path: string): Promise<DirResult> {
    const p = this.mountedPath('path', path);
    const listing = await this.call(`opendir failed at ${p}`, () => this.backend.readdir(p));
    return new DirResult(this, listing);
  }

  /** The next entry of an open directory (`.` and `..` first), or null at its end. */
  readdir(handle: DirResult): Promise<DirEntry | null> {
    this.require('mounted');
    return handle.readdir();
  }

  closedir(handle: DirResult): Promise<void> {
    this.require('mounted');
    return handle.close();
  }

  /**
   * The names in a directory, without `.` and `..`: a convenience python-cephfs lacks (Ceph's modules loop over
   * `opendir`/`readdir`), in the order `readdir` gives them.
   */
  async listdir(path: string): Promise<string[]> {
    const dir = await this.opendir(path);
    const out: string[] = [];
    try {
      for (let e = await dir.readdir(); e !== null; e = await dir.readdir()) {
        if (e.d_name !== '.' && e.d_name !== '..') out.push(e.d_name);
      }
    } finally {
      await dir.close();
    }
    return out;
  }

  /** A file's or directory's attributes. */
  async stat(path: string): Promise<StatResult> {
    const p = this.mountedPath('path', path);
    return statResult(await this.call(`error in stat: ${p}`, () => this.backend.stat(p)));
  }

  /** As `stat`: there are no symlinks here to not follow. */
  lstat(path: string): Promise<StatResult> {
    return this.stat(path);
  }

  async fstat(fd: number): Promise<StatResult> {
    this.require('mounted');
    const f = checkInt('fd', fd);
    return statResult(await this.call('error in fsat', () => this.backend.fstat(f)));
  }

  /**
   * Sets an extended attribute (namespaces `user.`, `security.`, `trusted.`, `ceph.`; another is EOPNOTSUPP).
   * `flags`: 0, `XATTR_CREATE` (1: `ObjectExists` if set) or `XATTR_REPLACE` (2: `NoData` if not).
   */
  async setxattr(path: string, name: string, value: CephFsData, flags: number): Promise<void> {
    const n = checkPath('name', name);
    const p = this.mountedPath('path', path);
    const f = checkInt('flags', flags);
    const v = toBuffer(value);
    await this.call('error in setxattr', () => this.backend.setxattr(p, n, v, f));
  }

  /** An extended attribute's value: `NoData` (ENODATA) when unset, `OutOfRange` when longer than `size`. */
  async getxattr(path: string, name: string, size = 255): Promise<Buffer> {
    const p = this.mountedPath('path', path);
    const n = checkPath('name', name);
    const limit = checkInt('size', size);
    const value = await this.call('error in getxattr', () => this.backend.getxattr(p, n));
    if (value.length > limit) throw new OutOfRange('error in getxattr');
    return value;
  }

  async removexattr(path: string, name: string): Promise<void> {
    const p = this.mountedPath('path', path);
    const n = checkPath('name', name);
    await this.call('error in removexattr', () => this.backend.removexattr(p, n));
  }

  /** `[length, names]`: the names, each ended by a NUL byte, as python-cephfs returns them. */
  async listxattr(path: string, size = 65536): Promise<[number, Buffer]> {
    const p = this.mountedPath('path', path);
    const limit = checkInt('size', size);
    const names = await this.call('error in listxattr', () => this.backend.listxattr(p));
    const buf = Buffer.from(names.map((n) => `${n}\0`).join(''), 'utf8');
    if (buf.length > limit) throw new OutOfRange('error in listxattr');
    return [buf.length, buf];
  }

  /** @internal For an open directory: fails unless mounted. */
  requireMounted(): void {
    this.require('mounted');
  }

  private require(...states: LibCephFSState[]): void {
    if (!states.includes(this.current)) throw new LibCephFSStateError(this.current);
  }

  private mountedPath(name: string, path: unknown): string {
    this.require('mounted');
    return checkPath(name, path);
  }

  /** A backend call, its failure given python-cephfs's message and the class of its errno. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof LibCephFSStateError || !(e instanceof MgrError)) throw e;
      // The backend's own detail (which name was missing, ...) stays on as the cause.
      const err = makeCephFsError(e.errno, what);
      err.cause = e;
      throw err;
    }
  }
}
