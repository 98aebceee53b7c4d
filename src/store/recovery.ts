import { MgrError } from '../errors.ts';
import { type ClusterState, createEmptyState } from '../state/cluster-state.ts';
import { type FoldInput, foldBatch } from '../state/fold.ts';
import type { Store } from './store.ts';

const CHUNK = 1024;

/**
 * The state after the event `seq` (default: the last one): the newest snapshot at or before it, then the journal
 * events after the snapshot folded in. This is both recovery on open and reading any past point. `from`, a state
 * read earlier at or before `seq`, is folded forward instead when no snapshot is closer (no snapshot is decoded).
 */
export function stateAt(store: Store, seq?: number, from?: ClusterState): ClusterState {
  // A manager that joined a group from the log's snapshot holds that snapshot before any journal event of its own.
  const last = Math.max(store.lastSeq(), store.lastSnapshotSeq());
  const target = seq ?? last;
  const noState = () =>
    new MgrError('MGR_ERR_STORE_NO_STATE', `no state at seq ${target}: the store holds ${holds(store, last)}`);
  if (target > last || target < 0 || !Number.isInteger(target)) throw noState();
  const useFrom = from !== undefined && from.seq <= target && from.seq >= store.snapshotSeqAtOrBefore(target);
  let state = useFrom ? from : (store.snapshotAtOrBefore(target) ?? createEmptyState());
  let chunk: FoldInput<number>[] = [];
  const flush = (): void => {
    if (chunk.length === 0) return;
    const r = foldBatch(state, chunk);
    if (r.rejected.length > 0) {
      const bad = r.rejected[0]!;
      throw new MgrError('MGR_ERR_STORE_CORRUPT', `journal event ${bad.ref} no longer folds: ${bad.error.message}`);
    }
    state = r.state;
    chunk = [];
  };
  for (const event of store.events(state.seq, target)) {
    if (event.seq !== state.seq + chunk.length + 1) {
      throw new MgrError(
        'MGR_ERR_STORE_CORRUPT',
        `journal gap: expected seq ${state.seq + chunk.length + 1}, found ${event.seq}`,
      );
    }
    chunk.push({ event, ref: event.seq });
    if (chunk.length >= CHUNK) flush();
  }
  flush();
  if (state.seq !== target) throw noState();
  return state;
}

function holds(store: Store, last: number): string {
  if (last === 0) return 'no event';
  return store.firstSeq() === 1 ? `seqs 1..${last}` : `states up to seq ${last}, from a snapshot on`;
}
