import type { Logger } from 'pino';
import type { ClusterEvent, JournaledEvent } from '../../schemas/event.ts';
import { MgrError } from '../errors.ts';
import { Engine, type Publisher } from '../ingest/engine.ts';
import { formatRejection } from '../ingest/rejection.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import type { FoldInput } from '../state/fold.ts';
import type { Store } from '../store/store.ts';
import type { JetStreamLog, LogEntry } from './jetstream-log.ts';
import type { LogCursor } from './log-message.ts';

/**
 * How long an append is sent again while the servers fail over: a killed server's stream and meta leaders are
 * elected again in seconds, more on a loaded machine (5 s was seen to be too short).
 */
const APPEND_RETRY_MS = 30_000;
/** How long buffered messages wait for more before they are folded anyway. */
const IDLE_FLUSH_MS = 100;

export interface LogReplicaOptions {
  /** Shown each snapshot, with the events it added, after they are committed. */
  readonly publisher?: Publisher;
  readonly snapshotEvery?: number;
  /** Most messages folded in one step while following. */
  readonly maxBatch?: number;
  readonly logger?: Logger;
  /** Told of each snapshot this copy stores, after it is committed. */
  readonly onSnapshot?: (state: ClusterState) => void;
}

/** What an append did: the events the stream took (sequenced), and those the fold refused, with why. */
export interface AppendResult<R> {
  readonly accepted: Array<{ event: JournaledEvent; ref: R }>;
  readonly rejected: Array<{ error: MgrError; ref: R }>;
}

/**
 * One manager's copy of the event log: its own LMDB journal and snapshots, folded from the JetStream stream in
 * order, through the same engine as any source. Following and appending take turns, so the state is always the fold
 * of the stream's first `state.seq` events. An append folds first (only valid events reach the stream), is taken by
 * the stream, and only then is committed and published here: an event is never visible before the log has it.
 */
export class LogReplica {
  private readonly store: Store;
  private readonly log: JetStreamLog;
  private readonly opts: LogReplicaOptions;
  private readonly engine: Engine;
  private turn: Promise<unknown> = Promise.resolve();
  private buffer: LogEntry[] = [];
  private waiters: Array<{ seq: number; resolve: () => void }> = [];

  constructor(store: Store, log: JetStreamLog, initial: ClusterState, options: LogReplicaOptions = {}) {
    this.store = store;
    this.log = log;
    this.opts = options;
    this.engine = new Engine(store, initial, {
      ...(options.snapshotEvery !== undefined ? { snapshotEvery: options.snapshotEvery } : {}),
      ...(options.onSnapshot ? { onSnapshot: options.onSnapshot } : {}),
      publisher: { publish: (state, events) => this.published(state, events) },
    });
  }

  get state(): ClusterState {
    return this.engine.state;
  }

  /** Resolves once this copy has folded event `seq` (at once if it has). */
  reached(seq: number): Promise<void> {
    if (this.engine.state.seq >= seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /**
   * Starts this copy from a snapshot of the log ahead of it (a manager joining far behind), before following: the
   * snapshot is stored, and the journal goes on after it.
   */
  async adopt(snapshot: ClusterState): Promise<void> {
    await this.exclusive(async () => {
      if (snapshot.seq <= this.engine.state.seq) return;
      await this.engine.adopt(snapshot);
    });
  }

  /** Folds the stream from after `state.seq` as it grows, until `signal` aborts. */
  async follow(signal: AbortSignal): Promise<void> {
    const max = this.opts.maxBatch ?? 2048;
    let idle: NodeJS.Timeout | undefined;
    try {
      await this.log.follow(
        this.engine.state.seq,
        async (entry) => {
          this.buffer.push(entry);
          clearTimeout(idle);
          if (entry.pending === 0 || this.buffer.length >= max) {
            await this.exclusive(() => this.flush());
            return;
          }
          // A consumer made again after a server's loss may count messages still pending that it never delivers:
          // what is buffered is folded when nothing more comes for a moment.
          idle = setTimeout(() => {
            this.exclusive(() => this.flush()).catch((e) =>
              this.opts.logger?.error({ err: e }, 'folding the event log failed'),
            );
          }, IDLE_FLUSH_MS);
        },
        signal,
        { onRestart: (why, next) => this.opts.logger?.info({ why, next }, 'event log consumer made again') },
      );
    } finally {
      clearTimeout(idle);
    }
  }

  /**
   * Folds events of this manager's (or of its source) at the head of the log, appends the accepted ones to the
   * stream, then commits and publishes them. Rejects with `MGR_ERR_LOG_CONFLICT` when another writer appended first
   * and `MGR_ERR_LOG_APPEND` when the servers stay unreachable; nothing is committed then.
   */
  append<R>(inputs: ReadonlyArray<FoldInput<R>>, cursor: LogCursor | null = null): Promise<AppendResult<R>> {
    return this.exclusive(async () => {
      const folded = this.engine.fold(inputs);
      const events = folded.accepted.map((a) => a.event);
      if (events.length > 0) {
        await this.appendSame(events, cursor);
        await this.engine.commit(folded, { cursor });
      } else if (cursor !== null) {
        await this.store.commit({ events: [], cursor });
      }
      return { accepted: folded.accepted, rejected: folded.rejected };
    });
  }

  /** Sends the same events again while the servers fail over (a server lost, a leader elected): never refolds. */
  private async appendSame(events: readonly JournaledEvent[], cursor: LogCursor | null): Promise<void> {
    const deadline = Date.now() + APPEND_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.log.append(events, cursor);
        return;
      } catch (e) {
        if (!(e instanceof MgrError) || e.code !== 'MGR_ERR_LOG_APPEND' || Date.now() >= deadline) throw e;
        this.opts.logger?.warn({ err: e, attempt }, 'event log append failed; sending again');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /**
   * Appends with retries: when another writer got there first, waits until this copy has folded the stream's
   * head, then folds and appends again.
   */
  async appendAtHead<R>(
    inputs: ReadonlyArray<FoldInput<R>>,
    cursor: LogCursor | null = null,
  ): Promise<AppendResult<R>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.append(inputs, cursor);
      } catch (e) {
        if (!(e instanceof MgrError) || e.code !== 'MGR_ERR_LOG_CONFLICT' || attempt >= 5) throw e;
        const head = await this.log.lastSeq();
        await Promise.race([this.reached(head), new Promise((r) => setTimeout(r, 1000))]);
      }
    }
  }

  /** Appends one event of this manager's own (a module's `cluster_log`, a setting) and resolves with it. */
  async appendOne(event: ClusterEvent): Promise<JournaledEvent> {
    const r = await this.appendAtHead([{ event, ref: null }]);
    if (r.rejected[0] !== undefined) throw r.rejected[0].error;
    return r.accepted[0]!.event;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async flush(): Promise<void> {
    // A delivery given up after a server's loss may finish after the next consumer handed the same messages over:
    // what is folded already is skipped, and the rest taken in seq order, each seq once.
    const entries = this.buffer
      .splice(0)
      .filter((e) => e.streamSeq > this.engine.state.seq)
      .sort((a, b) => a.streamSeq - b.streamSeq);
    if (entries.length === 0) return;
    const inputs: FoldInput<number>[] = [];
    let cursor: LogCursor | null = null;
    const seq = this.engine.state.seq;
    for (const e of entries) {
      // A consumer made again after a server's loss may hand over a message twice.
      if (e.streamSeq <= seq + inputs.length) continue;
      if ('rejection' in e) {
        throw new MgrError('MGR_ERR_LOG_MESSAGE', formatRejection(e.rejection));
      }
      if (e.streamSeq !== seq + inputs.length + 1) {
        throw new MgrError(
          'MGR_ERR_LOG_MESSAGE',
          `nats:${this.log.stream}: expected event ${seq + inputs.length + 1}, the stream gave ${e.streamSeq}`,
        );
      }
      inputs.push({ event: e.event, ref: e.streamSeq });
      if (e.cursor !== null) cursor = e.cursor;
    }
    const folded = this.engine.fold(inputs);
    const bad = folded.rejected[0];
    if (bad !== undefined) {
      throw new MgrError('MGR_ERR_LOG_MESSAGE', `nats:${this.log.stream}:${bad.ref}: ${bad.error.message}`);
    }
    await this.engine.commit(folded, { cursor });
  }

  private published(state: ClusterState, events: readonly JournaledEvent[]): void {
    this.opts.publisher?.publish(state, events);
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => w.seq <= state.seq);
      this.waiters = this.waiters.filter((w) => w.seq > state.seq);
      for (const w of ready) w.resolve();
    }
  }
}
