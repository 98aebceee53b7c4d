import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import { createServer as createNetServer } from 'node:net';

/** Ceph's exporter names itself in every answer; kept, as scripts and proxies may look for it. */
const SERVER = 'Ceph-Prometheus';
const HTML = 'text/html;charset=utf-8';
/** What Ceph's standby answers `/metrics` with (an empty body). */
export const STANDBY_METRICS_TYPE = 'text/plain;charset=utf-8';

/** One answer: status, content type, body. */
export interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: Buffer | string;
}

/** Ceph's index page, linking to the metrics (`/metrics` on the active, the active's URL on a standby). */
export function indexPage(metricsHref: string): Answer {
  return {
    status: 200,
    type: HTML,
    body: `<!DOCTYPE html>
<html>
    <head><title>Ceph Exporter</title></head>
    <body>
        <h1>Ceph Exporter</h1>
        <p><a href='${metricsHref}'>Metrics</a></p>
    </body>
</html>`,
  };
}

function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** An error page laid out as the CherryPy one Ceph's exporter answers with. */
export function errorPage(status: number, message: string): Answer {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return {
    status,
    type: HTML,
    body: `<!DOCTYPE html PUBLIC
"-//W3C//DTD XHTML 1.0 Transitional//EN"
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8"></meta>
    <title>${title}</title>
</head>
    <body>
        <h2>${title}</h2>
        <p>${escapeHtml(message)}</p>
    </body>
</html>
`,
  };
}

/** The answer to an unknown path on the standby. */
export function notFound(path: string): Answer {
  return errorPage(404, `The path '${path}' was not found.`);
}

/** The path of a request, without its query. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * Serves `route` on `addr`:`port`; resolves once listening, rejects if the address cannot be bound. A route that
 * throws gets a 500 and is reported to `onError`; the server goes on.
 */
export function listen(
  addr: string,
  port: number,
  route: (req: IncomingMessage) => Answer,
  onError: (e: unknown) => void,
): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let a: Answer;
    try {
      a = route(req);
    } catch (e) {
      onError(e);
      a = errorPage(
        500,
        'The server encountered an unexpected condition which prevented it from fulfilling the request.',
      );
    }
    const length = typeof a.body === 'string' ? Buffer.byteLength(a.body) : a.body.length;
    res.writeHead(a.status, { 'Content-Type': a.type, 'Content-Length': length, Server: SERVER });
    res.end(req.method === 'HEAD' ? undefined : a.body);
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, addr, () => {
      server.off('error', reject);
      server.on('error', onError);
      resolve(server);
    });
  });
}

/** Stops listening and drops open connections (keep-alive ones included), so shutdown is prompt. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
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
