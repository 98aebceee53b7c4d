import { Observable } from 'rxjs';
import { MgrError } from '../errors.ts';
import type { Rejection } from '../ingest/rejection.ts';
import { isBlankLine, type SourceItem } from '../ingest/source-item.ts';
import { DEFAULT_MAX_LINE_BYTES, type ReadLinesOptions, readTraceLines } from './trace-lines.ts';

export interface TraceSourceOptions extends ReadLinesOptions {
  /**
   * Called before each item is emitted; when it returns a promise, reading waits for it. This is how the
   * consumer applies back-pressure and how a replay is paced to the trace's clock.
   */
  readonly gate?: (item: SourceItem) => Promise<void> | undefined;
}

/**
 * A trace file (JSONL or gzip'd JSONL) as an `Observable` of its lines, unparsed (ingest parses them), streamed: a
 * 1 GB trace is never held in memory, and reading goes only as fast as the `gate` lets it. A file that cannot be
 * read, or breaks part-way (a truncated gzip), ends the stream with a rejection naming the place.
 */
export function traceSource(path: string, options: TraceSourceOptions = {}): Observable<SourceItem> {
  return new Observable<SourceItem>((subscriber) => {
    let stopped = false;
    let lastLine = options.afterLine ?? 0;
    let lastEnd = options.afterOffset ?? 0;
    const emit = async (item: SourceItem): Promise<void> => {
      const wait = options.gate?.(item);
      if (wait !== undefined) await wait;
      if (!stopped) subscriber.next(item);
    };
    (async () => {
      try {
        for await (const lines of readTraceLines(path, options)) {
          for (const l of lines) {
            if (stopped) return;
            lastLine = l.line;
            lastEnd = l.end;
            if ('oversized' in l) {
              const rejection: Rejection = {
                file: path,
                line: l.line,
                code: 'MGR_ERR_TRACE_LINE_TOO_LONG',
                path: [],
                reason: `line of ${l.oversized} bytes is over the limit of ${options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES} bytes`,
              };
              await emit({ kind: 'rejection', rejection, line: l.line, end: l.end });
              continue;
            }
            if (isBlankLine(l.text)) continue;
            await emit({ kind: 'line', file: path, text: l.text, line: l.line, end: l.end });
          }
        }
      } catch (e) {
        const err = e instanceof MgrError ? e : new MgrError('MGR_ERR_TRACE_OPEN', String(e));
        const line = err.place.line ?? lastLine + 1;
        const rejection: Rejection = { file: path, line, code: err.code, path: [], reason: err.message };
        if (!stopped) subscriber.next({ kind: 'rejection', rejection, line: lastLine, end: lastEnd });
      }
      if (!stopped) subscriber.complete();
    })();
    return () => {
      stopped = true;
    };
  });
}
