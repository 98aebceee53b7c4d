import type { ClusterEvent } from '../../schemas/event.ts';
import type { Rejection } from './rejection.ts';

/** Where an item stands in its trace: the line, and the byte offset after it (uncompressed). */
export interface LinePlace {
  readonly line: number;
  readonly end: number;
}

/** What a trace source emits: a validated event, or a rejection (a bad line is data, never a stream error). */
export type SourceItem =
  | (LinePlace & {
      readonly kind: 'event';
      readonly event: ClusterEvent;
      /** The line the event was parsed from: the journal keeps it as it came, which is cheaper than re-encoding. */
      readonly text?: string;
    })
  | (LinePlace & { readonly kind: 'rejection'; readonly rejection: Rejection });
