import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import type { ClusterEvent, EventKind, JournaledEvent } from '../../schemas/event.ts';
import { MgrError } from '../errors.ts';
import type { SourceItem } from '../ingest/source-item.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { type FoldInput, foldBatch } from '../state/fold.ts';
import type { Commit, SourceCursor, Store } from '../store/store.ts';
import { type Rejection, rejectionFromError } from './rejection.ts';
import { SnapshotPolicy } from './snapshot-policy.ts';

/** A batch waits for more events at most this long, and not at all after steps quicker than the minimum. */
const MAX_GATHER_MS = 100;
const MIN_GATHER_MS = 2;
/** A commit the disk refused is tried again after this long, doubling up to the maximum. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

export interface IngestorOptions {
  /** Stop at the first rejected line; everything accepted before it is committed. */
  readonly strict?: boolean;
  /** Most items folded in one step. */
  readonly maxBatch?: number;
  /** The source is held back while this many items wait to be folded. */
  readonly highWater?: number;
  /**
   * A snapshot is stored once this many events have been journaled since the last one (and, for a large state, no
   * more often than keeps snapshots under a tenth of the ingest's time).
   */
  readonly snapshotEvery?: number;
  /** Told of each rejected line, in line order, as soon as its batch is folded. */
  readonly onRejection?: (r: Rejection) => void;
  /** Told of each published snapshot, with the events it added, after they are committed. */
  readonly onPublish?: (state: ClusterState, events: readonly JournaledEvent[]) => void;
  /**
   * A daemon's ingest: a batch whose commit the store refused (a full disk, an I/O error) is held, unpublished, and
   * committed again until it goes through, while the source waits; until this signal aborts, when the failure ends
   * the ingest. Without it the first failed commit ends the ingest (a replay reports it and exits).
   */
  readonly retryCommitsUntil?: AbortSignal;
}

/** What one ingest run did. */
export interface IngestReport {
  accepted: number;
  rejected: number;
  perKind: Partial<Record<EventKind, number>>;
  clockRaised: number;
  batches: number;
  /** Milliseconds spent in the fold itself (not reading, parsing or committing). */
  foldMs: number;
  commitMs: number;
  /** The line that stopped a strict run, or null. */
  stoppedAt: Rejection | null;
  firstSeq: number | null;
  lastSeq: number;
  cursor: SourceCursor;
}

interface Queued {
  item: SourceItem;
}

/** An event of the manager's own (a module's `cluster_log`), waiting to be folded, and who waits for it. */
interface Local {
  readonly event: ClusterEvent;
  resolve(event: JournaledEvent): void;
  reject(error: unknown): void;
}

/**
 * Drives events from a source through fold → commit → publish. Items that arrive together are folded in one step;
 * a batch is committed to the journal before its snapshot is published ("durable before visible"), and the
 * source's cursor is committed in the same transaction, so a re-run never applies a line twice.
 */
export class Ingestor {
  private readonly store: Store;
  private readonly opts: Required<Omit<IngestorOptions, 'onRejection' | 'onPublish' | 'retryCommitsUntil'>> &
    IngestorOptions;
  private readonly subject: BehaviorSubject<ClusterState>;
  private readonly snapshotPolicy: SnapshotPolicy;
  /** While an ingest runs: hands a local event to it, to be folded between the source's batches. */
  private live: ((local: Local) => void) | null = null;
  /** Local events folded while no ingest runs, one after another. */
  private tail: Promise<void> = Promise.resolve();
  /** How long the last step (fold and commit) took: how long the next one may wait for its batch to fill. */
  private lastStepMs = 0;

  constructor(store: Store, initial: ClusterState, options: IngestorOptions = {}) {
    this.store = store;
    this.opts = { strict: false, maxBatch: 2048, highWater: 8192, snapshotEvery: 500, ...options };
    this.subject = new BehaviorSubject(initial);
    this.snapshotPolicy = new SnapshotPolicy(this.opts.snapshotEvery, initial.seq - store.lastSnapshotSeq());
  }

  /** The published snapshots; the current one is `state`. */
  get snapshots(): Observable<ClusterState> {
    return this.subject.asObservable();
  }

  get state(): ClusterState {
    return this.subject.value;
  }

  /**
   * Folds an event that originates in the manager itself (a module's `cluster_log`) into the same stream, journal
   * and snapshots as the source's: between the source's batches while an ingest runs, else on its own. Resolves with
   * the journaled event once it is published.
   */
  inject(event: ClusterEvent): Promise<JournaledEvent> {
    return new Promise((resolve, reject) => {
      const local: Local = { event, resolve, reject };
      if (this.live !== null) this.live(local);
      else this.tail = this.tail.then(() => this.stepLocal([local]));
    });
  }

  /**
   * Folds everything `source` emits, then stores a final snapshot. `gate` is what the source should call before
   * each item so that reading waits while the queue is full. Resolves when the source completes or (strict) at the
   * first rejection.
   */
  ingest(
    subscribe: (gate: () => Promise<void> | undefined) => Observable<SourceItem>,
    cursorKey: string,
    start: SourceCursor,
  ): Promise<IngestReport> {
    const report: IngestReport = {
      accepted: 0,
      rejected: 0,
      perKind: {},
      clockRaised: 0,
      batches: 0,
      foldMs: 0,
      commitMs: 0,
      stoppedAt: null,
      firstSeq: null,
      lastSeq: this.state.seq,
      cursor: start,
    };
    const queue: Queued[] = [];
    const locals: Local[] = [];
    let done = false;
    let draining = false;
    let stopped = false;
    let sub: Subscription | undefined;
    let wake: (() => void) | undefined;
    let filled: (() => void) | undefined;
    // A step costs more than its events (each copies the large maps it touches), and the source is read on this
    // same thread, so a queue is only as long as the last step let it grow: small batches stay small. Waiting about
    // as long as the last step took lets the batch fill while the source reads on; an idle source loses that wait.
    const gather = (): Promise<void> | undefined => {
      const waitMs = Math.min(this.lastStepMs, MAX_GATHER_MS);
      if (done || waitMs < MIN_GATHER_MS || queue.length >= this.opts.maxBatch || locals.length > 0) return undefined;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          filled = undefined;
          resolve();
        }, waitMs);
        filled = () => {
          clearTimeout(timer);
          filled = undefined;
          resolve();
        };
      });
    };
    const gate = (): Promise<void> | undefined => {
      if (queue.length < this.opts.highWater) return undefined;
      return new Promise((resolve) => {
        wake = resolve;
      });
    };

    return new Promise<IngestReport>((resolve, reject) => {
      const finish = async (): Promise<void> => {
        this.live = null;
        const leftover = locals.splice(0);
        // The end of a replay gets a snapshot of its own, unless the last batch already stored one.
        const snapshotDue = this.state.seq > this.store.lastSnapshotSeq();
        const committed = this.commitDurably({
          events: [],
          cursor: { key: cursorKey, value: report.cursor },
          ...(snapshotDue ? { snapshot: this.state } : {}),
        });
        this.tail = committed.then(
          () => (leftover.length > 0 ? this.stepLocal(leftover) : undefined),
          () => undefined,
        );
        await committed;
        if (snapshotDue) this.snapshotPolicy.taken(0);
        resolve(report);
      };
      const drain = async (): Promise<void> => {
        // Local events folded before this ingest began are committed first: one writer at a time.
        await this.tail;
        while ((queue.length > 0 || locals.length > 0) && !stopped) {
          if (locals.length > 0) await this.stepLocal(locals.splice(0));
          if (queue.length === 0) continue;
          await gather();
          const items = queue.splice(0, this.opts.maxBatch);
          if (queue.length < this.opts.highWater / 2 && wake) {
            const w = wake;
            wake = undefined;
            w();
          }
          await this.step(items, cursorKey, report, () => {
            stopped = true;
            sub?.unsubscribe();
          });
        }
        draining = false;
        if (stopped || (done && queue.length === 0)) await finish();
      };
      const kick = (): void => {
        if (draining) return;
        draining = true;
        setImmediate(() =>
          drain().catch((e) => {
            sub?.unsubscribe();
            reject(e);
          }),
        );
      };
      this.live = (local) => {
        locals.push(local);
        filled?.();
        kick();
      };
      sub = subscribe(gate).subscribe({
        next: (item) => {
          queue.push({ item });
          if (filled !== undefined && queue.length >= this.opts.maxBatch) filled();
          kick();
        },
        complete: () => {
          done = true;
          filled?.();
          kick();
        },
        error: (e) => reject(e),
      });
    });
  }

  /** Commits, trying again while the store refuses the write and the daemon runs (see `retryCommitsUntil`). */
  private async commitDurably(c: Commit): Promise<void> {
    const until = this.opts.retryCommitsUntil;
    for (let wait = RETRY_FIRST_MS; ; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      try {
        await this.store.commit(c);
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

  /** Folds local events as one batch, commits them (the source's cursor stays where it is), then publishes. */
  private async stepLocal(locals: Local[]): Promise<void> {
    try {
      const folded = foldBatch(
        this.state,
        locals.map((l) => ({ event: l.event, ref: l })),
      );
      const events = folded.accepted.map((a) => a.event);
      this.snapshotPolicy.add(events.length);
      const snapshotDue = this.snapshotPolicy.due;
      const t0 = performance.now();
      await this.commitDurably({ events, ...(snapshotDue ? { snapshot: folded.state } : {}) });
      if (snapshotDue) this.snapshotPolicy.taken(performance.now() - t0);
      if (folded.state !== this.state) {
        this.subject.next(folded.state);
        this.opts.onPublish?.(folded.state, events);
      }
      for (const a of folded.accepted) a.ref.resolve(a.event);
      for (const r of folded.rejected) r.ref.reject(r.error);
    } catch (e) {
      for (const l of locals) l.reject(e);
    }
  }

  /** Folds one batch, commits it with the cursor (and a snapshot when due), then publishes. */
  private async step(items: Queued[], cursorKey: string, report: IngestReport, stop: () => void): Promise<void> {
    const started = performance.now();
    const inputs: FoldInput<SourceItem>[] = [];
    const rejections: Rejection[] = [];
    let cut = items.length;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!.item;
      if (item.kind === 'event') inputs.push({ event: item.event, ref: item });
      else {
        rejections.push(item.rejection);
        if (this.opts.strict) {
          cut = i;
          break;
        }
      }
    }
    const t0 = performance.now();
    const folded = foldBatch(this.state, inputs, { stopOnReject: this.opts.strict });
    report.foldMs += performance.now() - t0;
    for (const { error, ref } of folded.rejected) {
      const kind = ref.kind === 'event' ? ref.event.kind : '';
      rejections.push(rejectionFromError(error, report.cursor.source, ref.line, kind));
    }
    rejections.sort((a, b) => a.line - b.line);
    let last: SourceItem | undefined;
    let stopLine: Rejection | undefined;
    if (this.opts.strict && rejections.length > 0) {
      stopLine = rejections[0]!;
      for (let i = 0; i < cut; i++) {
        const it = items[i]!.item;
        if (it.line < stopLine.line) last = it;
      }
      rejections.length = 1;
    } else {
      last = items[items.length - 1]?.item;
    }
    for (const { event } of folded.accepted) {
      report.perKind[event.kind] = (report.perKind[event.kind] ?? 0) + 1;
    }
    report.accepted += folded.accepted.length;
    report.rejected += rejections.length;
    report.clockRaised += folded.clockRaised;
    report.batches++;
    if (folded.accepted.length > 0) {
      report.firstSeq ??= folded.accepted[0]!.event.seq;
      report.lastSeq = folded.state.seq;
    }
    if (last !== undefined) {
      const c = report.cursor;
      report.cursor = {
        source: c.source,
        line: Math.max(c.line, last.line),
        offset: Math.max(c.offset, last.end),
        accepted: c.accepted + folded.accepted.length,
        rejected: c.rejected + rejections.length,
      };
    }
    this.snapshotPolicy.add(folded.accepted.length);
    const snapshotDue = this.snapshotPolicy.due;
    const t1 = performance.now();
    await this.commitDurably({
      events: folded.accepted.map((a) => a.event),
      texts: folded.accepted.map((a) => (a.ref.kind === 'event' ? a.ref.text : undefined)),
      cursor: { key: cursorKey, value: report.cursor },
      ...(snapshotDue ? { snapshot: folded.state } : {}),
    });
    report.commitMs += performance.now() - t1;
    this.lastStepMs = performance.now() - started;
    if (snapshotDue) this.snapshotPolicy.taken(performance.now() - t1);
    if (folded.state !== this.state) {
      this.subject.next(folded.state);
      this.opts.onPublish?.(
        folded.state,
        folded.accepted.map((a) => a.event),
      );
    }
    for (const r of rejections) this.opts.onRejection?.(r);
    if (stopLine !== undefined) {
      report.stoppedAt = stopLine;
      stop();
    }
  }
}
