import { constants } from 'node:os';
import type { OsdPerfMetricQuery } from '../../schemas/daemon/index.ts';

/**
 * Which daemon a command goes to: `mon` (any), `osd` with its id, `mds` by name, `pg` by PG id, or `mgr`: the
 * cluster's manager (its modules' commands).
 */
export interface CommandTarget {
  readonly type: 'mon' | 'osd' | 'mds' | 'pg' | 'mgr';
  readonly id: string;
}

/** A cluster's answer to a command; `osdEpoch` is the OSD map epoch that shows its effect, if it changed one. */
export interface ClusterReply {
  readonly retval: number;
  readonly outb: string;
  readonly outs: string;
  readonly osdEpoch?: number;
}

/** What one client write did to a pool: the change in bytes stored and in objects, and the bytes it sent. */
export interface ClientIo {
  readonly pool: number;
  /** The object written: a cluster places it in a PG by its name. */
  readonly oid: string;
  readonly bytes: number;
  readonly objects: number;
  readonly written: number;
}

/** Where `send_command` and `mon_command` go: the cluster behind the source. */
export interface ClusterCommander {
  command(target: CommandTarget, cmd: Readonly<Record<string, unknown>>, inbuf: string): Promise<ClusterReply>;
  /**
   * Whether `mgr` commands go to a manager of the cluster's own (a real ceph-mgr); otherwise mgrkit is the cluster's
   * manager and serves them from its own command table.
   */
  readonly servesMgr?: boolean;
  /** A module's `this.rados` wrote to a pool: a live cluster counts it in that pool's stats from its next period. */
  clientIo?(io: ClientIo): void;
  /**
   * The manager's OSD perf queries changed (Ceph's `MMgrConfigure` to the OSDs): from their next report, the OSDs
   * send what they counted for each (`osd_perf_metric_reports`).
   */
  osdPerfQueries?(queries: readonly OsdPerfMetricQuery[]): void;
  /**
   * Objects the cluster has from its start that the host's object store is to hold too, omap only (a simulated
   * cluster's RBD directories): written where the object is missing, into pools the OSD map has by that name.
   */
  initialObjects?(): readonly InitialObject[];
}

/** An object a cluster has from its start: its pool's name, its name and its omap (values as binary strings). */
export interface InitialObject {
  readonly pool: string;
  readonly oid: string;
  readonly omap: Readonly<Record<string, Uint8Array>>;
}

/** The commander of a source that has no cluster behind it (a recorded trace): every command fails, saying why. */
export const NO_CLUSTER: ClusterCommander = {
  command: async () => ({
    retval: -constants.errno.EOPNOTSUPP,
    outb: '',
    outs: 'no cluster to send commands to: the source is a recording (run a live source, e.g. --source sim:osds=10)',
  }),
};
