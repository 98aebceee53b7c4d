import { constants } from 'node:os';
import type { Ioctx } from '../rados/ioctx.ts';
import { NoData as RadosNoData, ObjectNotFound as RadosNotFound } from '../rados/rados-errors.ts';
import type { InodeAttrs } from './cephfs-backend.ts';
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
  ROOT_INO,
  S_IFDIR,
  USER_XATTR,
} from './fs-layout.ts';
import { CEPHFS_BLOCK } from './stat-result.ts';

const OMAP_PAGE = 1000;
const HEAD = '_head';

/** Resolves to undefined where RADOS answers that the object (or xattr) is not there. */
function absentAs<T>(p: Promise<T>, also: typeof RadosNoData | null = null): Promise<T | undefined> {
  return p.catch((e: unknown) => {
    if (e instanceof RadosNotFound || (also !== null && e instanceof also)) return undefined;
    throw e;
  });
}

/**
 * One file system's objects in its two pools, as `fs-layout.ts` lays them out: inodes and their attributes,
 * directory entries, extended attributes, the inode counter, file data by block. It knows objects, not paths or
 * POSIX rules; the caller holds the file system's lock around each call that changes more than one object.
 */
export class FsObjects {
  private readonly meta: Ioctx;
  private readonly data: Ioctx;
  private readonly now: () => number;

  constructor(meta: Ioctx, data: Ioctx, now: () => number) {
    this.meta = meta;
    this.data = data;
    this.now = now;
  }

  /** Creates the root directory if the file system has none yet, as the MDS does when it first starts. */
  async ensureRoot(): Promise<void> {
    if ((await this.attrsOf(ROOT_INO)) === undefined) await this.putAttrs(this.newAttrs(ROOT_INO, S_IFDIR | 0o755));
  }

  async attrsOf(ino: number): Promise<InodeAttrs | undefined> {
    const raw = await absentAs(this.meta.get_xattr(inodeOid(ino), INODE_XATTR), RadosNoData);
    return raw === undefined ? undefined : (JSON.parse(raw.toString()) as InodeAttrs);
  }

  /** An inode's attributes; ENOENT when it is gone. */
  async attrs(ino: number): Promise<InodeAttrs> {
    const a = await this.attrsOf(ino);
    if (a === undefined) throw makeCephFsError(constants.errno.ENOENT, `inode ${ino.toString(16)}`);
    return a;
  }

  async putAttrs(a: InodeAttrs): Promise<void> {
    await this.meta.set_xattr(inodeOid(a.ino), INODE_XATTR, JSON.stringify(a));
  }

  /** The entry `name` of directory `dir`. */
  async lookup(dir: number, name: string): Promise<Dentry | undefined> {
    const key = dentryKey(name);
    // The exact key sorts first among those it prefixes.
    const found = await this.meta.get_omap_vals(inodeOid(dir), '', key, 1);
    const value = found.get(key);
    return value === undefined ? undefined : (JSON.parse(value.toString()) as Dentry);
  }

  /** Up to `max` entries of a directory, as `[name, dentry]` in key order. */
  async entries(dir: number, max: number): Promise<Array<[string, Dentry]>> {
    const out: Array<[string, Dentry]> = [];
    let after = '';
    for (;;) {
      const page = await this.meta.get_omap_vals(inodeOid(dir), after, '', Math.min(OMAP_PAGE, max - out.length));
      for (const [key, value] of page) {
        if (key.endsWith(HEAD)) out.push([key.slice(0, -HEAD.length), JSON.parse(value.toString()) as Dentry]);
        after = key;
      }
      if (page.size < OMAP_PAGE || out.length >= max) return out;
    }
  }

  /** Points `name` in `dir` at `entry` (replacing what it named: the caller removes that first). */
  async link(dir: number, name: string, entry: Dentry): Promise<void> {
    await this.meta.set_omap(inodeOid(dir), [dentryKey(name)], [JSON.stringify(entry)]);
  }

  /** Drops `name` from `dir`, leaving what it named. */
  async unlinkName(dir: number, name: string): Promise<void> {
    await this.meta.remove_omap_keys(inodeOid(dir), [dentryKey(name)]);
  }

  /** A new inode linked into `dir` as `name`: the inode first, then its entry, so that no entry names nothing. */
  async create(dir: number, name: string, mode: number): Promise<number> {
    const ino = await this.countInodes(1, true);
    const attrs = this.newAttrs(ino, mode);
    await this.putAttrs(attrs);
    await this.link(dir, name, { ino, type: isDir(attrs) ? DT_DIR : DT_REG });
    await this.touch(dir, attrs.mtime);
    return ino;
  }

  /** Removes an entry and the inode it names, with its data: the entry first, then what it named. */
  async remove(dir: number, name: string, entry: Dentry): Promise<void> {
    const attrs = await this.attrsOf(entry.ino);
    await this.unlinkName(dir, name);
    if (attrs !== undefined && !isDir(attrs)) await this.dropData(entry.ino, attrs.size);
    await absentAs(this.meta.remove_object(inodeOid(entry.ino)));
    await this.countInodes(-1, false);
    await this.touch(dir, this.now());
  }

  /** Sets a directory's (or any inode's) mtime and ctime. */
  async touch(ino: number, now: number): Promise<void> {
    const attrs = await this.attrsOf(ino);
    if (attrs !== undefined) await this.putAttrs({ ...attrs, mtime: now, ctime: now });
  }

  /** Inodes in use, the root not counted. */
  async inodesInUse(): Promise<number> {
    return (await this.inotable()).files;
  }

  /** One extended attribute of an existing inode. */
  async xattr(ino: number, name: string): Promise<Buffer | undefined> {
    await this.attrs(ino);
    return absentAs(this.meta.get_xattr(inodeOid(ino), `${USER_XATTR}${name}`), RadosNoData);
  }

  async setXattr(ino: number, name: string, value: Buffer): Promise<void> {
    await this.meta.set_xattr(inodeOid(ino), `${USER_XATTR}${name}`, value);
  }

  async removeXattr(ino: number, name: string): Promise<void> {
    await this.meta.rm_xattr(inodeOid(ino), `${USER_XATTR}${name}`);
  }

  async xattrNames(ino: number): Promise<string[]> {
    const all = await this.meta.get_xattrs(inodeOid(ino));
    return [...all.keys()].filter((k) => k.startsWith(USER_XATTR)).map((k) => k.slice(USER_XATTR.length));
  }

  /** Bytes `[start, end)` of a file's data; a block never written reads as zeros. */
  async readData(ino: number, start: number, end: number): Promise<Buffer> {
    const out = Buffer.alloc(Math.max(0, end - start));
    for (let at = start; at < end; ) {
      const block = Math.floor(at / CEPHFS_BLOCK);
      const inBlock = at - block * CEPHFS_BLOCK;
      const n = Math.min(end - at, CEPHFS_BLOCK - inBlock);
      const part = await absentAs(this.data.read(blockOid(ino, block), n, inBlock));
      part?.copy(out, at - start);
      at += n;
    }
    return out;
  }

  /** Writes a file's data at `start`, block by block. */
  async writeData(ino: number, start: number, buf: Buffer): Promise<void> {
    for (let done = 0; done < buf.length; ) {
      const at = start + done;
      const block = Math.floor(at / CEPHFS_BLOCK);
      const inBlock = at - block * CEPHFS_BLOCK;
      const n = Math.min(buf.length - done, CEPHFS_BLOCK - inBlock);
      await this.data.write(blockOid(ino, block), buf.subarray(done, done + n), inBlock);
      done += n;
    }
  }

  /** Removes the data objects of a file of `size` bytes. */
  async dropData(ino: number, size: number): Promise<void> {
    for (let b = 0; b < blocksOf(size); b++) await absentAs(this.data.remove_object(blockOid(ino, b)));
  }

  close(): void {
    this.meta.close();
    this.data.close();
  }

  private newAttrs(ino: number, mode: number): InodeAttrs {
    const now = this.now();
    const dir = (mode & S_IFDIR) === S_IFDIR;
    return { ino, mode, nlink: dir ? 2 : 1, uid: 0, gid: 0, size: 0, atime: now, mtime: now, ctime: now };
  }

  private async inotable(): Promise<{ next: number; files: number }> {
    const vals = (await absentAs(this.meta.get_omap_vals(INOTABLE))) ?? new Map<string, Buffer>();
    return {
      next: Number(vals.get('next')?.toString() ?? FIRST_INO),
      files: Number(vals.get('files')?.toString() ?? 0),
    };
  }

  /** Counts inodes in or out; when allocating, hands out the next inode number. */
  private async countInodes(delta: number, allocate: boolean): Promise<number> {
    const t = await this.inotable();
    const next = allocate ? t.next + 1 : t.next;
    await this.meta.set_omap(INOTABLE, ['next', 'files'], [String(next), String(t.files + delta)]);
    return t.next;
  }
}
