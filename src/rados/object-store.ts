import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, type Key, open, type RootDatabase } from 'lmdb';

/** An object's size in bytes and when it last changed (ms since the Unix epoch). */
export interface ObjectStat {
  readonly size: number;
  readonly mtime: number;
}

/** What a write did to its pool: the change in bytes stored and in objects, and the bytes it sent. */
export interface PoolDelta {
  readonly bytes: number;
  readonly objects: number;
  readonly written: number;
}

/** Where a write puts its data: replacing the object, at an offset, or at its end. */
export type Placement =
  | { readonly at: 'full' }
  | { readonly at: 'offset'; readonly offset: number }
  | { readonly at: 'end' };

interface Head {
  readonly data: Buffer;
  readonly mtime: number;
}

/**
 * Key spaces under each pool id: an object's head (data and mtime), its xattrs, and its omap, so that an object's
 * xattrs or omap keys are one contiguous, ordered range (omap reads are range scans, as in Ceph).
 */
const HEAD = 'o';
const XATTR = 'x';
const OMAP = 'm';

const NO_CHANGE: PoolDelta = { bytes: 0, objects: 0, written: 0 };

/**
 * RADOS objects in LMDB: keys are `[pool, space, oid, name?]` with ordered encoding, so a pool is one key range
 * (dropping a pool is one range delete) and names list in byte order. Each write is one LMDB transaction, resolved
 * once durable: a read-modify-write of an object is atomic, and what was acknowledged survives a crash.
 */
export class ObjectStore {
  private readonly db: Database<unknown, Key>;
  private readonly owned: { readonly root: RootDatabase; readonly dir: string } | null;

  private constructor(db: Database<unknown, Key>, owned: ObjectStore['owned']) {
    this.db = db;
    this.owned = owned;
  }

  /** Objects kept in a database of the host's store (durable across restarts). */
  static in(db: Database<unknown, Key>): ObjectStore {
    return new ObjectStore(db, null);
  }

  /** Objects kept in a throwaway environment, removed on {@link close} (a host without a store). */
  static temporary(): ObjectStore {
    const dir = mkdtempSync(join(tmpdir(), 'mgrkit-rados-'));
    const root = open({ path: join(dir, 'rados.mdb'), maxDbs: 1, noSync: true });
    return new ObjectStore(root.openDB<unknown, Key>({ name: 'rados' }), { root, dir });
  }

  stat(pool: number, oid: string): ObjectStat | undefined {
    const head = this.head(pool, oid);
    return head && { size: head.data.length, mtime: head.mtime };
  }

  /** Up to `length` bytes from `offset` (fewer past the end), or undefined when there is no such object. */
  read(pool: number, oid: string, length: number, offset: number): Buffer | undefined {
    const head = this.head(pool, oid);
    return head && Buffer.from(head.data.subarray(offset, offset + length));
  }

  /** Writes `data`, creating the object if need be; a write past the end fills the gap with zeros, as Ceph's. */
  write(pool: number, oid: string, data: Buffer, place: Placement, now: number): Promise<PoolDelta> {
    return this.db.transaction(() => {
      const old = this.head(pool, oid);
      const before = old?.data ?? Buffer.alloc(0);
      let next: Buffer;
      if (place.at === 'full') next = data;
      else {
        const offset = place.at === 'end' ? before.length : place.offset;
        next = Buffer.alloc(Math.max(before.length, offset + data.length));
        before.copy(next);
        data.copy(next, offset);
      }
      this.db.put([pool, HEAD, oid], { data: next, mtime: now } satisfies Head);
      return { bytes: next.length - before.length, objects: old ? 0 : 1, written: data.length };
    });
  }

  /** Removes an object with its xattrs and omap; undefined when there was none. */
  remove(pool: number, oid: string): Promise<PoolDelta | undefined> {
    return this.db.transaction(() => {
      const old = this.head(pool, oid);
      if (old === undefined) return undefined;
      this.db.remove([pool, HEAD, oid]);
      for (const k of this.subKeys(pool, XATTR, oid)) this.db.remove([pool, XATTR, oid, k]);
      for (const k of this.subKeys(pool, OMAP, oid)) this.db.remove([pool, OMAP, oid, k]);
      return { bytes: -old.data.length, objects: -1, written: 0 };
    });
  }

  xattr(pool: number, oid: string, name: string): Buffer | undefined {
    const v = this.db.get([pool, XATTR, oid, name]) as Buffer | undefined;
    return v && Buffer.from(v);
  }

  xattrs(pool: number, oid: string): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const name of this.subKeys(pool, XATTR, oid)) out.set(name, this.xattr(pool, oid, name)!);
    return out;
  }

  /** Sets xattrs and omap values (null removes), creating the object if need be (as Ceph's setxattr and omap set do). */
  setAttrs(
    pool: number,
    oid: string,
    space: 'xattr' | 'omap',
    entries: ReadonlyArray<readonly [string, Buffer | null]>,
    now: number,
  ): Promise<PoolDelta> {
    const s = space === 'xattr' ? XATTR : OMAP;
    return this.db.transaction(() => {
      const created = this.touch(pool, oid, now);
      for (const [k, v] of entries) {
        if (v === null) this.db.remove([pool, s, oid, k]);
        else this.db.put([pool, s, oid, k], v);
      }
      return { ...NO_CHANGE, objects: created ? 1 : 0 };
    });
  }

  /**
   * Creates an object with an omap, at once (readable on return), unless it exists: an object the cluster had before
   * this store (a simulated cluster's RBD directory). Whether it was created.
   */
  seedOmap(pool: number, oid: string, entries: ReadonlyArray<readonly [string, Buffer]>, now: number): boolean {
    return this.db.transactionSync(() => {
      if (this.head(pool, oid) !== undefined) return false;
      this.touch(pool, oid, now);
      for (const [k, v] of entries) this.db.put([pool, OMAP, oid, k], v);
      return true;
    });
  }

  /** Removes xattrs or omap keys of an existing object; undefined when there is no such object (ENOENT in Ceph). */
  removeAttrs(
    pool: number,
    oid: string,
    space: 'xattr' | 'omap',
    names: readonly string[],
    now: number,
  ): Promise<PoolDelta | undefined> {
    const s = space === 'xattr' ? XATTR : OMAP;
    return this.db.transaction(() => {
      if (this.head(pool, oid) === undefined) return undefined;
      this.touch(pool, oid, now);
      for (const k of names) this.db.remove([pool, s, oid, k]);
      return NO_CHANGE;
    });
  }

  /**
   * Omap entries in key order, as Ceph's `omap_get_vals`: those after `startAfter` (or from `prefix` when it sorts
   * later) whose key starts with `prefix`, at most `max`.
   */
  omap(pool: number, oid: string, startAfter: string, prefix: string, max: number): Map<string, Buffer> {
    return this.entries(pool, OMAP, oid, startAfter, prefix, max);
  }

  /** Up to `limit` object names of a pool in key order, after `after` (from the start when null). */
  list(pool: number, after: string | null, limit: number): string[] {
    const out: string[] = [];
    for (const key of this.db.getKeys({ start: [pool, HEAD, after ?? ''] })) {
      const [p, s, oid] = key as [number, string, string];
      if (p !== pool || s !== HEAD) break;
      if (oid === after) continue;
      out.push(oid);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The ids of the pools that hold anything, found by skipping from one pool's range to the next. */
  pools(): number[] {
    const out: number[] = [];
    let from: Key | undefined;
    for (;;) {
      let next: number | undefined;
      for (const key of this.db.getKeys({ ...(from === undefined ? {} : { start: from }), limit: 1 })) {
        next = (key as [number])[0];
      }
      if (next === undefined) return out;
      out.push(next);
      from = [next + 1];
    }
  }

  /** Removes everything a pool held (its objects are gone once the pool is, as in Ceph). */
  dropPool(pool: number): Promise<void> {
    return this.db.transaction(() => {
      for (const key of this.db.getKeys({ start: [pool], end: [pool + 1] })) this.db.remove(key);
    });
  }

  /** Closes a throwaway environment and removes its files; the host's store is closed by its owner. */
  async close(): Promise<void> {
    if (this.owned === null) return;
    await this.owned.root.close();
    rmSync(this.owned.dir, { recursive: true, force: true });
  }

  private head(pool: number, oid: string): Head | undefined {
    return this.db.get([pool, HEAD, oid]) as Head | undefined;
  }

  /** Creates an empty object if there is none, else updates its mtime; true when it created one. */
  private touch(pool: number, oid: string, now: number): boolean {
    const old = this.head(pool, oid);
    this.db.put([pool, HEAD, oid], { data: old?.data ?? Buffer.alloc(0), mtime: now } satisfies Head);
    return old === undefined;
  }

  private *subKeys(pool: number, space: string, oid: string): Generator<string> {
    for (const key of this.db.getKeys({ start: [pool, space, oid] })) {
      const [p, s, o, k] = key as [number, string, string, string | undefined];
      if (p !== pool || s !== space || o !== oid) return;
      if (k !== undefined) yield k;
    }
  }

  private entries(
    pool: number,
    space: string,
    oid: string,
    startAfter: string,
    prefix: string,
    max: number,
  ): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    if (max <= 0) return out;
    const fromPrefix = Buffer.compare(Buffer.from(prefix), Buffer.from(startAfter)) > 0;
    const start = fromPrefix ? prefix : startAfter;
    for (const { key, value } of this.db.getRange({ start: [pool, space, oid, start] })) {
      const [p, s, o, k] = key as [number, string, string, string];
      if (p !== pool || s !== space || o !== oid || !k.startsWith(prefix)) break;
      if (!fromPrefix && k === startAfter) continue;
      out.set(k, Buffer.from(value as Buffer));
      if (out.size >= max) break;
    }
    return out;
  }
}
