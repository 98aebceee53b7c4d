import { chmodSync, existsSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { constants } from 'node:os';
import type { CommandTuple } from '../commands/result.ts';

const { EINVAL, E2BIG } = constants.errno;

/** Requests larger than this get an error reply and the connection is closed. */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

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

/**
 * Reads a request line: a Ceph-style command dict (`{"prefix": ..., ...}`) from `client.admin`, or an envelope
 * `{"cmd": {...}, "inbuf": "...", "entity": "client.x"}`.
 */
export function parseRequest(line: string): AdminRequest | AdminReply {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { retval: -EINVAL, stdout: '', stderr: `malformed request: ${(e as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { retval: -EINVAL, stdout: '', stderr: 'malformed request: expected a JSON object' };
  }
  const v = value as Record<string, unknown>;
  if ('prefix' in v) return { cmd: v, inbuf: '', entity: 'client.admin' };
  if (typeof v.cmd !== 'object' || v.cmd === null) {
    return { retval: -EINVAL, stdout: '', stderr: 'malformed request: needs "prefix", or "cmd" holding one' };
  }
  return {
    cmd: v.cmd,
    inbuf: typeof v.inbuf === 'string' ? v.inbuf : '',
    entity: typeof v.entity === 'string' ? v.entity : 'client.admin',
  };
}

/**
 * The admin socket of a running host: a Unix socket (mode 0600) taking one JSON request per line and answering each
 * with one JSON line, in order per connection; connections are served side by side, none waits for another.
 */
export class AdminSocket {
  private readonly server: Server;
  readonly path: string;
  private readonly sockets = new Set<Socket>();

  private constructor(path: string, server: Server) {
    this.path = path;
    this.server = server;
  }

  static async listen(path: string, handle: (req: AdminRequest) => Promise<CommandTuple>): Promise<AdminSocket> {
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
    const server = createServer((socket) => serve(socket, handle));
    const admin = new AdminSocket(path, server);
    server.on('connection', (s) => {
      admin.sockets.add(s);
      s.on('close', () => admin.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
    return admin;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }
}

function serve(socket: Socket, handle: (req: AdminRequest) => Promise<CommandTuple>): void {
  let buffered: Buffer[] = [];
  let size = 0;
  let chain = Promise.resolve();
  const reply = (r: AdminReply) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(r)}\n`);
  };
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const part = chunk.subarray(start, nl === -1 ? chunk.length : nl);
      size += part.length;
      if (size > MAX_REQUEST_BYTES) {
        buffered = [];
        chain = chain.then(() => {
          reply({ retval: -E2BIG, stdout: '', stderr: `request larger than ${MAX_REQUEST_BYTES} bytes` });
          socket.end();
        });
        socket.removeAllListeners('data');
        return;
      }
      buffered.push(part);
      if (nl === -1) return;
      const line = Buffer.concat(buffered).toString('utf8');
      buffered = [];
      size = 0;
      start = nl + 1;
      if (line.trim() === '') continue;
      const parsed = parseRequest(line);
      chain = chain.then(async () => {
        if ('retval' in parsed) return reply(parsed);
        const [retval, stdout, stderr] = await handle(parsed);
        reply({ retval, stdout, stderr });
      });
    }
  });
}
