import { chmodSync, existsSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { isEntityName } from '../commands/entity-name.ts';
import type { CommandTuple } from '../commands/result.ts';
import { type ErrorCode, MgrError } from '../errors.ts';
import { parseWireJson } from './wire-json.ts';

/** Requests larger than this get an error reply and the connection is closed. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** A command dict is two levels deep inside its envelope; anything far deeper is refused before it is looked at. */
export const MAX_REQUEST_DEPTH = 32;

/** What one connection may hold, and how many connections there may be. */
export interface AdminSocketLimits {
  /** The longest request line, in bytes. */
  readonly maxRequestBytes: number;
  /** The deepest nesting of arrays and objects in a request. */
  readonly maxRequestDepth: number;
  /**
   * Unread reply bytes past which the socket takes no further request from the client (it stops reading from it)
   * until the client has read them.
   */
  readonly replyHighWater: number;
  /** Bytes of requests not yet answered that the socket reads ahead while it is busy with one. */
  readonly readAhead: number;
  /** A client that reads none of its pending replies for this long is dropped. */
  readonly stallMs: number;
  /** Connections served at once; more are refused. */
  readonly maxConnections: number;
}

export const DEFAULT_ADMIN_SOCKET_LIMITS: AdminSocketLimits = Object.freeze({
  maxRequestBytes: MAX_REQUEST_BYTES,
  maxRequestDepth: MAX_REQUEST_DEPTH,
  replyHighWater: 1024 * 1024,
  readAhead: 1024 * 1024,
  stallMs: 60_000,
  maxConnections: 128,
});

/** What the socket holds now, summed over its connections. */
export interface AdminSocketStats {
  readonly connections: number;
  /** Request bytes read and not yet answered. */
  readonly queuedBytes: number;
  /** Reply bytes written and not yet taken by their clients. */
  readonly unreadReplyBytes: number;
  /** Connections the socket has stopped reading from. */
  readonly paused: number;
  /** Requests answered since the socket opened. */
  readonly answered: number;
  /** Connections dropped for leaving their replies unread. */
  readonly dropped: number;
}

/** One request as it arrives: the command dict, the `-i` input, and who sends it. */
export interface AdminRequest {
  readonly cmd: unknown;
  readonly inbuf: string;
  readonly entity: string;
}

/** The reply to one request, as one JSON line. */
export interface AdminReply {
  retval: number;
  stdout: string;
  stderr: string;
}

function errorReply(code: ErrorCode, detail: string): AdminReply {
  const e = new MgrError(code, detail);
  return { retval: -e.errno, stdout: '', stderr: e.message };
}

/**
 * Reads a request line: a Ceph-style command dict (`{"prefix": ..., ...}`) from `client.admin`, or an envelope
 * `{"cmd": {...}, "inbuf": "...", "entity": "client.x"}`. The JSON may carry Python's `NaN`/`Infinity` and exact
 * integers past 2^53 (see wire-json.ts).
 */
export function parseRequest(line: string, maxDepth: number = MAX_REQUEST_DEPTH): AdminRequest | AdminReply {
  const parsed = parseWireJson(line, maxDepth);
  if (!parsed.ok) {
    return parsed.reason === 'depth'
      ? errorReply('MGR_ERR_REQUEST_TOO_DEEP', `malformed request: ${parsed.message}`)
      : errorReply('MGR_ERR_REQUEST_MALFORMED', `malformed request: ${parsed.message}`);
  }
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return errorReply('MGR_ERR_REQUEST_MALFORMED', 'malformed request: expected a JSON object');
  }
  const v = value as Record<string, unknown>;
  if ('prefix' in v) return { cmd: v, inbuf: '', entity: 'client.admin' };
  if (typeof v.cmd !== 'object' || v.cmd === null) {
    return errorReply('MGR_ERR_REQUEST_MALFORMED', 'malformed request: needs "prefix", or "cmd" holding one');
  }
  if (v.inbuf !== undefined && typeof v.inbuf !== 'string') {
    return errorReply('MGR_ERR_REQUEST_MALFORMED', 'malformed request: "inbuf" is not a string');
  }
  // No entity means the default name, as for Ceph's CLI; a given one must be a name, or it would pick someone's caps
  if (v.entity !== undefined && !isEntityName(v.entity)) {
    return errorReply('MGR_ERR_REQUEST_ENTITY', 'invalid entity: expected a name of the form TYPE.ID (client.admin)');
  }
  return {
    cmd: v.cmd,
    inbuf: (v.inbuf as string | undefined) ?? '',
    entity: (v.entity as string | undefined) ?? 'client.admin',
  };
}

type Handler = (req: AdminRequest) => Promise<CommandTuple>;

/**
 * The admin socket of a running host: a Unix socket (mode 0600) taking one JSON request per line and answering each
 * with one JSON line, in order per connection; connections are served side by side, none waits for another.
 * Each connection answers one request at a time and holds a bounded amount: see {@link AdminSocketLimits}.
 */
export class AdminSocket {
  private readonly server: Server;
  readonly path: string;
  private readonly connections = new Set<Connection>();
  private readonly totals = { answered: 0, dropped: 0 };

  private constructor(path: string, server: Server) {
    this.path = path;
    this.server = server;
  }

  static async listen(path: string, handle: Handler, limits: Partial<AdminSocketLimits> = {}): Promise<AdminSocket> {
    const lim: AdminSocketLimits = { ...DEFAULT_ADMIN_SOCKET_LIMITS, ...limits };
    if (existsSync(path)) {
      const alive = await new Promise<boolean>((resolve) => {
        const probe = connect(path);
        probe.once('connect', () => {
          probe.destroy();
          resolve(true);
        });
        probe.once('error', () => resolve(false));
      });
      if (alive) throw new Error(`another host is serving ${path}`);
      rmSync(path, { force: true });
    }
    // half-open: a client may send its requests and shut its side, and still get every answer
    const server = createServer({ allowHalfOpen: true });
    server.maxConnections = lim.maxConnections;
    const admin = new AdminSocket(path, server);
    server.on('connection', (socket) => {
      const c = new Connection(socket, handle, lim, admin.totals);
      admin.connections.add(c);
      socket.on('close', () => admin.connections.delete(c));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
    return admin;
  }

  stats(): AdminSocketStats {
    let queuedBytes = 0;
    let unreadReplyBytes = 0;
    let paused = 0;
    for (const c of this.connections) {
      queuedBytes += c.queuedBytes;
      unreadReplyBytes += c.unreadReplyBytes;
      if (c.paused) paused++;
    }
    return { connections: this.connections.size, queuedBytes, unreadReplyBytes, paused, ...this.totals };
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}

/**
 * One client: its unread request bytes (kept raw, cut into lines only when the previous request is answered), the
 * request being answered, and back-pressure both ways.
 */
class Connection {
  private inbox: Buffer[] = [];
  /** Bytes of inbox[0] already taken. */
  private head = 0;
  /** Chunks of the inbox known to hold no newline. */
  private scanned = 0;
  queuedBytes = 0;
  paused = false;
  private busy = false;
  private closed = false;
  /** The client has sent all it will send: answer what is queued, then close. */
  private inputEnded = false;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly handle: Handler,
    private readonly limits: AdminSocketLimits,
    private readonly totals: { answered: number; dropped: number },
  ) {
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.release());
    socket.on('drain', () => this.pump());
    socket.on('end', () => {
      if (this.closed) return;
      this.inputEnded = true;
      // a last request without its newline still counts
      this.inbox.push(Buffer.from('\n'));
      this.queuedBytes += 1;
      this.pump();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.inbox.push(chunk);
      this.queuedBytes += chunk.length;
      this.pump();
    });
  }

  get unreadReplyBytes(): number {
    return this.closed ? 0 : this.socket.writableLength;
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Everything the client left behind goes with it, including requests not yet answered. */
  private release(): void {
    this.closed = true;
    this.inbox = [];
    this.queuedBytes = 0;
    this.head = 0;
    this.scanned = 0;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  /** The next complete line, without its newline; null if none has arrived whole. */
  private takeLine(): Buffer | null {
    for (let i = this.scanned; i < this.inbox.length; i++) {
      const chunk = this.inbox[i]!;
      const nl = chunk.indexOf(0x0a, i === 0 ? this.head : 0);
      if (nl === -1) {
        this.scanned = i + 1;
        continue;
      }
      const parts = this.inbox.slice(0, i + 1).map((c, k) => c.subarray(k === 0 ? this.head : 0));
      parts[i] = chunk.subarray(i === 0 ? this.head : 0, nl);
      const line = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      const taken = line.length + 1;
      this.inbox = this.inbox.slice(i);
      this.head = nl + 1;
      if (this.head === chunk.length) {
        this.inbox.shift();
        this.head = 0;
      }
      this.scanned = 0;
      this.queuedBytes -= taken;
      return line;
    }
    return null;
  }

  private backPressured(): boolean {
    return this.socket.writableLength > this.limits.replyHighWater;
  }

  /** Answers the next request if it can, and reads from the client only while that holds a bounded amount. */
  private pump(): void {
    while (!this.closed && !this.busy) {
      if (this.backPressured()) {
        this.watchStall();
        break;
      }
      this.clearStall();
      const line = this.takeLine();
      if (line === null) {
        if (this.queuedBytes > this.limits.maxRequestBytes) {
          this.tooLarge();
          return;
        }
        if (this.inputEnded) {
          this.socket.end();
          return;
        }
        break;
      }
      if (line.length > this.limits.maxRequestBytes) {
        this.tooLarge();
        return;
      }
      const text = line.toString('utf8');
      if (text.trim() === '') continue;
      this.busy = true;
      void this.answer(text).then((reply) => {
        this.busy = false;
        if (this.closed) return;
        this.totals.answered++;
        this.socket.write(`${JSON.stringify(reply)}\n`);
        this.pump();
      });
    }
    this.steerReading();
  }

  /**
   * While a request is being answered, or replies wait unread, only `readAhead` bytes more are read; with nothing
   * to do, reading goes on (up to a request's limit) until a whole request is in.
   */
  private steerReading(): void {
    if (this.closed) return;
    const waiting = this.busy || this.backPressured();
    const stop = waiting && this.queuedBytes >= this.limits.readAhead;
    if (stop && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!stop && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private async answer(line: string): Promise<AdminReply> {
    try {
      const parsed = parseRequest(line, this.limits.maxRequestDepth);
      if ('retval' in parsed) return parsed;
      const [retval, stdout, stderr] = await this.handle(parsed);
      return { retval, stdout, stderr };
    } catch (e) {
      // the handler is meant never to throw; if it does, the client gets an error and the socket goes on
      return errorReply('MGR_ERR_COMMAND_FAILED', e instanceof Error ? e.message : String(e));
    }
  }

  private tooLarge(): void {
    this.release();
    const e = new MgrError('MGR_ERR_REQUEST_TOO_LARGE', `request larger than ${this.limits.maxRequestBytes} bytes`);
    this.socket.end(`${JSON.stringify({ retval: -e.errno, stdout: '', stderr: e.message })}\n`);
  }

  /** A client whose unread replies do not shrink for `stallMs` is dropped. */
  private watchStall(): void {
    if (this.stallTimer !== undefined) return;
    let seen = this.socket.writableLength;
    const check = () => {
      const now = this.socket.writableLength;
      if (this.closed || !this.backPressured()) {
        this.stallTimer = undefined;
        return;
      }
      if (now < seen) {
        seen = now;
        this.stallTimer = setTimeout(check, this.limits.stallMs).unref();
        return;
      }
      this.totals.dropped++;
      this.socket.destroy();
    };
    this.stallTimer = setTimeout(check, this.limits.stallMs).unref();
  }

  private clearStall(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }
}
