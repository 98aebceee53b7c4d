import type { ObjectStat, Placement, PoolDelta } from './object-store.ts';

type Awaitable<T> = T | Promise<T>;

/**
 * Where a module's RADOS objects live: the host's own object store (a recording, the simulated cluster), or a real
 * cluster's RADOS reached through the bridge. `undefined` means no such object (ENOENT); any other failure throws
 * a `RadosError`. The source picks the backend; a module never sees which.
 */
export interface ObjectBackend {
  stat(pool: number, oid: string): Awaitable<ObjectStat | undefined>;
  read(pool: number, oid: string, length: number, offset: number): Awaitable<Buffer | undefined>;
  write(pool: number, oid: string, data: Buffer, place: Placement, now: number): Promise<PoolDelta>;
  remove(pool: number, oid: string): Promise<PoolDelta | undefined>;
  xattr(pool: number, oid: string, name: string): Awaitable<Buffer | undefined>;
  xattrs(pool: number, oid: string): Awaitable<Map<string, Buffer>>;
  setAttrs(
    pool: number,
    oid: string,
    space: 'xattr' | 'omap',
    entries: ReadonlyArray<readonly [string, Buffer | null]>,
    now: number,
  ): Promise<PoolDelta>;
  removeAttrs(
    pool: number,
    oid: string,
    space: 'xattr' | 'omap',
    names: readonly string[],
    now: number,
  ): Promise<PoolDelta | undefined>;
  omap(pool: number, oid: string, startAfter: string, prefix: string, max: number): Awaitable<Map<string, Buffer>>;
  list(pool: number, after: string | null, limit: number): Awaitable<string[]>;
}
