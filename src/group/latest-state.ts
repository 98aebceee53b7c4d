import type { ClusterState } from '../state/cluster-state.ts';
import { stateAt } from '../store/recovery.ts';
import type { Store } from '../store/store.ts';

/**
 * The state a manager of a group resumes from: the journal's, or a snapshot adopted from the log that is ahead of
 * the journal (a manager that joined far behind and has journaled nothing after it yet). `stateAt(store)` gives
 * the same; this name says what a group member wants of it.
 */
export function latestState(store: Store): ClusterState {
  return stateAt(store);
}
