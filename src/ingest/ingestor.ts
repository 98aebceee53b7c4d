import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import type { ClusterEvent, EventKind, JournaledEvent } from '../../schemas/event.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import type { FoldInput } from '../state/fold.ts';
import type { SourceCursor, Store } from '../store/store.ts';
import { Engine, type FoldedBatch, type Publisher } from './engine.ts';
import { inputStage, type ParseOptions } from './input-stage.ts';
import { type Rejection, rejectionFromError } from './rejection.ts';
import type { IngestItem, Source } from './source-item.ts';

/** A batch waits for more events at most this long, and not at all after steps quicker than the minimum. */
const MAX_GATHER_MS = 100;
const MIN_GATHER_MS = 2;

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
  /** Holds each event back until the stream's pace lets it through (a replay at `--speed`); unpaced without. */
  readonly pace?: (t: number) => Promise<void> | undefined;
  /** Told of each rejected line, in line order, as soon as its batch is folded. */
  readonly onRejection?: (r: Rejection) => void;
  /** Shown each snapshot, with the events it added, after they are committed. */
  readonly publisher?: Publisher;
  /**
   * A daemon's ingest: a batch whose commit the store refused (a full disk, an I/O error) is held, unpublished, and
   * committed again until it goes through, while the source waits; until this signal aborts, when the failure ends
   * the ingest. Without it the first failed commit ends the ingest (a replay reports it and exits).
   */
  readonly retryCommitsUntil?: AbortSignal;
  /** Where a source's lines are parsed: on this thread, or by worker threads once the source proves large. */
  readonly parsing?: ParseOptions;
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
  item: IngestItem;
}

/** An event of the manager's own (a module's `cluster_log`), waiting to be folded, and who waits for it. */
interface Local {
  readonly event: ClusterEvent;
  resolve(event: JournaledEvent): void;
  reject(error: unknown): void;
}

/**
 * Drives a source through the engine (fold → commit → publish): parses what it yields, gathers items that arrive
 * together into one step, holds the source back while the fold is behind, and retries commits the disk refused.
 * The source's cursor is committed with each batch, so a re-run never applies a line twice. Without a store (a host
 * that keeps no journal) nothing is committed.
 */
export class Ingestor {
  private readonly engine: Engine;
  private readonly opts: Required<Pick<IngestorOptions, 'strict' | 'maxBatch' | 'highWater'>> & IngestorOptions;
  private readonly subject: BehaviorSubject<ClusterState>;
  /** While an ingest runs: hands a local event to it, to be folded between the source's batches. */
  private live: ((local: Local) => void) | null = null;
  /** Local events folded while no ingest runs, one after another. */
  private tail: Promise<void> = Promise.resolve();
  /** How long the last step (fold and commit) took: how long the next one may wait for its batch to fill. */
  private lastStepMs = 0;

  constructor(store: Store | null, initial: ClusterState, options: IngestorOptions = {}) {
    this.opts = { strict: false, maxBatch: 2048, highWater: 8192, ...options };
    this.subject = new BehaviorSubject(initial);
    const publisher = options.publisher;
    this.engine = new Engine(store, initial, {
      ...(options.snapshotEvery !== undefined ? { snapshotEvery: options.snapshotEvery } : {}),
      ...(options.retryCommitsUntil ? { retryCommitsUntil: options.retryCommitsUntil } : {}),
      publisher: {
        publish: (state, events) => {
          this.subject.next(state);
          publisher?.publish(state, events);
        },
      },
    });
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
   * Folds everything `source` yields, then stores a final snapshot. Reading waits while the queue is full (and, with
   * `pace`, until each event's time). Resolves when the source completes or (strict) at the first rejection.
   */
  ingest(source: Source, cursorKey: string, start: SourceCursor): Promise<IngestReport> {
    const subscribe: (gate: () => Promise<void> | undefined) => Observable<IngestItem> = inputStage(
      source,
      this.opts.pace,
      this.opts.parsing,
    );
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
        const committed = this.engine.checkpoint({ key: cursorKey, value: report.cursor });
        this.tail = committed.then(
          () => (leftover.length > 0 ? this.stepLocal(leftover) : undefined),
          () => undefined,
        );
        await committed;
        resolve(report);
      };
      const drain = async (): Promise<void> => {
        // Local events folded before this ingest began are committed first: one writer at a time.
        await this.tail;
        // The batch whose commit is in flight, and that commit (then its publishing): the next batch is folded
        // onto it meanwhile, and committed once it has gone through.
        let inFlight: { batch: FoldedBatch<IngestItem>; done: Promise<void> } | null = null;
        const settle = async (): Promise<void> => {
          const f = inFlight;
          inFlight = null;
          if (f !== null) await f.done;
        };
        for (;;) {
          while ((queue.length > 0 || locals.length > 0) && !stopped) {
            if (locals.length > 0) {
              await settle();
              await this.stepLocal(locals.splice(0));
            }
            if (queue.length === 0) continue;
            await gather();
            const items = queue.splice(0, this.opts.maxBatch);
            if (queue.length < this.opts.highWater / 2 && wake) {
              const w = wake;
              wake = undefined;
              w();
            }
            const folded = this.foldStep(items, report, inFlight?.batch);
            await settle();
            const done = this.commitStep(folded, cursorKey, report);
            // Awaited at the next batch; until then its failure must not count as unhandled.
            done.catch(() => undefined);
            inFlight = { batch: folded.batch, done };
            if (folded.stopLine !== undefined) {
              await settle();
              report.stoppedAt = folded.stopLine;
              stopped = true;
              sub?.unsubscribe();
            }
          }
          if (inFlight === null) break;
          await settle();
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

  /** Folds local events as one batch, commits them (the source's cursor stays where it is), then publishes. */
  private async stepLocal(locals: Local[]): Promise<void> {
    try {
      const folded = await this.engine.step(locals.map((l) => ({ event: l.event, ref: l })));
      for (const a of folded.accepted) a.ref.resolve(a.event);
      for (const r of folded.rejected) r.ref.reject(r.error);
    } catch (e) {
      for (const l of locals) l.reject(e);
    }
  }

  /**
   * Folds one batch (onto `after`, a batch whose commit is in flight, if any) and moves the report and the cursor
   * on; in a strict run it stops at the first rejected line.
   */
  private foldStep(items: Queued[], report: IngestReport, after: FoldedBatch<unknown> | undefined): FoldedStep {
    const started = performance.now();
    const inputs: FoldInput<IngestItem>[] = [];
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
    const folded = this.engine.fold(inputs, { stopOnReject: this.opts.strict }, after);
    report.foldMs += performance.now() - t0;
    for (const { error, ref } of folded.rejected) {
      const kind = ref.kind === 'event' ? ref.event.kind : '';
      rejections.push(rejectionFromError(error, report.cursor.source, ref.line, kind));
    }
    rejections.sort((a, b) => a.line - b.line);
    let last: IngestItem | undefined;
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
    return { batch: folded, rejections, stopLine, cursor: report.cursor, foldedMs: performance.now() - started };
  }

  /** Commits a folded batch with its cursor (and a snapshot when due), then publishes it and tells its rejections. */
  private async commitStep(step: FoldedStep, cursorKey: string, report: IngestReport): Promise<void> {
    const folded = step.batch;
    const commitMs = await this.engine.commit(folded, {
      texts: folded.accepted.map((a) => (a.ref.kind === 'event' ? a.ref.text : undefined)),
      cursor: { key: cursorKey, value: step.cursor },
    });
    report.commitMs += commitMs;
    // The step's own time, not the publishing after it.
    this.lastStepMs = step.foldedMs + commitMs;
    for (const r of step.rejections) this.opts.onRejection?.(r);
  }
}

/** A batch folded and not yet committed, with what its commit and report need. */
interface FoldedStep {
  readonly batch: FoldedBatch<IngestItem>;
  readonly rejections: Rejection[];
  readonly stopLine: Rejection | undefined;
  readonly cursor: SourceCursor;
  readonly foldedMs: number;
}
