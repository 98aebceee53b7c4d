import { createServer, type Server } from 'node:http';
import { MgrError } from '../errors.ts';

/** What the exporter answers `/metrics` with (Prometheus's text format, as node_exporter sends it). */
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** `HOST:PORT` (an IPv6 host in brackets) as host and port, or null when it is not one. */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:/\s[\]]+):(\d{1,5})$/.exec(text);
  if (m === null || Number(m[2]) > 65535) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/**
 * Serves the simulated hosts' node exporters on `address` (`HOST:PORT`, named `option` in errors): `GET /metrics`
 * answers `render()`, every host's series in one exposition. Resolves once listening, with the port bound (the one
 * chosen, for port 0); a port that cannot be bound is an error naming the option.
 */
export function serveNodeExporter(
  address: string,
  render: () => string,
  option = 'node_exporter',
): Promise<{ server: Server; port: number }> {
  const where = parseHostPort(address);
  if (where === null) {
    return Promise.reject(
      new MgrError('MGR_ERR_USAGE', `${option}=${address}: expected HOST:PORT with a port from 0 to 65535`),
    );
  }
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      let body: string;
      try {
        body = render();
      } catch (e) {
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${(e as Error).message}\n`);
        return;
      }
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : body);
    } else if (path === '/') {
      res
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
        .end('<html><head><title>Node Exporter</title></head><body><a href="/metrics">Metrics</a></body></html>\n');
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'EADDRINUSE' ? 'the address is in use' : e.code === 'EACCES' ? 'permission denied' : e.message;
      reject(new MgrError('MGR_ERR_USAGE', `${option}=${address}: cannot listen: ${why}`));
    });
    server.listen(where.port, where.host, () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a !== null ? a.port : where.port });
    });
  });
}
