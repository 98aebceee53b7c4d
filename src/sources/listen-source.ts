import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { type Observable, Subject } from 'rxjs';
import { BRIDGE_VERSION, type BridgeMessage, BridgeMessageSchema } from '../../schemas/bridge.ts';
import { MgrError } from '../errors.ts';
import type { SourceItem } from '../ingest/source-item.ts';
import type { BridgeLink } from './bridge-link.ts';
import { LineSplitter, lineToItem } from './line-splitter.ts';
import { DEFAULT_MAX_LINE_BYTES, type TraceLine } from './trace-lines.ts';

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
  /**
   * The two-way bridge: a recorder that says hello on an authenticated connection serves its requests, and the
   * bridge's lines are kept out of the events. Without one, bridge lines are ignored.
   */
  readonly bridge?: BridgeLink;
  /**
   * The shared secret a recorder must prove it holds before anything it sends is taken (required for TCP when a
   * bridge is given; a Unix socket is made mode 0600 instead, and takes a secret too when one is given).
   */
  readonly secret?: Buffer;
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

/** How long a new connection has to prove the secret. */
const AUTH_WINDOW_MS = 10_000;

function isBridgeLine(text: string): boolean {
  return text.startsWith('{"bridge":');
}

/**
 * Listens where a recorder (`mgrkit_recorder` with `output = listen:...`) connects and streams JSONL. One
 * connection is read at a time: a new one (the recorder reconnecting) replaces the one before, once it has
 * authenticated where it must. When a connection ends, a `mon_session` `down` event is emitted, since the monitors
 * can no longer be heard; the recorder starts every connection with its whole state, so the next one brings the
 * connection back up. Binding fails at once, with the address in the message, rather than on the first event.
 *
 * With a `secret`, a connection's first line must answer the challenge mgrkit sends (HMAC-SHA256 of a fresh nonce);
 * a peer that does not is logged through the bridge's `refused` and cut off, having been read nothing but that line.
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
  const bridge = options.bridge;
  const secret = options.secret;
  if (bridge !== undefined && !('path' in where) && secret === undefined) {
    throw new MgrError(
      'MGR_ERR_BRIDGE_SECRET',
      `listen:${spec}: a recorder on TCP acts with the manager's caps: give the shared secret (--bridge-secret-file), or listen on a Unix socket`,
    );
  }
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
    const peer = socket.remoteAddress === undefined ? `unix:${spec}` : `${socket.remoteAddress}:${socket.remotePort}`;
    const splitter = new LineSplitter(0, max);
    const conn = { write: (line: string) => void socket.write(line) };
    let heard = false;
    let nonce: string | null = null;
    let cut = false;
    const refuse = (why: string) => {
      if (cut) return;
      cut = true;
      bridge?.refused(peer, why);
      const refused: BridgeMessage = { bridge: 'refused', version: BRIDGE_VERSION, why };
      socket.end(`${JSON.stringify(refused)}\n`);
      socket.destroySoon();
    };
    const admit = () => {
      if (current !== socket) {
        current?.destroy();
        current = socket;
      }
    };
    if (secret !== undefined) {
      nonce = randomBytes(32).toString('hex');
      const challenge: BridgeMessage = { bridge: 'challenge', version: BRIDGE_VERSION, nonce };
      socket.write(`${JSON.stringify(challenge)}\n`);
      const timer = setTimeout(() => {
        if (nonce !== null) refuse(`no answer to the challenge within ${AUTH_WINDOW_MS / 1000} s`);
      }, AUTH_WINDOW_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    } else {
      if (bridge !== undefined) {
        const open: BridgeMessage = { bridge: 'open', version: BRIDGE_VERSION };
        socket.write(`${JSON.stringify(open)}\n`);
      }
      admit();
    }

    // The bridge's own lines: a parsed message, or null when the line is not one.
    const bridgeMessage = (text: string): BridgeMessage | null => {
      if (!isBridgeLine(text)) return null;
      try {
        const m = BridgeMessageSchema.safeParse(JSON.parse(text));
        return m.success ? m.data : null;
      } catch {
        return null;
      }
    };
    const take = async (l: TraceLine): Promise<boolean> => {
      if (cut) return false;
      if (nonce !== null) {
        const m = 'text' in l ? bridgeMessage(l.text) : null;
        if (m?.bridge !== 'auth' || !proves(secret!, nonce, m.hmac)) {
          refuse(m === null ? 'its first line is not an answer to the challenge' : 'a wrong answer to the challenge');
          return false;
        }
        nonce = null;
        admit();
        return true;
      }
      if ('text' in l && isBridgeLine(l.text)) {
        const m = bridgeMessage(l.text);
        if (m === null || bridge === undefined || current !== socket) return true;
        if (m.bridge === 'hello') bridge.open(conn, m);
        else if (m.bridge === 'request' || m.bridge === 'reply') bridge.receive(conn, m);
        return true;
      }
      const item = lineToItem(l, file, max);
      if (item === null) return true;
      heard = true;
      await emit(item);
      return true;
    };
    socket.on('data', (chunk: Buffer) => {
      socket.pause();
      chain = chain
        .then(async () => {
          for (const l of splitter.push(chunk)) if (!(await take(l))) return;
        })
        .finally(() => socket.resume());
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      chain = chain.then(async () => {
        bridge?.close(conn);
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
    if ('path' in where) {
      // Made 0600 from the start: whoever can connect can act with the manager's caps through the bridge.
      const umask = process.umask(0o177);
      server.listen(where.path, () => {
        chmodSync(where.path, 0o600);
        resolve();
      });
      process.umask(umask);
    } else server.listen(where.port, where.host, resolve);
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

/** Whether `hmac` (hex) is HMAC-SHA256 of `nonce` keyed by `secret`; compared in constant time. */
export function proves(secret: Buffer, nonce: string, hmac: string): boolean {
  const want = createHmac('sha256', secret).update(nonce).digest();
  const got = Buffer.from(hmac, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A socket file left by a listener that is gone would make `listen` fail with EADDRINUSE; anything else is kept. */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    // no such file: nothing to remove
  }
}
