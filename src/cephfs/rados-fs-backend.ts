import { constants as fsc } from 'node:fs';
import { constants } from 'node:os';
import type { FsMap } from '../../schemas/maps/fs-map.ts';
import type { Ioctx } from '../rados/ioctx.ts';
import type { Rados } from '../rados/rados.ts';
import { NoData as RadosNoData, ObjectNotFound as RadosNotFound } from '../rados/rados-errors.ts';
import type { BackendDirEntry, CephFsBackend, FsUsage, InodeAttrs } from './cephfs-backend.ts';
import { makeCephFsError } from './cephfs-errors.ts';
import {
  blockOid,
  blocksOf,
  type Dentry,
  DT_DIR,
  DT_REG,
  dentryKey,
  FIRST_INO,
  INODE_XATTR,
  INOTABLE,
  inodeOid,
  isDir,
  NAME_MAX,
  ROOT_INO,
  S_IFDIR,
  S_IFREG,
  USER_XATTR,
} from './fs-layout.ts';
import { CEPHFS_BLOCK } from './stat-result.ts';

const { ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EBADF, ENODATA, EINVAL, EBUSY, ENAMETOOLONG, EOPNOTSUPP } =
  constants.errno;
const {
  O_ACCMODE = 3,
  O_RDONLY,
  O_WRONLY,
  O_CREAT,
  O_EXCL,
  O_TRUNC,
  O_APPEND,
  O_DIRECTORY,
} = fsc as typeof fsc & {
  O_ACCMODE?: number;
};

/** The first file descriptor libcephfs hands out. */
const FIRST_FD = 10;
const XATTR_CREATE = 1;
const XATTR_REPLACE = 2;
/** The xattr namespaces CephFS accepts. */
const XATTR_NAMESPACES = ['user.', 'security.', 'trusted.', 'ceph.'];
const OMAP_PAGE = 1000;

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
  readonly meta: Ioctx;
  readonly data: Ioctx;
  /** The mount's root: its inode and its path from the file system's root. */
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
    const meta = await rados.open_ioctx(metaName);
    const data = await rados.open_ioctx(dataName);
    await this.binding.exclusive(async () => {
      if ((await this.attrsOf(meta, ROOT_INO)) === undefined) {
        await this.putAttrs(meta, this.newAttrs(ROOT_INO, S_IFDIR | 0o755));
      }
      const staged: Mounted = { fscid: fs.id, meta, data, rootIno: ROOT_INO };
      this.mounted = staged;
      try {
        const ino = await this.walk(components(root));
        if (!isDir(await this.attrs(ino))) throw fail(ENOTDIR, root);
        this.mounted = { ...staged, rootIno: ino };
      } catch (e) {
        this.mounted = null;
        throw e;
      }
    });
  }

  async unmount(): Promise<void> {
    this.files.clear();
    this.mounted?.meta.close();
    this.mounted?.data.close();
    this.mounted = null;
  }

  statfs(path: string): Promise<FsUsage> {
    return this.run(async (m) => {
      await this.walk(components(path));
      const table = await this.inotable();
      const { total, free } = this.binding.capacity();
      return { bytesTotal: total, bytesFree: free, files: table.files, fsid: m.fscid };
    });
  }

  mkdir(path: string, mode: number): Promise<void> {
    return this.run(async () => {
      const { parent, name } = parentAndName(path);
      if (name === undefined) throw fail(EEXIST, path);
      const dir = await this.dirAt(parent);
      if ((await this.lookup(dir, name)) !== undefined) throw fail(EEXIST, path);
      await this.create(dir, name, S_IFDIR | (mode & 0o7777));
    });
  }

  mkdirs(path: string, mode: number): Promise<void> {
    return this.run(async () => {
      let dir = this.root();
      for (const name of components(path)) {
        const attrs = await this.attrs(dir);
        if (!isDir(attrs)) throw fail(ENOTDIR, path);
        const found = await this.lookup(dir, name);
        dir = found?.ino ?? (await this.create(dir, name, S_IFDIR | (mode & 0o7777)));
      }
    });
  }

  rmdir(path: string): Promise<void> {
    return this.run(async () => {
      const { parent, name } = parentAndName(path);
      if (name === undefined) throw fail(EBUSY, path);
      const dir = await this.dirAt(parent);
      const entry = await this.lookup(dir, name);
      if (entry === undefined) throw fail(ENOENT, path);
      if (entry.type !== DT_DIR) throw fail(ENOTDIR, path);
      if ((await this.entries(entry.ino, 1)).length > 0) throw fail(ENOTEMPTY, path);
      await this.unlinkEntry(dir, name, entry);
    });
  }

  unlink(path: string): Promise<void> {
    return this.run(async () => {
      const { parent, name } = parentAndName(path);
      if (name === undefined) throw fail(EISDIR, path);
      const dir = await this.dirAt(parent);
      const entry = await this.lookup(dir, name);
      if (entry === undefined) throw fail(ENOENT, path);
      if (entry.type === DT_DIR) throw fail(EISDIR, path);
      await this.unlinkEntry(dir, name, entry);
    });
  }

  rename(src: string, dst: string): Promise<void> {
    return this.run(async () => {
      const from = parentAndName(src);
      const to = parentAndName(dst);
      if (from.name === undefined || to.name === undefined) throw fail(EBUSY, src);
      const srcDir = await this.dirAt(from.parent);
      const entry = await this.lookup(srcDir, from.name);
      if (entry === undefined) throw fail(ENOENT, src);
      const dstDir = await this.dirAt(to.parent);
      const fromParts = [...from.parent, from.name];
      const toParts = [...to.parent, to.name];
      if (entry.type === DT_DIR && toParts.length > fromParts.length && fromParts.every((c, i) => toParts[i] === c)) {
        throw fail(EINVAL, `${src} into itself`);
      }
      const old = await this.lookup(dstDir, to.name);
      if (old !== undefined) {
        if (old.ino === entry.ino) return;
        if (entry.type === DT_DIR && old.type !== DT_DIR) throw fail(ENOTDIR, dst);
        if (entry.type !== DT_DIR && old.type === DT_DIR) throw fail(EISDIR, dst);
        if (old.type === DT_DIR && (await this.entries(old.ino, 1)).length > 0) throw fail(ENOTEMPTY, dst);
        await this.unlinkEntry(dstDir, to.name, old);
      }
      const { meta } = this.mount_();
      await meta.set_omap(inodeOid(dstDir), [dentryKey(to.name)], [JSON.stringify(entry)]);
      await meta.remove_omap_keys(inodeOid(srcDir), [dentryKey(from.name)]);
      const now = this.binding.now();
      await this.putAttrs(meta, { ...(await this.attrs(entry.ino)), ctime: now });
      await this.touchDir(srcDir, now);
      if (dstDir !== srcDir) await this.touchDir(dstDir, now);
    });
  }

  open(path: string, flags: number, mode: number): Promise<number> {
    return this.run(async () => {
      const access = flags & O_ACCMODE;
      const { parent, name } = parentAndName(path);
      let ino: number;
      if (name === undefined) ino = this.root();
      else {
        const dir = await this.dirAt(parent);
        const entry = await this.lookup(dir, name);
        if (entry === undefined) {
          if ((flags & O_CREAT) === 0) throw fail(ENOENT, path);
          ino = await this.create(dir, name, S_IFREG | (mode & 0o7777));
        } else {
          if ((flags & O_CREAT) !== 0 && (flags & O_EXCL) !== 0) throw fail(EEXIST, path);
          ino = entry.ino;
        }
      }
      const attrs = await this.attrs(ino);
      if (isDir(attrs) && access !== O_RDONLY) throw fail(EISDIR, path);
      if (!isDir(attrs) && (flags & O_DIRECTORY) !== 0) throw fail(ENOTDIR, path);
      if (!isDir(attrs) && (flags & O_TRUNC) !== 0 && access !== O_RDONLY && attrs.size > 0) {
        await this.dropData(ino, attrs.size);
        const now = this.binding.now();
        await this.putAttrs(this.mount_().meta, { ...attrs, size: 0, mtime: now, ctime: now });
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
    return this.run(async () => {
      const file = this.file(fd);
      if (file.access === O_WRONLY) throw fail(EBADF, `fd ${fd} is not open for reading`);
      if (length < 0) throw fail(EINVAL, 'negative length');
      const attrs = await this.attrs(file.ino);
      if (isDir(attrs)) throw fail(EISDIR, `fd ${fd}`);
      const start = offset < 0 ? file.pos : offset;
      const end = Math.min(attrs.size, start + length);
      const out = Buffer.alloc(Math.max(0, end - start));
      const { data } = this.mount_();
      for (let at = start; at < end; ) {
        const block = Math.floor(at / CEPHFS_BLOCK);
        const inBlock = at - block * CEPHFS_BLOCK;
        const n = Math.min(end - at, CEPHFS_BLOCK - inBlock);
        const part = await data.read(blockOid(file.ino, block), n, inBlock).catch((e: unknown) => {
          if (e instanceof RadosNotFound) return Buffer.alloc(0);
          throw e;
        });
        part.copy(out, at - start);
        at += n;
      }
      if (offset < 0) file.pos = start + out.length;
      return out;
    });
  }

  write(fd: number, buf: Buffer, offset: number): Promise<number> {
    return this.run(async () => {
      const file = this.file(fd);
      if (file.access === O_RDONLY) throw fail(EBADF, `fd ${fd} is not open for writing`);
      const { meta, data } = this.mount_();
      const attrs = await this.attrs(file.ino);
      const start = file.append ? attrs.size : offset < 0 ? file.pos : offset;
      for (let done = 0; done < buf.length; ) {
        const at = start + done;
        const block = Math.floor(at / CEPHFS_BLOCK);
        const inBlock = at - block * CEPHFS_BLOCK;
        const n = Math.min(buf.length - done, CEPHFS_BLOCK - inBlock);
        await data.write(blockOid(file.ino, block), buf.subarray(done, done + n), inBlock);
        done += n;
      }
      const now = this.binding.now();
      await this.putAttrs(meta, { ...attrs, size: Math.max(attrs.size, start + buf.length), mtime: now, ctime: now });
      if (offset < 0 || file.append) file.pos = start + buf.length;
      return buf.length;
    });
  }

  readdir(path: string): Promise<BackendDirEntry[]> {
    return this.run(async () => {
      const parts = components(path);
      const ino = await this.walk(parts);
      if (!isDir(await this.attrs(ino))) throw fail(ENOTDIR, path);
      const up = parts.length === 0 ? ino : await this.walk(parts.slice(0, -1));
      const listed = await this.entries(ino, Number.POSITIVE_INFINITY);
      return [
        { name: '.', ino, type: DT_DIR },
        { name: '..', ino: up, type: DT_DIR },
        ...listed.map(([name, e]) => ({ name, ino: e.ino, type: e.type })),
      ];
    });
  }

  stat(path: string): Promise<InodeAttrs> {
    return this.run(async () => this.attrs(await this.walk(components(path))));
  }

  fstat(fd: number): Promise<InodeAttrs> {
    return this.run(async () => this.attrs(this.file(fd).ino));
  }

  setxattr(path: string, name: string, value: Buffer, flags: number): Promise<void> {
    return this.run(async () => {
      if (!XATTR_NAMESPACES.some((p) => name.startsWith(p))) throw fail(EOPNOTSUPP, name);
      const ino = await this.walk(components(path));
      const { meta } = this.mount_();
      const had = await this.xattr(ino, name);
      if ((flags & XATTR_CREATE) !== 0 && had !== undefined) throw fail(EEXIST, name);
      if ((flags & XATTR_REPLACE) !== 0 && had === undefined) throw fail(ENODATA, name);
      await meta.set_xattr(inodeOid(ino), `${USER_XATTR}${name}`, value);
      await this.putAttrs(meta, { ...(await this.attrs(ino)), ctime: this.binding.now() });
    });
  }

  getxattr(path: string, name: string): Promise<Buffer> {
    return this.run(async () => {
      const value = await this.xattr(await this.walk(components(path)), name);
      if (value === undefined) throw fail(ENODATA, name);
      return value;
    });
  }

  removexattr(path: string, name: string): Promise<void> {
    return this.run(async () => {
      const ino = await this.walk(components(path));
      if ((await this.xattr(ino, name)) === undefined) throw fail(ENODATA, name);
      await this.mount_().meta.rm_xattr(inodeOid(ino), `${USER_XATTR}${name}`);
    });
  }

  listxattr(path: string): Promise<string[]> {
    return this.run(async () => {
      const ino = await this.walk(components(path));
      const all = await this.mount_().meta.get_xattrs(inodeOid(ino));
      return [...all.keys()].filter((k) => k.startsWith(USER_XATTR)).map((k) => k.slice(USER_XATTR.length));
    });
  }

  // ---- inodes and directories ----

  private run<T>(fn: (m: Mounted) => Promise<T>): Promise<T> {
    return this.binding.exclusive(() => fn(this.mount_()));
  }

  private mount_(): Mounted {
    if (this.mounted === null) throw fail(ENOENT, 'not mounted');
    return this.mounted;
  }

  private root(): number {
    return this.mount_().rootIno;
  }

  private file(fd: number): OpenFile {
    const file = this.files.get(fd);
    if (file === undefined) throw fail(EBADF, `fd ${fd}`);
    return file;
  }

  /** The inode a path names, from the mount's root: ENOENT for a missing part, ENOTDIR for a file on the way. */
  private async walk(parts: readonly string[]): Promise<number> {
    let ino = this.root();
    for (const name of parts) {
      if (!isDir(await this.attrs(ino))) throw fail(ENOTDIR, name);
      const entry = await this.lookup(ino, name);
      if (entry === undefined) throw fail(ENOENT, name);
      ino = entry.ino;
    }
    return ino;
  }

  /** The directory a path names (ENOTDIR when it is a file). */
  private async dirAt(parts: readonly string[]): Promise<number> {
    const ino = await this.walk(parts);
    if (!isDir(await this.attrs(ino))) throw fail(ENOTDIR, parts.join('/'));
    return ino;
  }

  private async lookup(dir: number, name: string): Promise<Dentry | undefined> {
    const key = dentryKey(name);
    // The exact key sorts first among those it prefixes.
    const found = await this.mount_().meta.get_omap_vals(inodeOid(dir), '', key, 1);
    const value = found.get(key);
    return value === undefined ? undefined : (JSON.parse(value.toString()) as Dentry);
  }

  /** Up to `max` entries of a directory, as `[name, dentry]` in key order. */
  private async entries(dir: number, max: number): Promise<Array<[string, Dentry]>> {
    const { meta } = this.mount_();
    const out: Array<[string, Dentry]> = [];
    let after = '';
    for (;;) {
      const page = await meta.get_omap_vals(inodeOid(dir), after, '', Math.min(OMAP_PAGE, max - out.length));
      for (const [key, value] of page) {
        if (key.endsWith('_head')) out.push([key.slice(0, -'_head'.length), JSON.parse(value.toString()) as Dentry]);
        after = key;
      }
      if (page.size < OMAP_PAGE || out.length >= max) return out;
    }
  }

  private async attrsOf(meta: Ioctx, ino: number): Promise<InodeAttrs | undefined> {
    try {
      return JSON.parse((await meta.get_xattr(inodeOid(ino), INODE_XATTR)).toString()) as InodeAttrs;
    } catch (e) {
      if (e instanceof RadosNotFound || e instanceof RadosNoData) return undefined;
      throw e;
    }
  }

  private async attrs(ino: number): Promise<InodeAttrs> {
    const a = await this.attrsOf(this.mount_().meta, ino);
    if (a === undefined) throw fail(ENOENT, `inode ${ino.toString(16)}`);
    return a;
  }

  private async putAttrs(meta: Ioctx, a: InodeAttrs): Promise<void> {
    await meta.set_xattr(inodeOid(a.ino), INODE_XATTR, JSON.stringify(a));
  }

  private async xattr(ino: number, name: string): Promise<Buffer | undefined> {
    await this.attrs(ino);
    try {
      return await this.mount_().meta.get_xattr(inodeOid(ino), `${USER_XATTR}${name}`);
    } catch (e) {
      if (e instanceof RadosNoData) return undefined;
      throw e;
    }
  }

  private newAttrs(ino: number, mode: number): InodeAttrs {
    const now = this.binding.now();
    const dir = (mode & S_IFDIR) === S_IFDIR;
    return { ino, mode, nlink: dir ? 2 : 1, uid: 0, gid: 0, size: 0, atime: now, mtime: now, ctime: now };
  }

  private async inotable(): Promise<{ next: number; files: number }> {
    const vals = await this.mount_()
      .meta.get_omap_vals(INOTABLE)
      .catch((e: unknown) => {
        if (e instanceof RadosNotFound) return new Map<string, Buffer>();
        throw e;
      });
    return {
      next: Number(vals.get('next')?.toString() ?? FIRST_INO),
      files: Number(vals.get('files')?.toString() ?? 0),
    };
  }

  private async countFiles(delta: number, allocate: boolean): Promise<number> {
    const t = await this.inotable();
    const next = allocate ? t.next + 1 : t.next;
    await this.mount_().meta.set_omap(INOTABLE, ['next', 'files'], [String(next), String(t.files + delta)]);
    return t.next;
  }

  /** A new inode linked into `dir` as `name`: the inode first, then its entry, so that no entry names nothing. */
  private async create(dir: number, name: string, mode: number): Promise<number> {
    const { meta } = this.mount_();
    const ino = await this.countFiles(1, true);
    const attrs = this.newAttrs(ino, mode);
    await this.putAttrs(meta, attrs);
    const entry: Dentry = { ino, type: isDir(attrs) ? DT_DIR : DT_REG };
    await meta.set_omap(inodeOid(dir), [dentryKey(name)], [JSON.stringify(entry)]);
    await this.touchDir(dir, attrs.mtime);
    return ino;
  }

  /** Removes an entry and the inode it names, with its data: the entry first, then what it named. */
  private async unlinkEntry(dir: number, name: string, entry: Dentry): Promise<void> {
    const { meta } = this.mount_();
    const attrs = await this.attrsOf(meta, entry.ino);
    await meta.remove_omap_keys(inodeOid(dir), [dentryKey(name)]);
    if (attrs !== undefined && !isDir(attrs)) await this.dropData(entry.ino, attrs.size);
    await meta.remove_object(inodeOid(entry.ino)).catch((e: unknown) => {
      if (!(e instanceof RadosNotFound)) throw e;
    });
    await this.countFiles(-1, false);
    await this.touchDir(dir, this.binding.now());
  }

  private async dropData(ino: number, size: number): Promise<void> {
    const { data } = this.mount_();
    for (let b = 0; b < blocksOf(size); b++) {
      await data.remove_object(blockOid(ino, b)).catch((e: unknown) => {
        if (!(e instanceof RadosNotFound)) throw e;
      });
    }
  }

  private async touchDir(dir: number, now: number): Promise<void> {
    const { meta } = this.mount_();
    const attrs = await this.attrsOf(meta, dir);
    if (attrs !== undefined) await this.putAttrs(meta, { ...attrs, mtime: now, ctime: now });
  }
}
