import { randomUUID } from 'node:crypto';
import { MgrError } from '../errors.ts';
import { BRIDGE_CHUNK_BYTES, type BridgeLink } from '../sources/bridge-link.ts';
import type { BackendDirEntry, CephFsBackend, FsUsage, InodeAttrs } from './cephfs-backend.ts';
import { makeCephFsError } from './cephfs-errors.ts';

/**
 * A real cluster's CephFS through the bridge: each call is a `cephfs` request that the recorder serves with a
 * libcephfs mount made from the real ceph-mgr's RADOS client (one mount per backend, named by a client id that
 * lives as long as it), file data as base64 in pieces of 4 MiB. Errors come back with libcephfs's errno, raised
 * as python-cephfs's classes; a lost or late bridge as ENOTCONN / ETIMEDOUT.
 */
export class BridgeFsBackend implements CephFsBackend {
  readonly #link: BridgeLink;
  readonly #client: string;
  readonly #timeoutSeconds: () => number;
  #fscid = 0;

  constructor(link: BridgeLink, module: string, timeoutSeconds: () => number = () => 0) {
    this.#link = link;
    this.#client = `${module}/${randomUUID()}`;
    this.#timeoutSeconds = timeoutSeconds;
  }

  async mount(filesystem: string | null, root: string): Promise<void> {
    const r = (await this.#call('mount', { filesystem, root })) as { fscid: number };
    this.#fscid = r.fscid;
  }

  async unmount(): Promise<void> {
    await this.#call('unmount', {});
  }

  async statfs(path: string): Promise<FsUsage> {
    const r = (await this.#call('statfs', { path })) as Omit<FsUsage, 'fsid'>;
    return { ...r, fsid: this.#fscid };
  }

  async mkdir(path: string, mode: number): Promise<void> {
    await this.#call('mkdir', { path, mode });
  }

  async mkdirs(path: string, mode: number): Promise<void> {
    await this.#call('mkdirs', { path, mode });
  }

  async rmdir(path: string): Promise<void> {
    await this.#call('rmdir', { path });
  }

  async unlink(path: string): Promise<void> {
    await this.#call('unlink', { path });
  }

  async rename(src: string, dst: string): Promise<void> {
    await this.#call('rename', { path: src, dst });
  }

  async open(path: string, flags: number, mode: number): Promise<number> {
    return (await this.#call('open', { path, flags, mode })) as number;
  }

  async close(fd: number): Promise<void> {
    await this.#call('close', { fd });
  }

  async read(fd: number, offset: number, length: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let left = length;
    let at = offset;
    do {
      const want = Math.min(left, BRIDGE_CHUNK_BYTES);
      const piece = Buffer.from((await this.#call('read', { fd, offset: at, length: want })) as string, 'base64');
      parts.push(piece);
      left -= piece.length;
      if (at >= 0) at += piece.length;
      if (piece.length < want) break;
    } while (left > 0);
    return Buffer.concat(parts);
  }

  async write(fd: number, data: Buffer, offset: number): Promise<number> {
    let written = 0;
    for (let i = 0; i === 0 || i < data.length; i += BRIDGE_CHUNK_BYTES) {
      const piece = data.subarray(i, i + BRIDGE_CHUNK_BYTES);
      const at = offset < 0 ? offset : offset + i;
      written += (await this.#call('write', { fd, data: piece.toString('base64'), offset: at })) as number;
    }
    return written;
  }

  async readdir(path: string): Promise<BackendDirEntry[]> {
    return (await this.#call('readdir', { path })) as BackendDirEntry[];
  }

  async stat(path: string): Promise<InodeAttrs> {
    return (await this.#call('stat', { path })) as InodeAttrs;
  }

  async fstat(fd: number): Promise<InodeAttrs> {
    return (await this.#call('fstat', { fd })) as InodeAttrs;
  }

  async setxattr(path: string, name: string, value: Buffer, flags: number): Promise<void> {
    await this.#call('setxattr', { path, name, value: value.toString('base64'), flags });
  }

  async getxattr(path: string, name: string): Promise<Buffer> {
    return Buffer.from((await this.#call('getxattr', { path, name })) as string, 'base64');
  }

  async removexattr(path: string, name: string): Promise<void> {
    await this.#call('removexattr', { path, name });
  }

  async listxattr(path: string): Promise<string[]> {
    return (await this.#call('listxattr', { path })) as string[];
  }

  async #call(call: string, args: Record<string, unknown>): Promise<unknown> {
    let a: Awaited<ReturnType<BridgeLink['call']>>;
    try {
      a = await this.#link.call('cephfs', { call, client: this.#client, ...args }, this.#timeoutSeconds() * 1000);
    } catch (e) {
      if (e instanceof MgrError) throw makeCephFsError(e.errno, e.message);
      throw e;
    }
    if (a.r < 0) throw makeCephFsError(-a.r, a.outs);
    return a.outb === '' ? null : (JSON.parse(a.outb) as unknown);
  }
}
