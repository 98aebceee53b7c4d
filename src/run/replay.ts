import type { MgrHost } from '../host/host.ts';
import type { ModuleStats } from '../host/module-registry.ts';
import type { ParseOptions } from '../ingest/input-stage.ts';
import { formatRejection, type Rejection } from '../ingest/rejection.ts';
import { traceIdentity } from '../sources/trace-identity.ts';
import { checkTraceFile } from '../sources/trace-lines.ts';
import { traceSource } from '../sources/trace-source.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { stateDigest } from '../state/digest.ts';
import type { SourceCursor, Store } from '../store/store.ts';
import { connectSource } from './connect-source.ts';

export interface ReplayOptions {
  readonly trace: string;
  readonly store: Store;
  /** Times real time; `Infinity` folds as fast as possible (the default). */
  readonly speed?: number;
  readonly strict?: boolean;
  readonly snapshotEvery?: number;
  readonly maxLineBytes?: number;
  /** Told how many bytes of the trace file have been read, of how many. */
  readonly onProgress?: (read: number, total: number) => void;
  readonly onRejection?: (r: Rejection) => void;
  /** The module host to publish to: it gets the recovered state first, then every snapshot with its events. */
  readonly host?: MgrHost;
  /** A daemon's replay: commits the disk refuses are tried again until this aborts (see `Ingestor`). */
  readonly retryCommitsUntil?: AbortSignal;
  /** Where the trace's lines are parsed (by default on this thread; see `ParseOptions`). */
  readonly parsing?: ParseOptions;
}

/** What a replay did, in the shape `--json` prints. */
export interface ReplaySummary {
  trace: string;
  db: string;
  /** Lines of this trace applied by earlier runs and skipped now. */
  resumedAfterLine: number;
  events: { accepted: number; rejected: number; byKind: Partial<Record<string, number>> };
  /** How many fold-and-commit steps the events took (fewer under load: batching). */
  batches: number;
  warnings: { clockRaised: number };
  firstSeq: number | null;
  lastSeq: number;
  digest: string;
  foldMs: number;
  commitMs: number;
  elapsedMs: number;
  /** The first rejections, formatted (all of them are counted in `events.rejected`). */
  rejections: string[];
  /** Set when `--strict` stopped the replay at a bad line. */
  stoppedAt: string | null;
  /** Set when the file itself broke part-way (a truncated gzip): where, and how much of it was read. */
  readError: string | null;
  /** The trace's lifetime totals in this store, over every run. */
  total: { lines: number; accepted: number; rejected: number };
  /** What each module that ran received and did. */
  modules: Record<string, ModuleStats>;
}

const KEPT_REJECTIONS = 50;

/**
 * Folds a trace into the store, resuming after the last line an earlier run committed, and returns the summary
 * with the final state. Nothing is applied twice: the journal and the trace's cursor move in one transaction.
 */
export async function replayTrace(options: ReplayOptions): Promise<{ summary: ReplaySummary; state: ClusterState }> {
  const started = performance.now();
  const { store, trace } = options;
  const size = await checkTraceFile(trace);
  const id = await traceIdentity(trace);
  const cursorKey = `trace:${id}`;
  const start: SourceCursor = store.cursor(cursorKey) ?? {
    source: trace,
    line: 0,
    offset: 0,
    accepted: 0,
    rejected: 0,
  };
  const host = options.host;
  const kept: string[] = [];
  let readError: string | null = null;
  const { report, state } = await connectSource({
    store,
    ...(host ? { host } : {}),
    strict: options.strict ?? false,
    ...(options.retryCommitsUntil ? { retryCommitsUntil: options.retryCommitsUntil } : {}),
    ...(options.snapshotEvery !== undefined ? { snapshotEvery: options.snapshotEvery } : {}),
    ...(options.parsing ? { parsing: options.parsing } : {}),
    onRejection: (r) => {
      if (r.code === 'MGR_ERR_TRACE_READ' || r.code === 'MGR_ERR_TRACE_OPEN') readError = formatRejection(r);
      if (kept.length < KEPT_REJECTIONS) kept.push(formatRejection(r));
      options.onRejection?.(r);
    },
    source: {
      read: (gate) =>
        traceSource(trace, {
          afterLine: start.line,
          afterOffset: start.offset,
          ...(options.maxLineBytes !== undefined ? { maxLineBytes: options.maxLineBytes } : {}),
          onProgress: (read) => options.onProgress?.(read, size),
          gate,
        }),
      cursorKey,
      start: { ...start, source: trace },
      speed: options.speed ?? Number.POSITIVE_INFINITY,
    },
  });
  const summary: ReplaySummary = {
    trace,
    db: store.dir,
    resumedAfterLine: start.line,
    events: { accepted: report.accepted, rejected: report.rejected, byKind: report.perKind },
    batches: report.batches,
    warnings: { clockRaised: report.clockRaised },
    firstSeq: report.firstSeq,
    lastSeq: state.seq,
    digest: stateDigest(state),
    foldMs: report.foldMs,
    commitMs: report.commitMs,
    elapsedMs: performance.now() - started,
    rejections: kept,
    stoppedAt: report.stoppedAt ? formatRejection(report.stoppedAt) : null,
    readError,
    total: { lines: report.cursor.line, accepted: report.cursor.accepted, rejected: report.cursor.rejected },
    modules: host?.modules.stats() ?? {},
  };
  return { summary, state };
}
