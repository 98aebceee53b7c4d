/** An inode's attributes as a backend keeps them; times in ms since the Unix epoch. */
export interface InodeAttrs {
  readonly ino: number;
  /** File type and permission bits (`S_IFDIR | 0o755`, ...). */
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly atime: number;
  readonly mtime: number;
  readonly ctime: number;
}

/** One entry of a directory as a backend lists it. */
export interface BackendDirEntry {
  readonly name: string;
  readonly ino: number;
  /** `DT_DIR` (4) or `DT_REG` (8). */
  readonly type: number;
}

/** What `statfs` reports of the file system as a whole. */
export interface FsUsage {
  /** Raw bytes of the cluster, and bytes free (0 when unknown). */
  readonly bytesTotal: number;
  readonly bytesFree: number;
  /** Inodes in use. */
  readonly files: number;
  /** The file system's id (its fscid). */
  readonly fsid: number;
}

/**
 * The file system operations behind a module's `this.cephfs`: one backend per client, which the client calls only
 * while mounted, with paths already checked to be strings and numbers to be integers. A failed call rejects with
 * the `CephFsError` of its errno (`makeCephFsError(-ENOENT, ...)`); the client gives it python-cephfs's message.
 * Over the simulated or recorded cluster the backend keeps the file system in RADOS objects; on a real cluster it
 * is libcephfs behind the bridge. Paths are absolute within the mount (`/a/b`), or relative to its root.
 */
export interface CephFsBackend {
  /** Mounts the named file system (the default one when null) at `root`; ENOENT when there is no such one. */
  mount(filesystem: string | null, root: string): Promise<void>;
  /** Closes every open file; the backend may be mounted again. */
  unmount(): Promise<void>;
  statfs(path: string): Promise<FsUsage>;
  mkdir(path: string, mode: number): Promise<void>;
  /** Creates each missing directory of the path; success when it all exists (the last one a file too, as libcephfs). */
  mkdirs(path: string, mode: number): Promise<void>;
  rmdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rename(src: string, dst: string): Promise<void>;
  /** Opens (and with `O_CREAT` creates) a file: resolves to its file descriptor. */
  open(path: string, flags: number, mode: number): Promise<number>;
  close(fd: number): Promise<void>;
  /** Up to `length` bytes from `offset` (from the file's position when negative, which then moves on). */
  read(fd: number, offset: number, length: number): Promise<Buffer>;
  /** Writes at `offset` (at the file's position when negative); resolves to the bytes written. */
  write(fd: number, data: Buffer, offset: number): Promise<number>;
  /** The entries of a directory, `.` and `..` first, then the others in a stable order. */
  readdir(path: string): Promise<BackendDirEntry[]>;
  stat(path: string): Promise<InodeAttrs>;
  fstat(fd: number): Promise<InodeAttrs>;
  /** `flags`: 0, `XATTR_CREATE` (1: EEXIST if set) or `XATTR_REPLACE` (2: ENODATA if not). */
  setxattr(path: string, name: string, value: Buffer, flags: number): Promise<void>;
  getxattr(path: string, name: string): Promise<Buffer>;
  removexattr(path: string, name: string): Promise<void>;
  listxattr(path: string): Promise<string[]>;
}
