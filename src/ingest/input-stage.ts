import { filter, map, Observable, type OperatorFunction } from 'rxjs';
import { type ParsedLine, parseTraceLine } from './parse-line.ts';
import { ParsePool } from './parse-pool.ts';
import type { IngestItem, Source, SourceItem } from './source-item.ts';

/** A source's item as ingest folds it: a raw line parsed and validated, or null for a blank or comment line. */
export function parseItem(item: SourceItem): IngestItem | null {
  if (item.kind !== 'line') return item;
  return placed(item, parseTraceLine(item.text, item.file, item.line));
}

/** A line's outcome as an item at the line's place. */
function placed(item: LineItem, parsed: ParsedLine): IngestItem | null {
  if (parsed === null) return null;
  if ('event' in parsed) return { kind: 'event', event: parsed.event, text: item.text, line: item.line, end: item.end };
  return { kind: 'rejection', rejection: parsed.rejection, line: item.line, end: item.end };
}

/** Parses a source's items as they come (blank and comment lines dropped): for reading a source without ingest. */
export function parseItems(): OperatorFunction<SourceItem, IngestItem> {
  return (items) => items.pipe(map(parseItem), filter(isItem));
}

function isItem(item: IngestItem | null): item is IngestItem {
  return item !== null;
}

/** How the input stage parses: on this thread, or in worker threads once the source proves large. */
export interface ParseOptions {
  /**
   * Worker threads that parse and validate lines; 0 (the default) parses every line on this thread. Off by default:
   * measured on 2 cores, the main thread's CPU hardly fell (0.94x at 1,000 OSDs, 1.06x at 10,000: decoding the
   * packed events costs about 0.6x of `JSON.parse`, and the fold dominates) while the process's rose by a fifth.
   */
  readonly workers?: number;
  /**
   * Lines are parsed on this thread until this many bytes of them have come (default 4 MiB), and by the workers
   * once they have started: a short trace or a few lines never pay for starting a thread (about 0.1 s compiled,
   * over 1 s from the TypeScript sources). At 0 every line is parsed by the workers, once they have loaded.
   */
  readonly workersAfterBytes?: number;
  /** Most batches of lines at the workers or waiting to be taken (default 4): the source waits beyond it. */
  readonly maxBatchesInFlight?: number;
}

const WORKERS_AFTER_BYTES = 4 * 1024 * 1024;
const MAX_BATCHES_IN_FLIGHT = 4;
/** A batch for the workers closes at this many bytes or lines, or when the source pauses. */
const BATCH_BYTES = 1024 * 1024;
export const WORKER_BATCH_LINES = 256;

type LineItem = Extract<SourceItem, { kind: 'line' }>;

/** Lines gathered for the workers, all of one file. */
interface OpenBatch {
  readonly file: string;
  readonly items: LineItem[];
  readonly texts: string[];
  readonly lines: number[];
  bytes: number;
}

/**
 * Ingest's input stage: each item a source yields is parsed and validated here (sources never parse), blank and
 * comment lines are dropped, and events are held to the stream's pace before `gate` (the engine's back-pressure).
 * A small source's lines are parsed one by one as they come, before the source goes on reading, so a paced replay
 * reads no further ahead than it folds. Once a source has given more than `workersAfterBytes` of lines, worker
 * threads parse them in batches, in order, while this thread folds; the source then reads at most
 * `maxBatchesInFlight` batches ahead of what is taken (paced and gated as before).
 */
export function inputStage(
  source: Source,
  pace?: (t: number) => Promise<void> | undefined,
  parsing: ParseOptions = {},
): (gate: () => Promise<void> | undefined) => Observable<IngestItem> {
  const workers = parsing.workers ?? 0;
  const afterBytes = parsing.workersAfterBytes ?? WORKERS_AFTER_BYTES;
  const maxInFlight = Math.max(1, parsing.maxBatchesInFlight ?? MAX_BATCHES_IN_FLIGHT);
  return (gate) =>
    new Observable<IngestItem>((subscriber) => {
      // A source gates an item and then emits it: on this thread it is parsed once, at the gate, and the result
      // taken at emission.
      let last: { raw: SourceItem; item: IngestItem | null } | undefined;
      const parsed = (raw: SourceItem): IngestItem | null => {
        if (last?.raw === raw) return last.item;
        const item = parseItem(raw);
        last = { raw, item };
        return item;
      };
      let seenBytes = 0;
      let pool: ParsePool | null = null;
      let viaWorkers = false;
      let stopped = false;
      let sourceDone = false;
      let open: OpenBatch | null = null;
      let flushSoon: ReturnType<typeof setImmediate> | null = null;
      /** What is to be emitted, in order: the workers' batches and the source's own items between them. */
      const outputs: Array<Promise<Array<IngestItem | null>>> = [];
      let delivering = false;
      let slotFree: (() => void) | undefined;

      const fail = (e: unknown): void => {
        if (stopped) return;
        stopped = true;
        subscriber.error(e);
      };
      const flush = (): void => {
        if (flushSoon !== null) clearImmediate(flushSoon);
        flushSoon = null;
        const b = open;
        if (b === null || pool === null) return;
        open = null;
        const items = b.items;
        const out = pool.parse(b.file, b.texts, b.lines).then((lines) => lines.map((p, i) => placed(items[i]!, p)));
        // Taken in order by `deliver`, which reports a failure; a batch left behind when the ingest stops is not.
        out.catch(() => undefined);
        outputs.push(out);
        deliver();
      };
      const deliver = (): void => {
        if (delivering) return;
        delivering = true;
        (async () => {
          while (outputs.length > 0 && !stopped) {
            const items = await outputs[0]!;
            for (const item of items) {
              if (item === null) continue;
              const paced = item.kind === 'event' ? pace?.(item.event.t) : undefined;
              if (paced !== undefined) await paced;
              const gated = gate();
              if (gated !== undefined) await gated;
              if (stopped) return;
              subscriber.next(item);
            }
            outputs.shift();
            const free = slotFree;
            slotFree = undefined;
            free?.();
          }
          delivering = false;
          if (sourceDone && outputs.length === 0 && !stopped) {
            stopped = true;
            subscriber.complete();
          }
        })().catch(fail);
      };
      /** Starts the workers; resolves once they have loaded, or failed to (the lines are then parsed here). */
      const startWorkers = (): Promise<void> => {
        const p = new ParsePool(workers);
        pool = p;
        return p.ready.then(
          () => {
            viaWorkers = !stopped;
          },
          () => undefined,
        );
      };
      const gateRaw = (raw: SourceItem): Promise<void> | undefined => {
        if (viaWorkers) {
          if (outputs.length < maxInFlight) return undefined;
          return new Promise<void>((resolve) => {
            slotFree = resolve;
          });
        }
        if (raw.kind === 'line' && workers > 0 && pool === null) {
          seenBytes += raw.text.length;
          if (seenBytes >= afterBytes) {
            // Lines go on being parsed here until the workers have loaded, unless every line is to be theirs.
            const loaded = startWorkers();
            if (afterBytes <= 0) return loaded.then(() => gateRaw(raw));
          }
        }
        const item = parsed(raw);
        if (item === null) return undefined;
        const paced = item.kind === 'event' ? pace?.(item.event.t) : undefined;
        return paced === undefined ? gate() : paced.then(() => gate());
      };

      const sub = source(gateRaw).subscribe({
        next: (raw) => {
          if (stopped) return;
          if (last?.raw === raw || !viaWorkers) {
            const item = parsed(raw);
            if (item !== null) subscriber.next(item);
            return;
          }
          if (raw.kind !== 'line') {
            flush();
            outputs.push(Promise.resolve([raw]));
            deliver();
            return;
          }
          if (open !== null && open.file !== raw.file) flush();
          open ??= { file: raw.file, items: [], texts: [], lines: [], bytes: 0 };
          open.items.push(raw);
          open.texts.push(raw.text);
          open.lines.push(raw.line);
          open.bytes += raw.text.length;
          if (open.bytes >= BATCH_BYTES || open.items.length >= WORKER_BATCH_LINES) flush();
          else flushSoon ??= setImmediate(flush);
        },
        complete: () => {
          sourceDone = true;
          flush();
          if (!delivering && outputs.length === 0 && !stopped) {
            stopped = true;
            subscriber.complete();
          }
        },
        error: fail,
      });
      return () => {
        stopped = true;
        sub.unsubscribe();
        if (flushSoon !== null) clearImmediate(flushSoon);
        slotFree?.();
        void pool?.close();
      };
    });
}
