import type { Subscription } from 'rxjs';
import type { EventKind } from '../../schemas/event.ts';
import { inputStage } from '../ingest/input-stage.ts';
import { createPacer } from '../ingest/pace.ts';
import { type Rejection, rejectionFromError } from '../ingest/rejection.ts';
import type { IngestItem } from '../ingest/source-item.ts';
import { traceIdentity } from '../sources/trace-identity.ts';
import { traceSource } from '../sources/trace-source.ts';
import type { SourceCursor, Store } from '../store/store.ts';
import type { LogReplica } from './log-replica.ts';

export interface LogReplayOptions {
  readonly trace: string;
  readonly store: Store;
  readonly replica: LogReplica;
  readonly speed?: number;
  readonly maxBatch?: number;
  readonly onRejection?: (r: Rejection) => void;
  /** Stops reading (the manager lost the lease); what was appended stays. */
  readonly signal?: AbortSignal;
}

/** What a replay into the log did. */
export interface LogReplayReport {
  readonly resumedAfterLine: number;
  accepted: number;
  rejected: number;
  perKind: Partial<Record<EventKind, number>>;
  batches: number;
  cursor: SourceCursor;
}

/**
 * Appends a trace to the event log, resuming after the line the log's copy in `store` says was the last one in (the
 * cursor travels with the events, so a manager that takes over from another resumes where it stopped). Bad lines
 * are reported and skipped, as in an embedded replay.
 */
export async function replayIntoLog(options: LogReplayOptions): Promise<LogReplayReport> {
  const { trace, store, replica } = options;
  const key = `trace:${await traceIdentity(trace)}`;
  const start: SourceCursor = store.cursor(key) ?? { source: trace, line: 0, offset: 0, accepted: 0, rejected: 0 };
  const report: LogReplayReport = {
    resumedAfterLine: start.line,
    accepted: 0,
    rejected: 0,
    perKind: {},
    batches: 0,
    cursor: { ...start, source: trace },
  };
  const maxBatch = options.maxBatch ?? 1024;
  const queue: IngestItem[] = [];
  let wake: (() => void) | undefined;
  let more: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  let sub: Subscription | undefined;
  const read = inputStage(
    (gate) => traceSource(trace, { afterLine: start.line, afterOffset: start.offset, gate }),
    createPacer(options.speed ?? Number.POSITIVE_INFINITY),
  );
  const source = read(() => (queue.length < maxBatch * 2 ? undefined : new Promise((r) => (wake = r))));
  sub = source.subscribe({
    next: (item) => {
      queue.push(item);
      more?.();
    },
    complete: () => {
      done = true;
      more?.();
    },
    error: (e) => {
      failure = e;
      done = true;
      more?.();
    },
  });
  const abort = () => {
    sub?.unsubscribe();
    done = true;
    more?.();
  };
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    while (!done || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise<void>((r) => (more = r));
        more = undefined;
        continue;
      }
      if (options.signal?.aborted) break;
      const items = queue.splice(0, maxBatch);
      const w = wake;
      wake = undefined;
      w?.();
      const inputs = items.flatMap((item) => (item.kind === 'event' ? [{ event: item.event, ref: item }] : []));
      const rejections = items.flatMap((item) => (item.kind === 'rejection' ? [item.rejection] : []));
      const last = items[items.length - 1]!;
      const c = report.cursor;
      const cursor: SourceCursor = {
        source: trace,
        line: Math.max(c.line, last.line),
        offset: Math.max(c.offset, last.end),
        accepted: c.accepted,
        rejected: c.rejected + rejections.length,
      };
      const r = await replica.appendAtHead(inputs, { key, value: { ...cursor, accepted: c.accepted + inputs.length } });
      for (const x of r.rejected) {
        const ref = x.ref;
        rejections.push(rejectionFromError(x.error, trace, ref.line, ref.kind === 'event' ? ref.event.kind : ''));
      }
      for (const a of r.accepted) report.perKind[a.event.kind] = (report.perKind[a.event.kind] ?? 0) + 1;
      report.accepted += r.accepted.length;
      report.rejected += rejections.length;
      report.batches++;
      report.cursor = { ...cursor, accepted: c.accepted + r.accepted.length, rejected: c.rejected + rejections.length };
      rejections.sort((a, b) => a.line - b.line);
      for (const x of rejections) options.onRejection?.(x);
    }
  } finally {
    sub.unsubscribe();
    options.signal?.removeEventListener('abort', abort);
  }
  if (failure !== undefined) throw failure;
  return report;
}
