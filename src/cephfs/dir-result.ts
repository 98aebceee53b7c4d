import { constants } from 'node:os';
import { makeCephFsError } from './cephfs-errors.ts';
import { DirEntry } from './dir-entry.ts';

/** What an open directory needs of the client that opened it. */
export interface DirOwner {
  /** Throws `LibCephFSStateError` unless the client is mounted. */
  requireMounted(): void;
}

/** A listing as the client hands it over: `.` and `..` first, then the entries. */
export type Listing = ReadonlyArray<{ readonly name: string; readonly ino: number; readonly type: number }>;

/**
 * An open directory, as python-cephfs's `DirResult` (from `opendir`): `readdir` gives its entries one at a time, then
 * null. The listing is taken when the directory is opened (libcephfs reads a directory in chunks; a change made
 * while it is open may or may not show, so do not rely on either).
 *
 * @example
 * ```ts
 * const dir = await this.cephfs.opendir('/volumes');
 * for (let e = await dir.readdir(); e !== null; e = await dir.readdir()) if (e.is_dir()) this.log.info(e.d_name);
 * await dir.close();
 * ```
 */
export class DirResult {
  private readonly owner: DirOwner;
  private readonly entries: Listing;
  private pos = 0;
  private open = true;

  /** @internal Made by `LibCephFS.opendir`. */
  constructor(owner: DirOwner, entries: Listing) {
    this.owner = owner;
    this.entries = entries;
  }

  /** The next entry, or null at the end. */
  async readdir(): Promise<DirEntry | null> {
    this.check();
    const e = this.entries[this.pos];
    if (e === undefined) return null;
    this.pos++;
    return new DirEntry(e.ino, this.pos, e.type, e.name);
  }

  /** Closes the directory; closing it again does nothing, as python-cephfs's. */
  async close(): Promise<void> {
    if (!this.open) return;
    this.owner.requireMounted();
    this.open = false;
  }

  /** Back to the first entry. */
  async rewinddir(): Promise<void> {
    this.check();
    this.pos = 0;
  }

  /** The current position, for `seekdir`. */
  async telldir(): Promise<number> {
    this.check();
    return this.pos;
  }

  async seekdir(offset: number): Promise<void> {
    this.check();
    if (!Number.isSafeInteger(offset)) throw new TypeError('offset must be an int');
    this.pos = Math.max(0, offset);
  }

  private check(): void {
    if (!this.open) throw makeCephFsError(constants.errno.EBADF, 'dir is not open');
    this.owner.requireMounted();
  }
}
