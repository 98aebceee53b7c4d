import type { InodeAttrs } from './cephfs-backend.ts';

/**
 * A file's attributes, as python-cephfs's `StatResult` (from `stat`, `fstat`). The times are `Date`s to the second,
 * as python-cephfs's `datetime.fromtimestamp(tv_sec)`.
 */
export interface StatResult {
  /** libcephfs's `stx_dev`: the snapshot id of the head (`CEPH_NOSNAP`), 2^64 - 2, not exact as a JS number. */
  readonly st_dev: number;
  readonly st_ino: number;
  readonly st_mode: number;
  readonly st_nlink: number;
  readonly st_uid: number;
  readonly st_gid: number;
  readonly st_rdev: number;
  readonly st_size: number;
  readonly st_blksize: number;
  readonly st_blocks: number;
  readonly st_atime: Date;
  readonly st_mtime: Date;
  readonly st_ctime: Date;
}

/** CephFS's object size, which libcephfs reports as `st_blksize` and `f_bsize`. */
export const CEPHFS_BLOCK = 4 * 1024 * 1024;

const CEPH_NOSNAP_DEV = 2 ** 64 - 2;

const toSecond = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);

/** A backend's attributes as python-cephfs's `StatResult`. */
export function statResult(a: InodeAttrs): StatResult {
  return {
    st_dev: CEPH_NOSNAP_DEV,
    st_ino: a.ino,
    st_mode: a.mode,
    st_nlink: a.nlink,
    st_uid: a.uid,
    st_gid: a.gid,
    st_rdev: 0,
    st_size: a.size,
    st_blksize: CEPHFS_BLOCK,
    st_blocks: Math.ceil(a.size / 512),
    st_atime: toSecond(a.atime),
    st_mtime: toSecond(a.mtime),
    st_ctime: toSecond(a.ctime),
  };
}
