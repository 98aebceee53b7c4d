import type { InodeAttrs } from './cephfs-backend.ts';
import { CEPHFS_BLOCK } from './stat-result.ts';

/**
 * How a file system is laid out in RADOS objects, after CephFS's own naming: each inode is one object of the
 * metadata pool named `<ino hex>.00000000` (as CephFS names a directory's first fragment), its attributes in the
 * xattr {@link INODE_XATTR}, its extended attributes as xattrs under {@link USER_XATTR}, and, for a directory, its
 * entries in omap as `<name>_head` (CephFS's dentry keys) → `{ino, type}`. A file's data is in the data pool as
 * `<ino hex>.<block hex, 8 digits>` objects of 4 MiB, as CephFS stripes it; a block never written reads as zeros.
 * Inode numbers come from the counter object {@link INOTABLE}. Not CephFS's on-disk encoding: a real MDS cannot
 * read it, and it does not read a real MDS's.
 */
export const ROOT_INO = 1;
/** CephFS's first inode number for files and directories (`MDS_INO_SYSTEM_BASE` is below it). */
export const FIRST_INO = 0x10000000000;
/** The metadata pool's counter object: omap `next` (the next inode number) and `files` (inodes in use). */
export const INOTABLE = 'mgrkit.inotable';
export const INODE_XATTR = 'mgrkit.inode';
export const USER_XATTR = 'x.';

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const DT_DIR = 4;
export const DT_REG = 8;

/** The longest name a directory entry may have, in bytes (`NAME_MAX`). */
export const NAME_MAX = 255;

/** The metadata object of an inode. */
export const inodeOid = (ino: number): string => `${ino.toString(16)}.00000000`;

/** The data object holding block `block` of a file. */
export const blockOid = (ino: number, block: number): string =>
  `${ino.toString(16)}.${block.toString(16).padStart(8, '0')}`;

/** How many data objects a file of `size` bytes spans. */
export const blocksOf = (size: number): number => Math.ceil(size / CEPHFS_BLOCK);

/** A directory entry's omap key. */
export const dentryKey = (name: string): string => `${name}_head`;

export const isDir = (a: InodeAttrs): boolean => (a.mode & S_IFMT) === S_IFDIR;

/** A directory entry's omap value. */
export interface Dentry {
  readonly ino: number;
  readonly type: number;
}
