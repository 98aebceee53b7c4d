import { constants as fsc } from 'node:fs';
import { constants } from 'node:os';
import type { FsMap } from '../../schemas/maps/fs-map.ts';
import type { Rados } from '../rados/rados.ts';
import type { BackendDirEntry, CephFsBackend, FsUsage, InodeAttrs } from './cephfs-backend.ts';
import { makeCephFsError } from './cephfs-errors.ts';
import { DT_DIR, isDir, NAME_MAX, ROOT_INO, S_IFDIR, S_IFREG } from './fs-layout.ts';
import { FsObjects } from './fs-objects.ts';

const { ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EBADF, ENODATA, EINVAL, EBUSY, ENAMETOOLONG, EOPNOTSUPP } =
  constants.errno;
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY } = fsc;
/** The access mode bits of open's flags (Linux's; Node does not export it). */
const O_ACCMODE = 3;

/** The first file descriptor libcephfs hands out. */
const FIRST_FD = 10;
const XATTR_CREATE = 1;
const XATTR_REPLACE = 2;
/** The xattr namespaces CephFS accepts. */
const XATTR_NAMESPACES = ['user.', 'security.', 'trusted.', 'ceph.'];

/** What the backend needs of the host: the module's RADOS client, the file system map, and one lock. */
export interface RadosFsBinding {
  /** The module's `this.rados`. */
  rados(): Rados;
  /** The current file system map (undefined before the cluster sent one). */
  fsMap(): FsMap | undefined;
  /** Runs `fn` alone among every client's calls on the host's file systems (the MDS's serialisation). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** The cluster's raw capacity and free bytes, 0 when unknown. */
  capacity(): { readonly total: number; readonly free: number };
  /** The clock of inode times (ms since the Unix epoch). */
  now(): number;
}

interface Mounted {
  readonly fscid: number;
  readonly objects: FsObjects;
  /** The mount's root directory. */
  readonly rootIno: number;
}

interface OpenFile {
  readonly ino: number;
  readonly access: number;
  readonly append: boolean;
  pos: number;
}

const fail = (errno: number, detail: string) => makeCephFsError(errno, detail);

/** The path's components, `.` dropped and `..` taken back lexically (never above the mount's root). */
function components(path: string): string[] {
  const out: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else {
      if (Buffer.byteLength(c) > NAME_MAX) throw fail(ENAMETOOLONG, c);
      out.push(c);
    }
  }
  return out;
}

function parentAndName(path: string): { parent: string[]; name: string | undefined } {
  const parts = components(path);
  const name = parts.pop();
  return { parent: parts, name };
}

/**
 * A file system kept in RADOS objects through the module's own `this.rados`, in the pools the file system map
 * names (layout in `fs-layout.ts`): what a module's `this.cephfs` works on over a recording or the simulated
 * cluster, where no MDS runs. Every call runs alone among the host's clients (as the MDS serialises metadata
 * changes), so a directory tree changed by two modules at once stays whole.
 */
export class RadosFsBackend implements CephFsBackend {
  private readonly binding: RadosFsBinding;
  private mounted: Mounted | null = null;
  private readonly files = new Map<number, OpenFile>();

  constructor(binding: RadosFsBinding) {
    this.binding = binding;
  }

  async mount(filesystem: string | null, root: string): Promise<void> {
    const map = this.binding.fsMap();
    const all = map?.filesystems ?? [];
    const fs =
      filesystem !== null
        ? all.find((f) => f.mdsmap.fs_name === filesystem)
        : (all.find((f) => f.id === map?.default_fscid) ?? (all.length === 1 ? all[0] : undefined));
    if (fs === undefined) {
      const why =
        map === undefined
          ? 'the cluster has sent no file system map'
          : filesystem === null
            ? 'the file system map has no default file system'
            : `no file system named '${filesystem}'`;
      throw fail(ENOENT, why);
    }
    const rados = this.binding.rados();
    const pools = rados.binding.pools();
    const poolName = (id: number | undefined) => pools.find((p) => p.pool === id)?.pool_name;
    const metaName = poolName(fs.mdsmap.metadata_pool);
    const dataName = poolName(fs.mdsmap.data_pools[0]);
    if (metaName === undefined || dataName === undefined) throw fail(ENOENT, `the pools of '${fs.mdsmap.fs_name}'`);
    const objects = new FsObjects(await rados.open_ioctx(metaName), await rados.open_ioctx(dataName), () =>
      this.binding.now(),
    );
    await this.binding.exclusive(async () => {
      await objects.ensureRoot();
      this.mounted = { fscid: fs.id, objects, rootIno: ROOT_INO };
      try {
        const ino = await this.walk(components(root));
        if (!isDir(await objects.attrs(ino))) throw fail(ENOTDIR, root);
        this.mounted = { fscid: fs.id, objects, rootIno: ino };
      } catch (e) {
        this.mounted = null;
        objects.close();
        throw e;
      }
    });
  }

  async unmount(): Promise<void> {
    this.files.clear();
    this.mounted?.objects.close();
    this.mounted = null;
  }

  statfs(path: string): Promise<FsUsage> {
    return this.run(async (objs, m) => {
      await this.walk(components(path));
      const { total, free } = this.binding.capacity();
      return { bytesTotal: total, bytesFree: free, files: await objs.inodesInUse(), fsid: m.fscid };
    });
  }

  mkdir(path: string, mode: number): Promise<void> {
    return this.run(async (objs) => {
      const { parent, name } = parentAndName(path);
      if (name === undefined) throw fail(EEXIST, path);
      const dir = await this.dirAt(parent);
      if ((await objs.lookup(dir, name)) !== undefined) throw fail(EEXIST, path);
      await objs.create(dir, name, S_IFDIR | (mode & 0o7777));
    });
  }

  mkdirs(path: string, mode: number): Promise<void> {
    return this.run(async (objs, m) => {
      let dir = m.rootIno;
      for (const name of components(path)) {
        if (!isDir(await objs.attrs(dir))) throw fail(ENOTDIR, path);
        const found = await objs.lookup(dir, name);
        dir = found?.ino ?? (await objs.create(dir, name, S_IFDIR | (mode & 0o7777)));
      }
    });
  }

  rmdir(path: string): Promise<void> {
    return this.run(async (objs) => {
      const { parent, name } = parentAndName(path);
      if (name === undefined) throw fail(EBUSY, path);
      const dir = await this.dirAt(parent);
      const entry = await objs.lookup(dir, name);
      if (entry === undefined) throw fail(ENOENT, path);
      if (entry.type !== DT_DIR) throw fail(ENOTDIR, path);
      if ((await objs.entries(entry.ino, 1)).length > 0) throw fail(ENOTEMPTY, path);
      await objs.remove(dir, name, entry);
    });
  }

  unlink(path: string): Promise<void> {
    return this.run(async (objs) => {
      const { parent, name } = parentAndName(path);
      if (name === undefined) throw fail(EISDIR, path);
      const dir = await this.dirAt(parent);
      const entry = await objs.lookup(dir, name);
      if (entry === undefined) throw fail(ENOENT, path);
      if (entry.type === DT_DIR) throw fail(EISDIR, path);
      await objs.remove(dir, name, entry);
    });
  }

  rename(src: string, dst: string): Promise<void> {
    return this.run(async (objs) => {
      const from = parentAndName(src);
      const to = parentAndName(dst);
      if (from.name === undefined || to.name === undefined) throw fail(EBUSY, src);
      const srcDir = await this.dirAt(from.parent);
      const entry = await objs.lookup(srcDir, from.name);
      if (entry === undefined) throw fail(ENOENT, src);
      const dstDir = await this.dirAt(to.parent);
      const fromParts = [...from.parent, from.name];
      const toParts = [...to.parent, to.name];
      if (entry.type === DT_DIR && toParts.length > fromParts.length && fromParts.every((c, i) => toParts[i] === c)) {
        throw fail(EINVAL, `${src} into itself`);
      }
      const old = await objs.lookup(dstDir, to.name);
      if (old !== undefined) {
        if (old.ino === entry.ino) return;
        if (entry.type === DT_DIR && old.type !== DT_DIR) throw fail(ENOTDIR, dst);
        if (entry.type !== DT_DIR && old.type === DT_DIR) throw fail(EISDIR, dst);
        if (old.type === DT_DIR && (await objs.entries(old.ino, 1)).length > 0) throw fail(ENOTEMPTY, dst);
        await objs.remove(dstDir, to.name, old);
      }
      await objs.link(dstDir, to.name, entry);
      await objs.unlinkName(srcDir, from.name);
      const now = this.binding.now();
      await objs.putAttrs({ ...(await objs.attrs(entry.ino)), ctime: now });
      await objs.touch(srcDir, now);
      if (dstDir !== srcDir) await objs.touch(dstDir, now);
    });
  }

  open(path: string, flags: number, mode: number): Promise<number> {
    return this.run(async (objs, m) => {
      const access = flags & O_ACCMODE;
      const { parent, name } = parentAndName(path);
      let ino: number;
      if (name === undefined) ino = m.rootIno;
      else {
        const dir = await this.dirAt(parent);
        const entry = await objs.lookup(dir, name);
        if (entry === undefined) {
          if ((flags & O_CREAT) === 0) throw fail(ENOENT, path);
          ino = await objs.create(dir, name, S_IFREG | (mode & 0o7777));
        } else {
          if ((flags & O_CREAT) !== 0 && (flags & O_EXCL) !== 0) throw fail(EEXIST, path);
          ino = entry.ino;
        }
      }
      const attrs = await objs.attrs(ino);
      if (isDir(attrs) && access !== O_RDONLY) throw fail(EISDIR, path);
      if (!isDir(attrs) && (flags & O_DIRECTORY) !== 0) throw fail(ENOTDIR, path);
      if (!isDir(attrs) && (flags & O_TRUNC) !== 0 && access !== O_RDONLY && attrs.size > 0) {
        await objs.dropData(ino, attrs.size);
        const now = this.binding.now();
        await objs.putAttrs({ ...attrs, size: 0, mtime: now, ctime: now });
      }
      let fd = FIRST_FD;
      while (this.files.has(fd)) fd++;
      this.files.set(fd, { ino, access, append: (flags & O_APPEND) !== 0, pos: 0 });
      return fd;
    });
  }

  async close(fd: number): Promise<void> {
    this.mount_();
    if (!this.files.delete(fd)) throw fail(EBADF, `fd ${fd}`);
  }

  read(fd: number, offset: number, length: number): Promise<Buffer> {
    return this.run(async (objs) => {
      const file = this.file(fd);
      if (file.access === O_WRONLY) throw fail(EBADF, `fd ${fd} is not open for reading`);
      if (length < 0) throw fail(EINVAL, 'negative length');
      const attrs = await objs.attrs(file.ino);
      if (isDir(attrs)) throw fail(EISDIR, `fd ${fd}`);
      const start = offset < 0 ? file.pos : offset;
      const out = await objs.readData(file.ino, start, Math.min(attrs.size, start + length));
      if (offset < 0) file.pos = start + out.length;
      return out;
    });
  }

  write(fd: number, buf: Buffer, offset: number): Promise<number> {
    return this.run(async (objs) => {
      const file = this.file(fd);
      if (file.access === O_RDONLY) throw fail(EBADF, `fd ${fd} is not open for writing`);
      const attrs = await objs.attrs(file.ino);
      const start = file.append ? attrs.size : offset < 0 ? file.pos : offset;
      await objs.writeData(file.ino, start, buf);
      const now = this.binding.now();
      await objs.putAttrs({ ...attrs, size: Math.max(attrs.size, start + buf.length), mtime: now, ctime: now });
      if (offset < 0 || file.append) file.pos = start + buf.length;
      return buf.length;
    });
  }

  readdir(path: string): Promise<BackendDirEntry[]> {
    return this.run(async (objs) => {
      const parts = components(path);
      const ino = await this.walk(parts);
      if (!isDir(await objs.attrs(ino))) throw fail(ENOTDIR, path);
      const up = parts.length === 0 ? ino : await this.walk(parts.slice(0, -1));
      const listed = await objs.entries(ino, Number.POSITIVE_INFINITY);
      return [
        { name: '.', ino, type: DT_DIR },
        { name: '..', ino: up, type: DT_DIR },
        ...listed.map(([name, e]) => ({ name, ino: e.ino, type: e.type })),
      ];
    });
  }

  stat(path: string): Promise<InodeAttrs> {
    return this.run(async (objs) => objs.attrs(await this.walk(components(path))));
  }

  fstat(fd: number): Promise<InodeAttrs> {
    return this.run(async (objs) => objs.attrs(this.file(fd).ino));
  }

  setxattr(path: string, name: string, value: Buffer, flags: number): Promise<void> {
    return this.run(async (objs) => {
      if (!XATTR_NAMESPACES.some((p) => name.startsWith(p))) throw fail(EOPNOTSUPP, name);
      const ino = await this.walk(components(path));
      const had = await objs.xattr(ino, name);
      if ((flags & XATTR_CREATE) !== 0 && had !== undefined) throw fail(EEXIST, name);
      if ((flags & XATTR_REPLACE) !== 0 && had === undefined) throw fail(ENODATA, name);
      await objs.setXattr(ino, name, value);
      await objs.putAttrs({ ...(await objs.attrs(ino)), ctime: this.binding.now() });
    });
  }

  getxattr(path: string, name: string): Promise<Buffer> {
    return this.run(async (objs) => {
      const value = await objs.xattr(await this.walk(components(path)), name);
      if (value === undefined) throw fail(ENODATA, name);
      return value;
    });
  }

  removexattr(path: string, name: string): Promise<void> {
    return this.run(async (objs) => {
      const ino = await this.walk(components(path));
      if ((await objs.xattr(ino, name)) === undefined) throw fail(ENODATA, name);
      await objs.removeXattr(ino, name);
    });
  }

  listxattr(path: string): Promise<string[]> {
    return this.run(async (objs) => objs.xattrNames(await this.walk(components(path))));
  }

  // ---- paths ----

  private run<T>(fn: (objs: FsObjects, m: Mounted) => Promise<T>): Promise<T> {
    return this.binding.exclusive(() => {
      const m = this.mount_();
      return fn(m.objects, m);
    });
  }

  private mount_(): Mounted {
    if (this.mounted === null) throw fail(ENOENT, 'not mounted');
    return this.mounted;
  }

  private file(fd: number): OpenFile {
    const file = this.files.get(fd);
    if (file === undefined) throw fail(EBADF, `fd ${fd}`);
    return file;
  }

  /** The inode a path names, from the mount's root: ENOENT for a missing part, ENOTDIR for a file on the way. */
  private async walk(parts: readonly string[]): Promise<number> {
    const { objects, rootIno } = this.mount_();
    let ino = rootIno;
    for (const name of parts) {
      if (!isDir(await objects.attrs(ino))) throw fail(ENOTDIR, name);
      const entry = await objects.lookup(ino, name);
      if (entry === undefined) throw fail(ENOENT, name);
      ino = entry.ino;
    }
    return ino;
  }

  /** The directory a path names (ENOTDIR when it is a file). */
  private async dirAt(parts: readonly string[]): Promise<number> {
    const ino = await this.walk(parts);
    if (!isDir(await this.mount_().objects.attrs(ino))) throw fail(ENOTDIR, parts.join('/'));
    return ino;
  }
}
