/**
 * One entry of a directory, as python-cephfs's `DirEntry` (from `readdir`): `d_name` is the entry's name (python
 * gives bytes; here it is the UTF-8 text), `d_type` its kind (`DT_DIR`, `DT_REG`, `DT_LNK`), `d_ino` its inode.
 */
export class DirEntry {
  static readonly DT_DIR = 0x4;
  static readonly DT_REG = 0x8;
  static readonly DT_LNK = 0xa;
  readonly d_ino: number;
  /** The entry's position in the listing (opaque, as libcephfs's). */
  readonly d_off: number;
  readonly d_reclen: number;
  readonly d_type: number;
  readonly d_name: string;
  /** `CEPH_NOSNAP` (-2): the head, not a snapshot. */
  readonly d_snapid: number;

  /** @internal Made by `DirResult.readdir`. */
  constructor(d_ino: number, d_off: number, d_type: number, d_name: string) {
    this.d_ino = d_ino;
    this.d_off = d_off;
    this.d_reclen = 1;
    this.d_type = d_type;
    this.d_name = d_name;
    this.d_snapid = -2;
  }

  is_dir(): boolean {
    return this.d_type === DirEntry.DT_DIR;
  }

  is_file(): boolean {
    return this.d_type === DirEntry.DT_REG;
  }

  is_symbol_file(): boolean {
    return this.d_type === DirEntry.DT_LNK;
  }
}
