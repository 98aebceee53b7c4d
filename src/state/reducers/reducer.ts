import type { Draft } from 'immer';
import type { EventKind, EventOf } from '../../../schemas/event.ts';
import type { ClusterState } from '../cluster-state.ts';

/** A sequenced event of one kind, as a reducer receives it (its `t` already on the stream clock). */
export type Sequenced<K extends EventKind> = EventOf<K> & { seq: number; t: number };

/**
 * Folds one event into the draft. A reducer checks everything that can fail before it writes, and throws an
 * `MgrError` to reject the event; the draft must then be as it was.
 */
export type Reducer<K extends EventKind> = (draft: Draft<ClusterState>, event: Sequenced<K>) => void;
