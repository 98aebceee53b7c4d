import type { Observable } from 'rxjs';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { Rejection } from './rejection.ts';

/** Where an item stands in its source: the line, and the byte offset after it (uncompressed). */
export interface LinePlace {
  readonly line: number;
  readonly end: number;
}

/** An event ready to fold. */
export type EventItem = LinePlace & {
  readonly kind: 'event';
  readonly event: ClusterEvent;
  /** The line the event was parsed from: the journal keeps it as it came, which is cheaper than re-encoding. */
  readonly text?: string;
};

/** A line that was not accepted (a bad line is data, never a stream error). */
export type RejectionItem = LinePlace & { readonly kind: 'rejection'; readonly rejection: Rejection };

/**
 * What a source yields: a raw line with its place (ingest parses and validates it), an event the source made
 * already typed (the simulator's), or a rejection of the source's own (a line too long, a file that broke).
 */
export type SourceItem =
  | (LinePlace & { readonly kind: 'line'; readonly file: string; readonly text: string })
  | EventItem
  | RejectionItem;

/** A blank line or a `#` comment: no item at all (a source skips it; nothing is parsed, counted or gated). */
export function isBlankLine(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

/** What ingest folds: every line parsed, as an event or a rejection. */
export type IngestItem = EventItem | RejectionItem;

/**
 * A source as ingest reads it: `gate` is called before each item is emitted, and reading waits for the promise it
 * returns (back-pressure, pacing).
 */
export type Source = (gate: (item: SourceItem) => Promise<void> | undefined) => Observable<SourceItem>;
