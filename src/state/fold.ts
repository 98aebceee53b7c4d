import { type Draft, produce } from 'immer';
import type { ClusterEvent, EventKind, JournaledEvent } from '../../schemas/event.ts';
import { MgrError } from '../errors.ts';
import type { ClusterState } from './cluster-state.ts';
import { deepFreeze } from './deep-freeze.ts';
import { sumInto } from './digest-sum.ts';
import type { Lanes } from './lane-hash.ts';
import { sharePgStats } from './pg-compact.ts';
import { REDUCERS } from './reducers/index.ts';
import type { Reducer } from './reducers/reducer.ts';

/** An event offered to the fold, with whatever the caller uses to find it again (a trace line, say). */
export interface FoldInput<R> {
  readonly event: ClusterEvent;
  readonly ref: R;
}

export interface FoldResult<R> {
  /** The next snapshot (the same object as the input state when nothing was accepted). */
  readonly state: ClusterState;
  /**
   * Accepted events in order, sequenced and on the stream clock: what the journal keeps, each with the digest sum
   * of the state it made (`digest-sum.ts`).
   */
  readonly accepted: Array<{ event: JournaledEvent; ref: R; sum: Lanes }>;
  readonly rejected: Array<{ error: MgrError; ref: R }>;
  /** How many accepted events had their time raised to keep the stream clock from running backwards. */
  readonly clockRaised: number;
  /** With `stopOnReject`, the index of the input that stopped the fold; inputs from there on were not folded. */
  readonly stoppedAt: number | null;
}

export interface FoldOptions {
  /** Stop at the first rejected event (what `--strict` does) instead of skipping it. */
  readonly stopOnReject?: boolean;
}

function asMgrError(e: unknown): MgrError {
  if (e instanceof MgrError) return e;
  return new MgrError('MGR_ERR_FOLD_INTERNAL', e instanceof Error ? e.message : String(e));
}

/**
 * Folds a batch of events into the next snapshot with a single `produce`. Each event gets the next seq and its
 * time raised to the stream clock if it is earlier; an event its reducer rejects leaves the state as it was and
 * the batch goes on (or stops, with `stopOnReject`).
 */
export function foldBatch<R>(
  state: ClusterState,
  inputs: ReadonlyArray<FoldInput<R>>,
  options: FoldOptions = {},
): FoldResult<R> {
  const accepted: Array<{ event: JournaledEvent; ref: R; sum: Lanes }> = [];
  const rejected: Array<{ error: MgrError; ref: R }> = [];
  let clockRaised = 0;
  let stoppedAt: number | null = null;
  // The reducers send each leaf they change to the running sum, which is read after each event.
  const sum = Uint32Array.from(state.digestSum);
  let next: ClusterState;
  sumInto(sum);
  try {
    next = produce(state, (draft: Draft<ClusterState>) => {
      for (let i = 0; i < inputs.length; i++) {
        const { event, ref } = inputs[i]!;
        const seq = draft.seq + 1;
        const t = Math.max(event.t, draft.stamp);
        const sequenced = { ...event, seq, t } as JournaledEvent;
        const s0 = sum[0]!;
        const s1 = sum[1]!;
        const s2 = sum[2]!;
        const s3 = sum[3]!;
        try {
          // Frozen before it enters the draft, an event's payload is not walked again when the snapshot is finalised.
          if (event.kind === 'pg_stats') sharePgStats(event.pg_stats);
          deepFreeze(event);
          (REDUCERS[event.kind] as Reducer<EventKind>)(draft, sequenced as never);
        } catch (e) {
          sum[0] = s0;
          sum[1] = s1;
          sum[2] = s2;
          sum[3] = s3;
          rejected.push({ error: asMgrError(e), ref });
          if (options.stopOnReject) {
            stoppedAt = i;
            break;
          }
          continue;
        }
        if (t !== event.t) clockRaised++;
        draft.seq = seq;
        draft.stamp = t;
        accepted.push({ event: sequenced, ref, sum: [sum[0]!, sum[1]!, sum[2]!, sum[3]!] });
      }
      if (accepted.length > 0) draft.digestSum = [sum[0]!, sum[1]!, sum[2]!, sum[3]!];
    });
  } finally {
    sumInto(null);
  }
  return { state: next, accepted, rejected, clockRaised, stoppedAt };
}
