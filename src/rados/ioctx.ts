import type { ObjectBackend } from './object-backend.ts';
import type { PoolDelta } from './object-store.ts';
import type { CallOptions, RadosBinding } from './rados-binding.ts';
import { InvalidArgumentError, IoctxStateError, NoData, ObjectNotFound } from './rados-errors.ts';

/** What an object write takes: bytes, or a string (written as UTF-8). */
export type RadosData = Buffer | Uint8Array | string;

/** One object of `list_objects()`, as python-rados's `rados.Object`: its name, namespace and locator key. */
export interface RadosObject {
  readonly key: string;
  readonly nspace: string;
  readonly locator_key: string;
}

/** What an I/O context needs of the client that opened it. */
export interface IoctxClient {
  readonly binding: RadosBinding;
  /** Waits for the monitors (or fails with `TimedOut` / `RadosStateError`, its message built from `what`). */
  ready(what: string, options: CallOptions | undefined, setting: string): Promise<void>;
}

/** python-rados's default read length. */
const READ_LENGTH = 8192;
/** Object names fetched from the store at a time while listing. */
const LIST_PAGE = 256;

function toBuffer(data: RadosData): Buffer {
  // A copy: the caller may reuse its array while the write waits for its transaction.
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}

function checkCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError(`${name} must be a non-negative integer, not ${n}`);
}

/** python's `%r` of a string, which python-rados's messages use. */
const repr = (s: string): string => `'${s}'`;

/**
 * An I/O context on one pool, as python-rados's `rados.Ioctx`: objects with their data, xattrs and omap. Every call
 * is async and takes `{timeout}` (seconds; see {@link CallOptions}); a call on a pool the OSD map no longer has, or
 * on a missing object, fails with `ObjectNotFound` (ENOENT), as librados does. Objects live in the host's store and
 * survive restarts; in a live simulated cluster each write also shows in the pool's stats.
 *
 * @example
 * ```ts
 * const ioctx = await this.rados.open_ioctx('rbd');
 * await ioctx.write_full('greeting', 'hello');
 * const text = (await ioctx.read('greeting')).toString(); // 'hello'
 * ioctx.close();
 * ```
 */
export class Ioctx {
  /** The pool's name. */
  readonly name: string;
  private readonly poolId: number;
  private readonly client: IoctxClient;
  private state: 'open' | 'closed' = 'open';

  /** @internal Made by `Rados.open_ioctx`. */
  constructor(client: IoctxClient, poolId: number, name: string) {
    this.client = client;
    this.poolId = poolId;
    this.name = name;
  }

  get_pool_id(): number {
    return this.poolId;
  }

  get_pool_name(): string {
    return this.name;
  }

  /** Writes the whole object, replacing its data (its xattrs and omap stay), creating it if need be. */
  async write_full(oid: string, data: RadosData, options?: CallOptions): Promise<void> {
    const buf = toBuffer(data);
    await this.mutate(`Ioctx.write_full(${this.name}): failed to write ${oid}`, oid, options, (s, now) =>
      s.write(this.poolId, oid, buf, { at: 'full' }, now),
    );
  }

  /** Writes at `offset`, creating the object if need be; a gap before `offset` reads as zeros. */
  async write(oid: string, data: RadosData, offset = 0, options?: CallOptions): Promise<void> {
    checkCount('offset', offset);
    const buf = toBuffer(data);
    await this.mutate(`Ioctx.write(${this.name}): failed to write ${oid}`, oid, options, (s, now) =>
      s.write(this.poolId, oid, buf, { at: 'offset', offset }, now),
    );
  }

  /** Appends to the object, creating it if need be. */
  async append(oid: string, data: RadosData, options?: CallOptions): Promise<void> {
    const buf = toBuffer(data);
    await this.mutate(`Ioctx.append(${this.name}): failed to append ${oid}`, oid, options, (s, now) =>
      s.write(this.poolId, oid, buf, { at: 'end' }, now),
    );
  }

  /** Up to `length` bytes from `offset` (python-rados's defaults: 8192 from 0); fewer, or none, past the end. */
  async read(oid: string, length = READ_LENGTH, offset = 0, options?: CallOptions): Promise<Buffer> {
    checkCount('length', length);
    checkCount('offset', offset);
    const what = `Ioctx.read(${this.name}): failed to read ${oid}`;
    await this.ready(what, options);
    const data = await this.client.binding.objects().read(this.poolId, oid, length, offset);
    if (data === undefined) throw new ObjectNotFound(what);
    return data;
  }

  /**
   * `[size, mtime]`. python-rados gives `time.localtime(mtime)`, a local `struct_time` to the second; here `mtime` is
   * a `Date` of the same instant (the host's clock at the object's last write), to the second as librados's `time_t`.
   */
  async stat(oid: string, options?: CallOptions): Promise<[number, Date]> {
    const what = `Failed to stat ${repr(oid)}`;
    await this.ready(what, options);
    const st = await this.client.binding.objects().stat(this.poolId, oid);
    if (st === undefined) throw new ObjectNotFound(what);
    return [st.size, new Date(Math.floor(st.mtime / 1000) * 1000)];
  }

  /** Removes the object with its xattrs and omap; resolves true, as python-rados returns `True`. */
  async remove_object(oid: string, options?: CallOptions): Promise<boolean> {
    await this.mutate(`Failed to remove '${oid}'`, oid, options, (s) => s.remove(this.poolId, oid));
    return true;
  }

  /**
   * The pool's objects, in name order (Ceph lists in hash order: do not rely on either), read a page at a time.
   *
   * @example
   * ```ts
   * for await (const obj of ioctx.list_objects()) this.log.info(obj.key);
   * ```
   */
  async *list_objects(options?: CallOptions): AsyncGenerator<RadosObject, void, undefined> {
    const what = `error iterating over the objects in ioctx '${this.name}'`;
    let after: string | null = null;
    for (;;) {
      await this.ready(what, options);
      const page = await this.client.binding.objects().list(this.poolId, after, LIST_PAGE);
      for (const key of page) yield { key, nspace: '', locator_key: '' };
      if (page.length < LIST_PAGE) return;
      after = page[page.length - 1]!;
    }
  }

  /** One xattr's value; `NoData` (ENODATA) when the object has no such xattr. */
  async get_xattr(oid: string, name: string, options?: CallOptions): Promise<Buffer> {
    const what = `Failed to get xattr ${repr(name)}`;
    await this.ready(what, options);
    const store = this.client.binding.objects();
    if ((await store.stat(this.poolId, oid)) === undefined) throw new ObjectNotFound(what);
    const value = await store.xattr(this.poolId, oid, name);
    if (value === undefined) throw new NoData(what);
    return value;
  }

  /** Every xattr as name → value; iterating the map gives `[name, value]` pairs, as python-rados's iterator does. */
  async get_xattrs(oid: string, options?: CallOptions): Promise<Map<string, Buffer>> {
    const what = `Failed to get rados xattrs for object ${repr(oid)}`;
    await this.ready(what, options);
    const store = this.client.binding.objects();
    if ((await store.stat(this.poolId, oid)) === undefined) throw new ObjectNotFound(what);
    return store.xattrs(this.poolId, oid);
  }

  /** Sets an xattr, creating the object if need be; resolves true. */
  async set_xattr(oid: string, name: string, value: RadosData, options?: CallOptions): Promise<boolean> {
    const buf = toBuffer(value);
    await this.mutate(`Failed to set xattr ${repr(name)}`, oid, options, (s, now) =>
      s.setAttrs(this.poolId, oid, 'xattr', [[name, buf]], now),
    );
    return true;
  }

  /** Removes an xattr (a missing one is no error, as in Ceph; a missing object is); resolves true. */
  async rm_xattr(oid: string, name: string, options?: CallOptions): Promise<boolean> {
    await this.mutate(`Failed to delete key ${repr(oid)} xattr ${repr(name)}`, oid, options, (s, now) =>
      s.removeAttrs(this.poolId, oid, 'xattr', [name], now),
    );
    return true;
  }

  /**
   * Sets omap keys to values (python-rados's `set_omap` on a write op, then `operate_write_op`), creating the object
   * if need be. `keys` and `values` pair up by position.
   */
  async set_omap(
    oid: string,
    keys: readonly string[],
    values: readonly RadosData[],
    options?: CallOptions,
  ): Promise<void> {
    if (keys.length !== values.length) {
      throw new InvalidArgumentError(`set_omap: ${keys.length} keys but ${values.length} values`);
    }
    const entries = keys.map((k, i) => [k, toBuffer(values[i]!)] as const);
    await this.mutate(`Failed to operate write op for oid ${oid}`, oid, options, (s, now) =>
      s.setAttrs(this.poolId, oid, 'omap', entries, now),
    );
  }

  /**
   * Omap entries in key order as key → value: those after `start_after` whose key starts with `filter_prefix`, at
   * most `max_return` (no limit when omitted). python-rados returns an iterator of `(key, value)` and a return
   * code from a read op; iterating this map gives the same pairs.
   *
   * @example
   * ```ts
   * const page = await ioctx.get_omap_vals('index', '', 'user.', 100);
   * for (const [key, value] of page) this.log.info({ key, value: value.toString() });
   * ```
   */
  async get_omap_vals(
    oid: string,
    start_after = '',
    filter_prefix = '',
    max_return = Number.POSITIVE_INFINITY,
    options?: CallOptions,
  ): Promise<Map<string, Buffer>> {
    const what = `Failed to operate read op for oid ${oid}`;
    await this.ready(what, options);
    const store = this.client.binding.objects();
    if ((await store.stat(this.poolId, oid)) === undefined) throw new ObjectNotFound(what);
    return store.omap(this.poolId, oid, start_after, filter_prefix, max_return);
  }

  /** Removes omap keys (missing keys are no error; a missing object is). */
  async remove_omap_keys(oid: string, keys: readonly string[], options?: CallOptions): Promise<void> {
    await this.mutate(`Failed to operate write op for oid ${oid}`, oid, options, (s, now) =>
      s.removeAttrs(this.poolId, oid, 'omap', keys, now),
    );
  }

  /** Closes the context: later calls fail with `IoctxStateError`. */
  close(): void {
    this.state = 'closed';
  }

  /** Open, monitors reachable, and the pool still in the OSD map (librados answers ENOENT for a deleted pool). */
  private async ready(what: string, options: CallOptions | undefined): Promise<void> {
    if (this.state !== 'open') throw new IoctxStateError(`The pool is ${this.state}`);
    await this.client.ready(what, options, 'rados_osd_op_timeout');
    if (this.state !== 'open') throw new IoctxStateError(`The pool is ${this.state}`);
    if (!this.client.binding.pools().some((p) => p.pool === this.poolId)) {
      throw new ObjectNotFound(`${what}: pool '${this.name}' no longer exists`);
    }
  }

  /** A write: undefined from the store means no such object; what it changed goes to the cluster's stats. */
  private async mutate(
    what: string,
    oid: string,
    options: CallOptions | undefined,
    run: (store: ObjectBackend, now: number) => Promise<PoolDelta | undefined>,
  ): Promise<void> {
    await this.ready(what, options);
    const { binding } = this.client;
    const delta = await run(binding.objects(), binding.now());
    if (delta === undefined) throw new ObjectNotFound(what);
    binding.clientIo({ pool: this.poolId, oid, ...delta });
  }
}
