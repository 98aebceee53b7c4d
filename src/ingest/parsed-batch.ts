import { Packr, Unpackr } from 'msgpackr';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { ParsedLine } from './parse-line.ts';
import type { Rejection } from './rejection.ts';

/** What becomes of each line of a batch, in line order: the next event of the packed buffer, of `cloned`, the
 * next rejection, or nothing (a blank or comment line). */
const PACKED = 0;
const CLONED = 1;
const REJECTED = 2;
const NOTHING = 3;

/**
 * A batch of lines parsed and validated off the main thread, as it crosses back: the events packed as MessagePack
 * with records (each object shape described once per batch), which decodes several times faster than `JSON.parse`
 * made them and than a structured clone of them would (measured on `pg_stats`: about a fifth of `JSON.parse`'s
 * time, where a structured clone took longer than `JSON.parse`). The few events MessagePack would not carry exactly
 * (a `-0`, a lone surrogate) are structured clones, and rejections are too.
 */
export interface ParsedBatch {
  readonly outcomes: Uint8Array;
  readonly packed: Uint8Array | null;
  readonly cloned: ClusterEvent[];
  readonly rejections: Rejection[];
}

const packr = new Packr({ useRecords: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: true });

/** A `\uD800`-`\uDFFF` escape: a surrogate, which could stand alone, and UTF-8 would not carry it. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** Text that could hold a `-0`: written so, or a negative number small enough to round to it. */
const MAYBE_NEGATIVE_ZERO = /-0|[eE]-/;

function hasNegativeZero(v: unknown, depth = 0): boolean {
  if (typeof v === 'number') return v === 0 && 1 / v < 0;
  if (v === null || typeof v !== 'object' || depth > 100) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (hasNegativeZero(x, depth + 1)) return true;
    return false;
  }
  for (const k in v) if (hasNegativeZero((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

/** Whether MessagePack gives back exactly what `JSON.parse` made of `text`. */
function packsExactly(text: string, event: unknown): boolean {
  if (text.includes('\\u') && SURROGATE_ESCAPE.test(text)) return false;
  return !(MAYBE_NEGATIVE_ZERO.test(text) && hasNegativeZero(event));
}

/** Encodes the parsed lines of a batch (see {@link ParsedBatch}); `texts` are the lines they were parsed from. */
export function encodeParsedBatch(parsed: readonly ParsedLine[], texts: readonly string[]): ParsedBatch {
  const outcomes = new Uint8Array(parsed.length);
  const packedEvents: ClusterEvent[] = [];
  const cloned: ClusterEvent[] = [];
  const rejections: Rejection[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const p = parsed[i]!;
    if (p === null) outcomes[i] = NOTHING;
    else if ('rejection' in p) {
      outcomes[i] = REJECTED;
      rejections.push(p.rejection);
    } else if (packsExactly(texts[i]!, p.event)) {
      outcomes[i] = PACKED;
      packedEvents.push(p.event);
    } else {
      outcomes[i] = CLONED;
      cloned.push(p.event);
    }
  }
  // A copy of its own: the packer's buffer is reused, and the copy's memory is handed over, not copied again.
  const packed = packedEvents.length > 0 ? Uint8Array.prototype.slice.call(packr.pack(packedEvents)) : null;
  return { outcomes, packed, cloned, rejections };
}

/** Decodes a batch back into one outcome per line, in line order, as `parseTraceLine` gives them. */
export function decodeParsedBatch(batch: ParsedBatch): ParsedLine[] {
  const packed =
    batch.packed === null
      ? []
      : (unpackr.unpack(Buffer.from(batch.packed.buffer, batch.packed.byteOffset, batch.packed.byteLength)) as
          | ClusterEvent[]
          | undefined);
  let p = 0;
  let c = 0;
  let r = 0;
  const out: ParsedLine[] = new Array(batch.outcomes.length);
  for (let i = 0; i < batch.outcomes.length; i++) {
    switch (batch.outcomes[i]) {
      case PACKED:
        out[i] = { event: packed![p++]! };
        break;
      case CLONED:
        out[i] = { event: batch.cloned[c++]! };
        break;
      case REJECTED:
        out[i] = { rejection: batch.rejections[r++]! };
        break;
      default:
        out[i] = null;
    }
  }
  return out;
}
