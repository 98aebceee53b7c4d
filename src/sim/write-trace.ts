import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ClusterEvent } from '../../schemas/event.ts';

/** Lines are gathered into chunks of about this size before a write: one syscall per line would dominate. */
const CHUNK_BYTES = 1 << 20;

/** What was written. */
export interface TraceWriteSummary {
  readonly events: number;
  /** Bytes of JSONL before compression. */
  readonly bytes: number;
  /** Bytes that reached the file (compressed for .gz); null when writing to a stream. */
  readonly fileBytes: number | null;
}

export interface WriteTraceOptions {
  /** Told after every chunk: how many events so far and the stream time of the last one. */
  readonly onProgress?: (events: number, lastT: number) => void;
}

/**
 * Writes events as a JSONL trace to `out`, one line each, waiting for the stream to drain whenever it asks to: the
 * events are pulled only as fast as they can be written, so a generator of any length streams through.
 */
export async function writeEvents(
  events: Iterable<ClusterEvent>,
  out: Writable,
  options: WriteTraceOptions = {},
): Promise<{ events: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  let chunk: string[] = [];
  let chunkBytes = 0;
  let lastT = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const text = `${chunk.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    chunk = [];
    chunkBytes = 0;
    if (!out.write(text)) await once(out, 'drain');
    options.onProgress?.(count, lastT);
  };
  for (const e of events) {
    const line = JSON.stringify(e);
    chunk.push(line);
    chunkBytes += line.length + 1;
    count++;
    lastT = e.t;
    if (chunkBytes >= CHUNK_BYTES) await flush();
  }
  await flush();
  return { events: count, bytes };
}

/** Writes events to `path` (gzip when it ends in `.gz`) and closes it. */
export async function writeTraceFile(
  events: Iterable<ClusterEvent>,
  path: string,
  options: WriteTraceOptions = {},
): Promise<TraceWriteSummary> {
  const file = createWriteStream(path);
  const gzip = path.endsWith('.gz') ? createGzip() : null;
  const sink: Writable = gzip ?? file;
  if (gzip) gzip.pipe(file);
  const failed = new Promise<never>((_, reject) => {
    file.once('error', reject);
    gzip?.once('error', reject);
  });
  failed.catch(() => {});
  const written = await Promise.race([writeEvents(events, sink, options), failed]);
  const closed = once(file, 'close');
  sink.end();
  await Promise.race([closed, failed]);
  return { ...written, fileBytes: file.bytesWritten };
}
