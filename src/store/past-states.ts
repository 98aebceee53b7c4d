import type { ClusterState } from '../state/cluster-state.ts';
import { stateAt } from './recovery.ts';
import type { Store } from './store.ts';

/** How many past states are kept: a time slider goes back and forth over a few points. */
const DEFAULT_KEEP = 4;

/**
 * Past states read from a store, the last few kept (least recently read dropped first). A read folds forward from a
 * kept state when no snapshot is closer, so stepping a slider forward costs the events in between, not a snapshot.
 */
export class PastStates<T> {
  private readonly kept = new Map<number, { state: ClusterState; value: T }>();

  constructor(
    private readonly store: Store,
    /** What to hand out for a state (made once per kept state, so its memos last while it is kept). */
    private readonly wrap: (state: ClusterState) => T,
    /** The published snapshot: asked for its own seq, it is used as it is. */
    private readonly current: () => ClusterState,
    private readonly keep = DEFAULT_KEEP,
  ) {}

  /**
   * The seq of the journal's first event and that of the current snapshot's last (0 and 0 when empty): events
   * journaled but not yet published are left out, as modules never see them.
   */
  range(): { first: number; last: number } {
    return { first: this.store.firstSeq(), last: this.current().seq };
  }

  /** What `wrap` made of the state after event `seq`; throws `MGR_ERR_STORE_NO_STATE` outside the journal. */
  at(seq: number): T {
    const hit = this.kept.get(seq);
    if (hit !== undefined) {
      this.kept.delete(seq);
      this.kept.set(seq, hit);
      return hit.value;
    }
    const now = this.current();
    let state: ClusterState;
    if (now.seq === seq && seq > 0) state = now;
    else {
      let from: ClusterState | undefined;
      for (const k of this.kept.values())
        if (k.state.seq <= seq && (from === undefined || k.state.seq > from.seq)) from = k.state;
      state = stateAt(this.store, seq, from);
    }
    const value = this.wrap(state);
    this.kept.set(seq, { state, value });
    while (this.kept.size > this.keep) this.kept.delete(this.kept.keys().next().value!);
    return value;
  }
}
