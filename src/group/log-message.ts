import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import type { JournaledEvent } from '../../schemas/event.ts';
import { parseItem } from '../ingest/input-stage.ts';
import type { Rejection } from '../ingest/rejection.ts';
import type { SourceCursor } from '../store/store.ts';

/** The header that carries how far the writer's own source had been read once this event was in. */
export const CURSOR_HEADER = 'Mgrkit-Cursor';

/** The header that says how the body is encoded: absent for JSON, `gzip` for gzip'd JSON. */
export const ENCODING_HEADER = 'Mgrkit-Encoding';
/** Bodies larger than this are gzip'd: whole maps of a large cluster compress about tenfold. */
export const COMPRESS_OVER = 64 * 1024;

/** A source cursor as it travels in {@link CURSOR_HEADER}: the store key it is kept under, and its value. */
export const LogCursorSchema = z.object({
  key: z.string().min(1),
  value: z.object({
    source: z.string(),
    line: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative(),
    accepted: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
  }),
});
export type LogCursor = { readonly key: string; readonly value: SourceCursor };

/** One event of the log, ready to publish: its body, its message id (the seq: JetStream drops a resent copy). */
export interface EncodedEvent {
  readonly msgId: string;
  readonly body: Uint8Array;
  readonly encoding: 'gzip' | null;
  readonly cursor: string | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a sequenced event (and, on the last of a batch, the writer's source cursor) for the stream. */
export function encodeLogEvent(event: JournaledEvent, cursor: LogCursor | null = null): EncodedEvent {
  const json = encoder.encode(JSON.stringify(event));
  const gzip = json.length > COMPRESS_OVER;
  return {
    msgId: String(event.seq),
    body: gzip ? gzipSync(json, { level: 1 }) : json,
    encoding: gzip ? 'gzip' : null,
    cursor: cursor === null ? null : JSON.stringify(cursor),
  };
}

/** A message read back: the event, or why it cannot be folded, placed at `<stream>:<stream seq>`. */
export type DecodedLogEvent =
  | { readonly event: JournaledEvent; readonly cursor: LogCursor | null }
  | { readonly rejection: Rejection };

/**
 * Decodes one stream message. The event must be valid and carry the stream's own sequence number as its `seq`:
 * the log is the journal, so message N is event N.
 */
export function decodeLogEvent(
  body: Uint8Array,
  streamSeq: number,
  place: string,
  cursorHeader?: string,
  encoding?: string,
): DecodedLogEvent {
  let text: string;
  try {
    text = decoder.decode(encoding === 'gzip' ? gunzipSync(body) : body);
  } catch (e) {
    return {
      rejection: {
        file: place,
        line: streamSeq,
        code: 'MGR_ERR_LOG_MESSAGE',
        path: [],
        reason: `not JSON: ${(e as Error).message}`,
      },
    };
  }
  // The body is a line like a trace's, parsed and validated by ingest as any source's.
  const checked = parseItem({ kind: 'line', file: place, line: streamSeq, end: 0, text }) ?? {
    kind: 'rejection',
    rejection: { file: place, line: streamSeq, code: 'MGR_ERR_LOG_MESSAGE', path: [], reason: 'not JSON: no event' },
  };
  if (checked.kind === 'rejection') return { rejection: { ...checked.rejection, code: 'MGR_ERR_LOG_MESSAGE' } };
  const seq = (checked.event as { seq?: unknown }).seq;
  if (seq !== streamSeq) {
    return {
      rejection: {
        file: place,
        line: streamSeq,
        code: 'MGR_ERR_LOG_MESSAGE',
        path: [checked.event.kind, 'seq'],
        reason: `the event says seq ${String(seq)}, but it is message ${streamSeq} of the stream`,
      },
    };
  }
  let cursor: LogCursor | null = null;
  if (cursorHeader !== undefined && cursorHeader !== '') {
    let raw: unknown;
    try {
      raw = JSON.parse(cursorHeader);
    } catch {
      raw = undefined;
    }
    const parsed = LogCursorSchema.safeParse(raw);
    if (!parsed.success) {
      return {
        rejection: {
          file: place,
          line: streamSeq,
          code: 'MGR_ERR_LOG_MESSAGE',
          path: [CURSOR_HEADER],
          reason: 'the source cursor header is not {key, value: {source, line, offset, accepted, rejected}}',
        },
      };
    }
    cursor = parsed.data;
  }
  return { event: checked.event as JournaledEvent, cursor };
}
