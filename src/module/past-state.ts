import type { ClogEntry } from '../../schemas/daemon/index.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { ringItems } from '../state/ring.ts';
import { Accessors } from './accessors.ts';

/**
 * The cluster as it was after one event of the journal, read through the same accessors as the current state
 * (`get`, `get_metadata`, `get_osdmap`, ...), plus where it stands in the stream and its cluster log.
 *
 * @example
 * ```ts
 * const { first, last } = this.get_journal_range();
 * const then = this.get_at(Math.max(first, last - 100));
 * this.log.info({ seq: then.seq, epoch: then.get('osd_map')?.epoch }, 'a hundred events ago');
 * ```
 */
export class PastState extends Accessors {
  /** The seq of the last event folded into this state. */
  readonly seq: number;
  /** The stream time of that event, in ms since the Unix epoch. */
  readonly stamp: number;
  private readonly state: ClusterState;

  constructor(state: ClusterState) {
    super(() => state);
    this.state = state;
    this.seq = state.seq;
    this.stamp = state.stamp;
  }

  /** The newest `num` cluster log entries at this point, oldest first (the state keeps the last 500). */
  get_cluster_log(num = 50): readonly ClogEntry[] {
    return num <= 0 ? [] : ringItems(this.state.clog).slice(-num);
  }
}
