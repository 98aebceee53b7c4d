import type { JournaledEvent } from '../../schemas/event.ts';
import { MgrError } from '../errors.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { type FoldInput, type FoldOptions, type FoldResult, foldBatch } from '../state/fold.ts';
import type { Commit, SourceCursor, Store } from '../store/store.ts';
import { SnapshotPolicy } from './snapshot-policy.ts';

/** A commit the disk refused is tried again after this long, doubling up to the maximum. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

/** Where the engine shows each snapshot once it is durable: the module host, or whoever stands in for it. */
export interface Publisher {
  /** A snapshot and the events it added, in order, after they are committed. */
  publish(state: ClusterState, events: readonly JournaledEvent[]): void;
}

export interface EngineOptions {
  /**
   * A snapshot is stored once this many events have been journaled since the last one (and, for a large state, no
   * more often than keeps snapshots under a tenth of the ingest's time).
   */
  readonly snapshotEvery?: number;
  readonly publisher?: Publisher;
  /** Told of each snapshot stored, after it is committed. */
  readonly onSnapshot?: (state: ClusterState) => void;
  /**
   * A daemon's ingest: a commit the store refused (a full disk, an I/O error) is tried again until it goes through,
   * while nothing is published; until this signal aborts, when the failure is thrown. Without it the first failed
   * commit throws.
   */
  readonly retryCommitsUntil?: AbortSignal;
}

/** A batch folded against the engine's state, not yet committed: nothing of it is visible. */
export interface FoldedBatch<R> extends FoldResult<R> {
  /** The state it was folded from: a batch is committed only onto that state. */
  readonly base: ClusterState;
}

/** What goes into the same transaction as a batch's events. */
export interface CommitExtras {
  /** The source's cursor: the journal and how far the source was read move together, so no line applies twice. */
  readonly cursor?: { readonly key: string; readonly value: SourceCursor } | null;
  /** Per accepted event, the line it was parsed from: the journal keeps it rather than encode the event again. */
  readonly texts?: ReadonlyArray<string | undefined>;
}

/**
 * The one fold → commit → publish engine, behind every source, the host's own events and the group's replica.
 * A batch is folded into the next snapshot, committed to the journal (with a snapshot when due), and only then
 * published: durable before visible. Without a store (a host that keeps no journal) the commit is skipped.
 * Commits go one at a time, in order: a batch is committed only onto the state it was folded from, so the next batch
 * may be folded while one commit is in flight, and is committed after it.
 */
export class Engine {
  private readonly store: Store | null;
  private readonly opts: EngineOptions;
  private readonly policy: SnapshotPolicy;
  private current: ClusterState;

  constructor(store: Store | null, initial: ClusterState, options: EngineOptions = {}) {
    this.store = store;
    this.opts = options;
    this.current = initial;
    this.policy = new SnapshotPolicy(options.snapshotEvery ?? 500, initial.seq - (store?.lastSnapshotSeq() ?? 0));
  }

  /** The last published snapshot. */
  get state(): ClusterState {
    return this.current;
  }

  /**
   * Folds a batch against the current state, or against `after`, a batch folded before and not yet committed (its
   * commit still in flight: the next batch is folded meanwhile, and committed once that commit has gone through);
   * nothing is committed or published yet.
   */
  fold<R>(
    inputs: ReadonlyArray<FoldInput<R>>,
    options: FoldOptions = {},
    after?: FoldedBatch<unknown>,
  ): FoldedBatch<R> {
    const base = after?.state ?? this.current;
    return { ...foldBatch(base, inputs, options), base };
  }

  /**
   * Commits a folded batch (its accepted events, the extras, a snapshot when due), then publishes it if it changed
   * the state. Resolves with the milliseconds the commit took.
   */
  async commit<R>(batch: FoldedBatch<R>, extras: CommitExtras = {}): Promise<number> {
    if (batch.base !== this.current) {
      throw new MgrError('MGR_ERR_FOLD_INTERNAL', 'a batch was committed onto a state it was not folded from');
    }
    const events = batch.accepted.map((a) => a.event);
    this.policy.add(events.length);
    const due = this.store !== null && this.policy.due;
    const t0 = performance.now();
    await this.commitDurably({
      events,
      sums: batch.accepted.map((a) => a.sum),
      ...(extras.texts !== undefined ? { texts: extras.texts } : {}),
      ...(extras.cursor ? { cursor: extras.cursor } : {}),
      ...(due ? { snapshot: batch.state } : {}),
    });
    const commitMs = performance.now() - t0;
    if (due) this.policy.taken(commitMs);
    const changed = batch.state !== this.current;
    this.current = batch.state;
    if (due) this.opts.onSnapshot?.(batch.state);
    if (changed) this.opts.publisher?.publish(batch.state, events);
    return commitMs;
  }

  /** Folds, commits and publishes in one step; resolves with the fold's outcome. */
  async step<R>(inputs: ReadonlyArray<FoldInput<R>>, extras: CommitExtras = {}): Promise<FoldResult<R>> {
    const batch = this.fold(inputs);
    await this.commit(batch, extras);
    return batch;
  }

  /**
   * The end of a source: its cursor, with a snapshot of the current state unless the last batch stored one. Nothing
   * new is published.
   */
  async checkpoint(cursor: { readonly key: string; readonly value: SourceCursor }): Promise<void> {
    const due = this.store !== null && this.current.seq > this.store.lastSnapshotSeq();
    await this.commitDurably({ events: [], cursor, ...(due ? { snapshot: this.current } : {}) });
    if (due) this.policy.taken(0);
  }

  /**
   * Starts from a snapshot ahead of this state (a manager joining a group far behind its log): the snapshot is
   * stored, the journal goes on after it, and it is published with no events.
   */
  async adopt(snapshot: ClusterState): Promise<void> {
    await this.commitDurably({ events: [], snapshot });
    this.policy.taken(0);
    this.current = snapshot;
    this.opts.publisher?.publish(snapshot, []);
  }

  /** Commits, trying again while the store refuses the write and the daemon runs (see `retryCommitsUntil`). */
  private async commitDurably(c: Commit): Promise<void> {
    const store = this.store;
    if (store === null) return;
    const until = this.opts.retryCommitsUntil;
    for (let wait = RETRY_FIRST_MS; ; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      try {
        await store.commit(c);
        return;
      } catch (e) {
        const diskFailure =
          e instanceof MgrError && (e.code === 'MGR_ERR_STORE_NO_SPACE' || e.code === 'MGR_ERR_STORE_WRITE');
        if (until === undefined || until.aborted || !diskFailure) throw e;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, wait);
          function done(): void {
            clearTimeout(timer);
            until?.removeEventListener('abort', done);
            resolve();
          }
          until.addEventListener('abort', done);
        });
      }
    }
  }
}
