import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { MgrError } from '../errors.ts';

/** Lines longer than this are rejected without being held in memory. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** One line of a trace: its 1-based number and text, or only its length when it was too long to keep. */
export type TraceLine =
  | { readonly line: number; readonly text: string; readonly end: number }
  | { readonly line: number; readonly oversized: number; readonly end: number };

export interface ReadLinesOptions {
  /** Lines up to this number were consumed before: they are skipped. */
  readonly afterLine?: number;
  /** The byte offset just after `afterLine`, where a plain file can seek to instead of reading from the start. */
  readonly afterOffset?: number;
  readonly maxLineBytes?: number;
  /** Told how many bytes of the file (compressed, for gzip) have been read, for a progress bar. */
  readonly onProgress?: (fileBytesRead: number) => void;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Whether the file is gzip-compressed, by its first two bytes rather than its name. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await fh.close();
  }
}

const TRACE_HINT = 'give the path of a .jsonl or .jsonl.gz trace file';

/**
 * Checks that `path` is a trace file that can be opened, before anything is made for it (a store), and returns its
 * size; otherwise an error naming the path and what to do.
 */
export async function checkTraceFile(path: string): Promise<number> {
  const fail = (why: string) => new MgrError('MGR_ERR_TRACE_OPEN', `trace ${path} ${why}`, { file: path });
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw fail(`is a directory: ${TRACE_HINT}`);
    size = st.size;
    await (await open(path, 'r')).close();
  } catch (e) {
    if (e instanceof MgrError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw fail(`does not exist: ${TRACE_HINT}`);
    if (err.code === 'EACCES' || err.code === 'EPERM') throw fail('cannot be read: permission denied');
    throw fail(`cannot be read: ${err.code ?? err.message}`);
  }
  return size;
}

/** Why a stream broke part-way, in words: zlib's codes mean the gzip data itself ends early or is damaged. */
function readFailure(e: NodeJS.ErrnoException): string {
  return typeof e.code === 'string' && e.code.startsWith('Z_')
    ? `truncated or corrupt gzip (${e.message})`
    : `read failed (${e.code ?? e.message})`;
}

/**
 * Streams the lines of a JSONL trace (plain or gzip), a read chunk's lines at a time, pulling from the file only
 * as fast as the consumer asks. `end` is the byte offset after the line in the uncompressed text, which for a
 * plain file is where a resumed read seeks to.
 */
export async function* readTraceLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<TraceLine[]> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const afterLine = options.afterLine ?? 0;
  let gz: boolean;
  try {
    gz = await isGzipFile(path);
  } catch (e) {
    throw new MgrError('MGR_ERR_TRACE_OPEN', `cannot read ${path}: ${(e as Error).message}`, { file: path });
  }
  const seek = !gz && options.afterOffset !== undefined && afterLine > 0 ? options.afterOffset : 0;
  const file = createReadStream(path, { start: seek, highWaterMark: 256 * 1024 });
  const text: Readable = gz ? file.pipe(createGunzip({ chunkSize: 256 * 1024 })) : file;
  if (gz) file.on('error', (e) => text.destroy(e));

  let lineNo = seek > 0 ? afterLine : 0;
  let offset = seek;
  let parts: Buffer[] = [];
  let partLen = 0;
  let oversized = -1; // length so far of a line being skipped because it is too long; -1 when none

  const finish = (seg: Buffer, out: TraceLine[], end: number): void => {
    lineNo++;
    if (lineNo <= afterLine) {
      parts = [];
      partLen = 0;
      oversized = -1;
      return;
    }
    if (oversized >= 0 || partLen + seg.length > max) {
      out.push({ line: lineNo, oversized: (oversized >= 0 ? oversized : partLen) + seg.length, end });
    } else {
      let buf = partLen === 0 ? seg : Buffer.concat([...parts, seg]);
      if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
      out.push({ line: lineNo, text: buf.toString('utf8'), end });
    }
    parts = [];
    partLen = 0;
    oversized = -1;
  };

  try {
    for await (const chunk of text as AsyncIterable<Buffer>) {
      const out: TraceLine[] = [];
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl === -1) {
          const rest = chunk.length - start;
          if (oversized >= 0) oversized += rest;
          else if (partLen + rest > max) {
            oversized = partLen + rest;
            parts = [];
            partLen = 0;
          } else if (rest > 0) {
            parts.push(chunk.subarray(start));
            partLen += rest;
          }
          offset += rest;
          break;
        }
        offset += nl + 1 - start;
        finish(chunk.subarray(start, nl), out, offset);
        start = nl + 1;
      }
      options.onProgress?.(file.bytesRead + seek);
      if (out.length > 0) yield out;
    }
    if (partLen > 0 || oversized >= 0) {
      const out: TraceLine[] = [];
      finish(Buffer.alloc(0), out, offset);
      if (out.length > 0) yield out;
    }
  } catch (e) {
    if (e instanceof MgrError) throw e;
    const read = file.bytesRead + seek;
    throw new MgrError(
      'MGR_ERR_TRACE_READ',
      `${readFailure(e as NodeJS.ErrnoException)} after line ${lineNo}, ${read} bytes of the file read`,
      { file: path, line: lineNo + 1 },
    );
  } finally {
    text.destroy();
    file.destroy();
  }
}
