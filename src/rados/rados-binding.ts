import type { ClientIo, ClusterReply } from '../cluster/cluster-commander.ts';
import type { MonitorLink } from './monitor-wait.ts';
import type { ObjectBackend } from './object-backend.ts';

/** One pool of the current OSD map, as a RADOS client sees it. */
export interface RadosPool {
  readonly pool: number;
  readonly pool_name: string;
}

/**
 * What a RADOS client needs of the host it runs in: the object store, the pools of the current OSD map, the monitor
 * connection, and the ways to the cluster's and the manager's commands. The host builds one per module.
 */
export interface RadosBinding {
  /** Where the objects are: the host's object store (first rid of pools the OSD map no longer has), or the cluster's. */
  objects(): ObjectBackend;
  /** Drops the objects of pools gone from the OSD map; resolves once that is committed. */
  sweep(): Promise<void>;
  /** The pools of the current OSD map (none before the first map). */
  pools(): readonly RadosPool[];
  readonly monitors: MonitorLink;
  /** A mon command to the cluster behind the source; a change to the OSD map is readable when it resolves. */
  monCommand(cmd: Record<string, unknown>, inbuf: string): Promise<ClusterReply>;
  /** A command to this manager's own command table, as the manager's own entity. */
  mgrCommand(cmd: Record<string, unknown>, inbuf: string): Promise<[number, string, string]>;
  /** Tells a live cluster what a write did to a pool, so that its stats show it; a recording has no use for it. */
  clientIo(io: ClientIo): void;
  /** A setting in force for this manager (`rados_osd_op_timeout`, ...). */
  option(name: string): string | undefined;
  /** The clock objects' mtimes come from (ms since the Unix epoch). */
  now(): number;
}

/** Options every RADOS call takes. */
export interface CallOptions {
  /**
   * Seconds to wait for the monitors while the manager has no connection to them, then fail with `TimedOut`; `0`
   * waits without limit. Default: Ceph's `rados_osd_op_timeout` for object calls, `rados_mon_op_timeout` for pool
   * and command calls, as set for this manager (both `0` unless set).
   */
  readonly timeout?: number;
}
