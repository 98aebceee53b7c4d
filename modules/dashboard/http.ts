import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { hostname } from 'node:os';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** Serves `app` on `addr`:`port`; resolves once listening, rejects if the address cannot be bound. */
export function listen(app: Hono, addr: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: addr, port }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Stops listening and drops open connections (event streams and keep-alive ones), so shutdown is prompt. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * The URI a server on `addr` publishes, as Ceph's dashboard builds it: the host's name when listening on every
 * address, the port actually bound (which differs from the option when it is 0).
 */
export function serviceUri(server: Server, addr: string): string {
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
  const host = addr === '::' || addr === '0.0.0.0' ? hostname() : addr.includes(':') ? `[${addr}]` : addr;
  return `http://${host}:${port}/`;
}

let defaultAddr: Promise<string> | undefined;

/** Ceph's `get_default_addr()`: `::` when IPv6 can be bound here, else `0.0.0.0`. */
export function getDefaultAddr(): Promise<string> {
  defaultAddr ??= new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', () => resolve('0.0.0.0'));
    probe.listen(0, '::1', () => probe.close(() => resolve('::')));
  });
  return defaultAddr;
}
