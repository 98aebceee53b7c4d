import { filter, map, type Observable, type OperatorFunction } from 'rxjs';
import { parseTraceLine } from './parse-line.ts';
import type { IngestItem, Source, SourceItem } from './source-item.ts';

/** A source's item as ingest folds it: a raw line parsed and validated, or null for a blank or comment line. */
export function parseItem(item: SourceItem): IngestItem | null {
  if (item.kind !== 'line') return item;
  const parsed = parseTraceLine(item.text, item.file, item.line);
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

/**
 * Ingest's input stage: each item a source yields is parsed and validated here (sources never parse), blank and
 * comment lines are dropped, and events are held to the stream's pace before `gate` (the engine's back-pressure).
 * Both happen before the source goes on reading, so a paced replay reads no further ahead than it folds.
 */
export function inputStage(
  source: Source,
  pace?: (t: number) => Promise<void> | undefined,
): (gate: () => Promise<void> | undefined) => Observable<IngestItem> {
  return (gate) => {
    // A source gates an item and then emits it: it is parsed once, at the gate, and the result taken at emission.
    let last: { raw: SourceItem; item: IngestItem | null } | undefined;
    const parsed = (raw: SourceItem): IngestItem | null => {
      if (last?.raw === raw) return last.item;
      const item = parseItem(raw);
      last = { raw, item };
      return item;
    };
    return source((raw) => {
      const item = parsed(raw);
      if (item === null) return undefined;
      const paced = item.kind === 'event' ? pace?.(item.event.t) : undefined;
      return paced === undefined ? gate() : paced.then(() => gate());
    }).pipe(map(parsed), filter(isItem));
  };
}
