import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Observable } from 'rxjs';
import { MgrError } from '../errors.ts';
import type { Rejection } from '../ingest/rejection.ts';
import type { SourceItem } from '../ingest/source-item.ts';
import { LineSplitter, lineToItem } from './line-splitter.ts';
import { DEFAULT_MAX_LINE_BYTES } from './trace-lines.ts';

export interface FollowOptions {
  /** How often the end of the file is looked at for new lines, in ms. */
  readonly pollMs?: number;
  readonly maxLineBytes?: number;
  /** As for a trace source: called before each item, reading waits for the promise it returns. */
  readonly gate?: (item: SourceItem) => Promise<void> | undefined;
  /** Ends the stream (it completes) when aborted; a followed file has no end of its own. */
  readonly signal?: AbortSignal;
  /**
   * Told each time the follower has read all there is and waits `pollMs` before it looks again: once told twice
   * after a write, the follower has looked at the file since (a test's barrier, rather than a sleep).
   */
  readonly onIdle?: () => void;
}

const GZIP_MAGIC = 0x8b1f;
const READ_BYTES = 256 * 1024;

/**
 * A trace that is still being written (`tail -F`): the lines already in the file, then each line appended, for as
 * long as the stream is subscribed. When the file is rotated (renamed away and a new one started under the same
 * name, as mgrkit_recorder does past `max_file_mb`) the rest of the old file is read first, then the new file from
 * its start; a file truncated in place is read again from its start. Lines are numbered on across files. A file
 * that does not exist yet is waited for. Plain JSONL only: a gzip file cannot be read while it grows.
 *
 * @example
 * const stop = new AbortController();
 * followSource('/var/log/ceph/cluster.jsonl', { signal: stop.signal }).subscribe((item) => console.log(item.line));
 */
export function followSource(path: string, options: FollowOptions = {}): Observable<SourceItem> {
  const pollMs = options.pollMs ?? 100;
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  return new Observable<SourceItem>((subscriber) => {
    let stopped = false;
    const abort = new AbortController();
    const stop = () => {
      stopped = true;
      abort.abort();
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    const splitter = new LineSplitter(0, max);
    const emit = async (item: SourceItem): Promise<void> => {
      const wait = options.gate?.(item);
      if (wait !== undefined) await wait;
      if (!stopped) subscriber.next(item);
    };
    const reject = (code: Rejection['code'], reason: string): Promise<void> =>
      emit({
        kind: 'rejection',
        rejection: { file: path, line: splitter.line + 1, code, path: [], reason },
        line: splitter.line,
        end: 0,
      });
    const pause = () => {
      options.onIdle?.();
      return sleep(pollMs, undefined, { signal: abort.signal }).catch(() => undefined);
    };

    (async () => {
      const buf = Buffer.alloc(READ_BYTES);
      let fh: FileHandle | null = null;
      let ino = -1;
      let pos = 0;
      /** Reads what the open file has past `pos`; returns whether there was anything. */
      const readMore = async (file: FileHandle): Promise<boolean> => {
        const { bytesRead } = await file.read(buf, 0, READ_BYTES, pos);
        if (bytesRead === 0) return false;
        if (pos === 0 && bytesRead >= 2 && buf.readUInt16LE(0) === GZIP_MAGIC) {
          throw new MgrError(
            'MGR_ERR_TRACE_OPEN',
            `${path} is gzip-compressed: a growing trace is followed as plain JSONL (replay the .gz instead)`,
            { file: path },
          );
        }
        pos += bytesRead;
        for (const l of splitter.push(buf.subarray(0, bytesRead))) {
          if (stopped) return true;
          const item = lineToItem(l, path, max);
          if (item !== null) await emit(item);
        }
        return true;
      };
      /** Rotated files newer than the one just finished, oldest first: read whole before the current file. */
      const missed: FileHandle[] = [];
      const endOfFile = async (file: FileHandle): Promise<void> => {
        while (!stopped && (await readMore(file))) {}
        await file.close();
        const cut = splitter.reset();
        if (cut > 0)
          await reject('MGR_ERR_TRACE_NOT_JSON', `the file was rotated in the middle of a line (${cut} bytes)`);
      };
      try {
        while (!stopped) {
          if (missed.length > 0) {
            // The current file (already open) waits at its own offset while an older one is read whole.
            const at = pos;
            pos = 0;
            await endOfFile(missed.shift()!);
            pos = at;
            continue;
          }
          if (fh === null) {
            try {
              fh = await open(path, 'r');
            } catch (e) {
              if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
              await pause();
              continue;
            }
            ino = (await fh.stat()).ino;
            pos = 0;
          }
          if (await readMore(fh)) continue;
          const now = await stat(path).catch(() => null);
          if (now !== null && now.ino !== ino) {
            // Rotated: the rest of the old file first, then any file rotated after it (FILE.k-1 .. FILE.1) when the
            // writer went round more than once since the last look, then the new FILE.
            await endOfFile(fh);
            fh = null;
            const chain = await rotatedAfter(path, ino);
            missed.push(...chain.newer);
            if (chain.current !== null) {
              fh = chain.current;
              ino = (await fh.stat()).ino;
              pos = 0;
            }
            continue;
          }
          if (now !== null && now.size < pos) {
            pos = 0;
            splitter.reset();
            continue;
          }
          await pause();
        }
      } catch (e) {
        if (e instanceof MgrError) await reject(e.code, e.message);
        else await reject('MGR_ERR_TRACE_OPEN', `cannot read ${path}: ${(e as Error).message}`);
      } finally {
        await fh?.close().catch(() => undefined);
        for (const older of missed) await older.close().catch(() => undefined);
        options.signal?.removeEventListener('abort', stop);
      }
      subscriber.complete();
    })();
    return () => {
      stopped = true;
      abort.abort();
    };
  });
}

/**
 * After a rotation: `FILE.k-1`, ..., `FILE.1` when the file with inode `ino` is now `FILE.k` (none when it is not
 * found), and `FILE` itself, all opened at one moment so that further rotations cannot rename one away before it
 * is read. A scan that overlapped a rotation (an inode seen twice, or `FILE` replaced meanwhile) is done again.
 */
async function rotatedAfter(path: string, ino: number): Promise<{ newer: FileHandle[]; current: FileHandle | null }> {
  for (let attempt = 0; ; attempt++) {
    const current = await open(path, 'r').catch(() => null);
    const newer: FileHandle[] = [];
    const seen = new Set<number>();
    let found = false;
    for (let n = 1; n < 10_000; n++) {
      const fh = await open(`${path}.${n}`, 'r').catch(() => null);
      if (fh === null) break;
      const fino = (await fh.stat()).ino;
      if (fino === ino) {
        await fh.close();
        found = true;
        break;
      }
      seen.add(fino);
      newer.push(fh);
    }
    const now = await stat(path).catch(() => null);
    const currentIno = current === null ? null : (await current.stat()).ino;
    const steady = seen.size === newer.length && (now?.ino ?? null) === currentIno;
    if (steady || attempt >= 50) {
      if (!found) {
        await Promise.all(newer.map((fh) => fh.close()));
        return { newer: [], current };
      }
      return { newer: newer.reverse(), current };
    }
    await Promise.all([...newer, ...(current ? [current] : [])].map((fh) => fh.close()));
    await sleep(5);
  }
}
