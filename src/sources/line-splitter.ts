import type { Rejection } from '../ingest/rejection.ts';
import { isBlankLine, type SourceItem } from '../ingest/source-item.ts';
import { DEFAULT_MAX_LINE_BYTES, type TraceLine } from './trace-lines.ts';

/**
 * Cuts a byte stream that arrives in pieces (a file that grows, a socket) into JSONL lines, numbering them on from
 * `firstLine`. A line longer than `maxLineBytes` is counted, not kept.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partLen = 0;
  private oversized = -1;
  private lineNo: number;
  private offset = 0;
  private readonly max: number;

  constructor(firstLine = 0, maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    this.lineNo = firstLine;
    this.max = maxLineBytes;
  }

  /** The number of the last complete line. */
  get line(): number {
    return this.lineNo;
  }

  /** Bytes held of a line not yet ended. */
  get pending(): number {
    return this.oversized >= 0 ? this.oversized : this.partLen;
  }

  push(chunk: Buffer): TraceLine[] {
    const out: TraceLine[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) {
        this.hold(chunk.subarray(start));
        this.offset += chunk.length - start;
        return out;
      }
      this.offset += nl + 1 - start;
      out.push(this.finish(chunk.subarray(start, nl)));
      start = nl + 1;
    }
  }

  /** Starts the next input (a rotated file, a new connection): a partial line left over is dropped and returned. */
  reset(): number {
    const dropped = this.pending;
    this.parts = [];
    this.partLen = 0;
    this.oversized = -1;
    this.offset = 0;
    return dropped;
  }

  private hold(rest: Buffer): void {
    if (rest.length === 0) return;
    if (this.oversized >= 0) this.oversized += rest.length;
    else if (this.partLen + rest.length > this.max) {
      this.oversized = this.partLen + rest.length;
      this.parts = [];
      this.partLen = 0;
    } else {
      this.parts.push(Buffer.from(rest));
      this.partLen += rest.length;
    }
  }

  private finish(seg: Buffer): TraceLine {
    this.lineNo++;
    let line: TraceLine;
    if (this.oversized >= 0 || this.partLen + seg.length > this.max) {
      line = {
        line: this.lineNo,
        oversized: (this.oversized >= 0 ? this.oversized : this.partLen) + seg.length,
        end: this.offset,
      };
    } else {
      let buf = this.partLen === 0 ? seg : Buffer.concat([...this.parts, seg]);
      if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
      line = { line: this.lineNo, text: buf.toString('utf8'), end: this.offset };
    }
    this.parts = [];
    this.partLen = 0;
    this.oversized = -1;
    return line;
  }
}

/**
 * A line as a source item: its text for ingest to parse, the rejection of a line too long to keep, or nothing for
 * a blank or comment line.
 */
export function lineToItem(l: TraceLine, file: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES): SourceItem | null {
  if ('oversized' in l) {
    const rejection: Rejection = {
      file,
      line: l.line,
      code: 'MGR_ERR_TRACE_LINE_TOO_LONG',
      path: [],
      reason: `line of ${l.oversized} bytes is over the limit of ${maxLineBytes} bytes`,
    };
    return { kind: 'rejection', rejection, line: l.line, end: l.end };
  }
  if (isBlankLine(l.text)) return null;
  return { kind: 'line', file, text: l.text, line: l.line, end: l.end };
}
