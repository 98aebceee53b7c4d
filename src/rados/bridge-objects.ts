import { constants } from 'node:os';
import { MgrError } from '../errors.ts';
import { BRIDGE_CHUNK_BYTES, type BridgeAnswer, type BridgeLink } from '../sources/bridge-link.ts';
import type { ObjectBackend } from './object-backend.ts';
import type { ObjectStat, Placement, PoolDelta } from './object-store.ts';
import { makeRadosError } from './rados-errors.ts';

const { ENOENT } = constants.errno;
const NO_CHANGE: PoolDelta = { bytes: 0, objects: 0, written: 0 };

type Reply = { found: false } | { found: true; value: unknown };

/**
 * A real cluster's RADOS, reached through the bridge: each call is a `rados` request the recorder serves with the
 * real ceph-mgr's python-rados client (`open_ioctx2(pool)`), object data as base64 in pieces of
 * {@link BRIDGE_CHUNK_BYTES}. ENOENT comes back as `undefined`, as from the host's own store; any other errno as
 * the `RadosError` python-rados would raise. The pool's stats are the cluster's own, so writes report no delta.
 */
export class BridgeObjects implements ObjectBackend {
  readonly #link: BridgeLink;
  readonly #timeoutSeconds: () => number;

  constructor(link: BridgeLink, timeoutSeconds: () => number = () => 0) {
    this.#link = link;
    this.#timeoutSeconds = timeoutSeconds;
  }

  async stat(pool: number, oid: string): Promise<ObjectStat | undefined> {
    const r = await this.#call('stat', { pool, oid });
    return r.found ? (r.value as ObjectStat) : undefined;
  }

  async read(pool: number, oid: string, length: number, offset: number): Promise<Buffer | undefined> {
    const parts: Buffer[] = [];
    let at = offset;
    let left = length;
    for (;;) {
      const want = Math.min(left, BRIDGE_CHUNK_BYTES);
      const r = await this.#call('read', { pool, oid, length: want, offset: at });
      if (!r.found) return undefined;
      const piece = Buffer.from(r.value as string, 'base64');
      parts.push(piece);
      at += piece.length;
      left -= piece.length;
      if (piece.length < want || left <= 0) return Buffer.concat(parts);
    }
  }

  async write(pool: number, oid: string, data: Buffer, place: Placement, _now: number): Promise<PoolDelta> {
    // The first piece places the data as asked; the rest follow it at their offsets.
    let offset = 0;
    if (place.at === 'end') {
      const st = await this.stat(pool, oid);
      offset = st?.size ?? 0;
    } else if (place.at === 'offset') offset = place.offset;
    for (let i = 0; i === 0 || i < data.length; i += BRIDGE_CHUNK_BYTES) {
      const piece = data.subarray(i, i + BRIDGE_CHUNK_BYTES).toString('base64');
      const how = i === 0 && place.at === 'full' ? 'write_full' : 'write';
      this.#written(await this.#call(how, { pool, oid, data: piece, offset: offset + i }), pool, oid);
    }
    return { ...NO_CHANGE, written: data.length };
  }

  async remove(pool: number, oid: string): Promise<PoolDelta | undefined> {
    const r = await this.#call('remove', { pool, oid });
    return r.found ? NO_CHANGE : undefined;
  }

  async xattr(pool: number, oid: string, name: string): Promise<Buffer | undefined> {
    const r = await this.#call('get_xattr', { pool, oid, name });
    return r.found && r.value !== null ? Buffer.from(r.value as string, 'base64') : undefined;
  }

  async xattrs(pool: number, oid: string): Promise<Map<string, Buffer>> {
    return this.#pairs(await this.#call('get_xattrs', { pool, oid }));
  }

  async setAttrs(
    pool: number,
    oid: string,
    space: 'xattr' | 'omap',
    entries: ReadonlyArray<readonly [string, Buffer | null]>,
    _now: number,
  ): Promise<PoolDelta> {
    const set = entries.filter(([, v]) => v !== null).map(([k, v]) => [k, v!.toString('base64')]);
    const gone = entries.filter(([, v]) => v === null).map(([k]) => k);
    if (set.length > 0 || gone.length === 0)
      this.#written(await this.#call(`set_${space}`, { pool, oid, entries: set }), pool, oid);
    if (gone.length > 0) await this.#call(`rm_${space}`, { pool, oid, names: gone });
    return NO_CHANGE;
  }

  async removeAttrs(
    pool: number,
    oid: string,
    space: 'xattr' | 'omap',
    names: readonly string[],
    _now: number,
  ): Promise<PoolDelta | undefined> {
    const r = await this.#call(`rm_${space}`, { pool, oid, names: [...names] });
    return r.found ? NO_CHANGE : undefined;
  }

  async omap(pool: number, oid: string, startAfter: string, prefix: string, max: number): Promise<Map<string, Buffer>> {
    const limit = Number.isFinite(max) ? max : -1;
    return this.#pairs(await this.#call('get_omap_vals', { pool, oid, start_after: startAfter, prefix, max: limit }));
  }

  async list(pool: number, after: string | null, limit: number): Promise<string[]> {
    const r = await this.#call('list', { pool, after, limit });
    return r.found ? (r.value as string[]) : [];
  }

  /** A write creates its object: ENOENT can only mean the pool is gone. */
  #written(r: Reply, pool: number, oid: string): void {
    if (!r.found) throw makeRadosError(-ENOENT, `cannot write ${oid}: pool ${pool} no longer exists`);
  }

  #pairs(r: Reply): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    if (!r.found) return out;
    for (const [k, v] of r.value as Array<[string, string]>) out.set(k, Buffer.from(v, 'base64'));
    return out;
  }

  async #call(call: string, args: Record<string, unknown>): Promise<Reply> {
    let a: BridgeAnswer;
    try {
      a = await this.#link.call('rados', { call, ...args }, this.#timeoutSeconds() * 1000);
    } catch (e) {
      if (e instanceof MgrError) throw makeRadosError(-e.errno, e.message);
      throw e;
    }
    if (a.r === -ENOENT) return { found: false };
    if (a.r < 0) throw makeRadosError(a.r, a.outs);
    return { found: true, value: a.outb === '' ? null : (JSON.parse(a.outb) as unknown) };
  }
}
