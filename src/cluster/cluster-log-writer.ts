import type { ClogEntry } from '../../schemas/daemon/index.ts';
import type { MgrMap } from '../../schemas/maps/index.ts';
import { MgrError } from '../errors.ts';
import { type ClusterLogPriority, clogPriority } from '../log/cluster-log.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { ringItems } from '../state/ring.ts';
import { cephStamp } from './ceph-time.ts';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Writes this manager's own cluster log entries (`cluster_log`), shaped as Ceph's LogClient sends them: the
 * entity name `mgr.<id>`, the instance `mgr.<gid>`, and a sequence number of the sender's own.
 */
export class ClusterLogWriter {
  private readonly name: string;
  private seq: number | null = null;

  constructor(mgrId: string) {
    this.name = `mgr.${mgrId}`;
  }

  /** A new entry, stamped `t` (stream time, ms); the channel and priority are checked here, where the module calls. */
  entry(state: ClusterState, t: number, channel: string, priority: ClusterLogPriority, message: string): ClogEntry {
    if (typeof channel !== 'string' || !/^\S+$/.test(channel)) {
      throw new MgrError('MGR_ERR_CLUSTER_LOG_ARGS', `a cluster log channel is a word, got ${JSON.stringify(channel)}`);
    }
    if (typeof message !== 'string') {
      throw new MgrError('MGR_ERR_CLUSTER_LOG_ARGS', `a cluster log message is a string, got ${typeof message}`);
    }
    const prio = clogPriority(priority);
    // A restarted host goes on from its own last entry, as a daemon's LogClient does.
    this.seq ??= Math.max(
      0,
      ...ringItems(state.clog)
        .filter((e) => e.name === this.name)
        .map((e) => e.seq),
    );
    const addrs = this.activeAddrs(state);
    return {
      name: this.name,
      rank: this.rank(state),
      stamp: cephStamp(t),
      seq: ++this.seq,
      channel,
      priority: prio,
      message,
      ...(addrs ? { addrs } : {}),
    };
  }

  /**
   * `mgr.<gid>`: from the mgr map when the stream has one; else from the monitors' audit entries, which name this
   * manager's instance when it sent them commands (`from='mgr.4143 ...' entity='mgr.x'`); else unknown, as Ceph
   * prints an instance it does not know.
   */
  private rank(state: ClusterState): string {
    const map = state.maps.mgr_map?.map as MgrMap | undefined;
    const id = this.name.slice('mgr.'.length);
    if (map?.active_name === id) return `mgr.${map.active_gid}`;
    const standby = map?.standbys.find((s) => s.name === id);
    if (standby !== undefined) return `mgr.${standby.gid}`;
    const audit = new RegExp(`^from='mgr\\.(\\d+) [^']*' entity='${escapeRegExp(this.name)}'`);
    const clog = ringItems(state.clog);
    for (let i = clog.length - 1; i >= 0; i--) {
      const m = audit.exec(clog[i]!.message);
      if (m !== null) return `mgr.${m[1]}`;
    }
    return 'mgr.?';
  }

  private activeAddrs(state: ClusterState): ClogEntry['addrs'] {
    const map = state.maps.mgr_map?.map as MgrMap | undefined;
    return map?.active_name === this.name.slice('mgr.'.length) ? map.active_addrs : undefined;
  }
}
