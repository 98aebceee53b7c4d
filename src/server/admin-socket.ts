import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { MgrError } from '../errors.ts';
import { AdminConnection, type AdminHandler } from './admin-connection.ts';
import { type AdminSocketLimits, DEFAULT_ADMIN_SOCKET_LIMITS } from './admin-socket-limits.ts';

// The request's shape and parse live in admin-request.ts; callers of the socket find them here too.
export { type AdminReply, type AdminRequest, MAX_REQUEST_DEPTH, parseRequest } from './admin-request.ts';
export { type AdminSocketLimits, DEFAULT_ADMIN_SOCKET_LIMITS, MAX_REQUEST_BYTES } from './admin-socket-limits.ts';

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

/**
 * The admin socket of a running host: a Unix socket (mode 0600) taking one JSON request per line and answering each
 * with one JSON line, in order per connection; connections are served side by side, none waits for another.
 * Each connection answers one request at a time and holds a bounded amount: see {@link AdminSocketLimits}.
 */
/** The longest Unix socket path Linux binds (`sun_path` holds 108 bytes with its terminating NUL). */
const MAX_SOCKET_PATH_BYTES = 107;

export class AdminSocket {
  private readonly server: Server;
  readonly path: string;
  private readonly connections = new Set<AdminConnection>();
  private readonly totals = { answered: 0, dropped: 0 };

  private constructor(path: string, server: Server) {
    this.path = path;
    this.server = server;
  }

  static async listen(
    path: string,
    handle: AdminHandler,
    limits: Partial<AdminSocketLimits> = {},
  ): Promise<AdminSocket> {
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
      if (alive) {
        throw new MgrError(
          'MGR_ERR_SOCKET_IN_USE',
          `another host is serving ${path}: stop it, or give this one another --socket`,
          { file: path },
        );
      }
      rmSync(path, { force: true });
    }
    // half-open: a client may send its requests and shut its side, and still get every answer
    const server = createServer({ allowHalfOpen: true });
    server.maxConnections = lim.maxConnections;
    const admin = new AdminSocket(path, server);
    server.on('connection', (socket) => {
      const c = new AdminConnection(socket, handle, lim, admin.totals);
      admin.connections.add(c);
      socket.on('close', () => admin.connections.delete(c));
    });
    // Bound and listening under a staging name, made 0600, then renamed into place: a client that finds the path
    // can connect at once, and never finds it open to others. A path too long to stage is bound where it is.
    const staging = `${path}.${process.pid}`;
    const bindPath = Buffer.byteLength(staging) <= MAX_SOCKET_PATH_BYTES ? staging : path;
    rmSync(staging, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(bindPath, () => resolve());
    });
    chmodSync(bindPath, 0o600);
    if (bindPath !== path) renameSync(bindPath, path);
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
