import { lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { type Observable, Subject } from 'rxjs';
import { MgrError } from '../errors.ts';
import type { SourceItem } from '../ingest/source-item.ts';
import { LineSplitter, lineToItem } from './line-splitter.ts';
import { DEFAULT_MAX_LINE_BYTES } from './trace-lines.ts';

/** Where a recorder connects: a Unix socket path, or a TCP host and port. */
export type ListenAddress = { readonly path: string } | { readonly host: string; readonly port: number };

/** `PATH` (a Unix socket: contains a `/`, or has no `:port`) or `HOST:PORT` (`[::1]:7700` for IPv6). */
export function parseListenAddress(spec: string): ListenAddress {
  const tcp = /^(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(spec);
  if (tcp !== null) {
    const port = Number(tcp[2]);
    if (port > 65535) throw new MgrError('MGR_ERR_USAGE', `listen:${spec}: port ${port} is out of range`);
    return { host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
  }
  if (spec === '') throw new MgrError('MGR_ERR_USAGE', 'listen: needs a socket path or HOST:PORT');
  return { path: spec };
}

export interface ListenOptions {
  readonly maxLineBytes?: number;
  /** As for a trace source: called before each item, reading waits for the promise it returns. */
  readonly gate?: (item: SourceItem) => Promise<void> | undefined;
}

/** A bound listener and the events its recorders stream to it. */
export interface ListenSource {
  /** `unix:PATH` or `HOST:PORT` as bound (the port chosen, when 0 was asked for). */
  readonly address: string;
  /** Every line each connection sends, in order; completes after `close()`. */
  readonly items: Observable<SourceItem>;
  /** Stops listening, ends the current connection and completes `items`. */
  close(): Promise<void>;
}

/**
 * Listens where a recorder (`mgrkit_recorder` with `output = listen:...`) connects and streams JSONL. One
 * connection is read at a time: a new one (the recorder reconnecting) replaces the one before. When a connection
 * ends, a `mon_session` `down` event is emitted, since the monitors can no longer be heard; the recorder starts
 * every connection with its whole state, so the next one brings the connection back up. Binding fails at once,
 * with the address in the message, rather than on the first event.
 *
 * @example
 * const src = await listenSource('127.0.0.1:7700'); // recorder: output = listen:127.0.0.1:7700
 * src.items.subscribe((item) => console.log(item.kind === 'event' ? item.event.kind : item.rejection.reason));
 * await src.close();
 */
export async function listenSource(spec: string, options: ListenOptions = {}): Promise<ListenSource> {
  const where = parseListenAddress(spec);
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const out = new Subject<SourceItem>();
  const splitter = new LineSplitter(0, max);
  let current: Socket | null = null;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  const emit = async (item: SourceItem): Promise<void> => {
    const wait = options.gate?.(item);
    if (wait !== undefined) await wait;
    if (!closed) out.next(item);
  };
  const file = `listen:${spec}`;

  const server: Server = createServer((socket) => {
    if (closed) {
      socket.destroy();
      return;
    }
    current?.destroy();
    current = socket;
    let heard = false;
    chain = chain.then(() => {
      splitter.reset();
    });
    socket.on('data', (chunk: Buffer) => {
      socket.pause();
      chain = chain
        .then(async () => {
          for (const l of splitter.push(chunk)) {
            const item = lineToItem(l, file, max);
            if (item === null) continue;
            heard = true;
            await emit(item);
          }
        })
        .finally(() => socket.resume());
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      chain = chain.then(async () => {
        if (!heard || current !== socket) return;
        current = null;
        await emit({
          kind: 'event',
          event: { v: 1, t: Date.now(), kind: 'mon_session', state: 'down' },
          line: splitter.line,
          end: 0,
        });
      });
    });
  });

  if ('path' in where) removeStaleSocket(where.path);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new MgrError('MGR_ERR_SOURCE_LISTEN', `cannot listen on ${spec}: ${e.message}`)),
    );
    if ('path' in where) server.listen(where.path, resolve);
    else server.listen(where.port, where.host, resolve);
  });
  const bound = server.address();
  const address =
    typeof bound === 'string' || bound === null
      ? `unix:${'path' in where ? where.path : String(bound)}`
      : `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;

  return {
    address,
    items: out.asObservable(),
    close: async () => {
      if (closed) return;
      closed = true;
      current?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await chain.catch(() => undefined);
      if ('path' in where) removeStaleSocket(where.path);
      out.complete();
    },
  };
}

/** A socket file left by a listener that is gone would make `listen` fail with EADDRINUSE; anything else is kept. */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // no such file: nothing to remove
  }
}
