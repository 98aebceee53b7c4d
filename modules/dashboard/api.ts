import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { MgrError, type PastState } from 'mgrkit';
import { capacityView } from './capacity-view.ts';
import { ioRates, pgView, poolView } from './cluster-views.ts';
import { FAVICON } from './favicon.ts';
import { healthView, monsView, osdCountsView } from './health-view.ts';
import { hostPage } from './host-table.ts';
import type { IoSample } from './io-history.ts';
import type { LiveEvents } from './live-events.ts';
import { OSD_SORT_KEYS, type OsdSortKey, osdTable, type SortDir } from './osd-table.ts';
import { PAGE } from './page.ts';
import type { ClusterReader } from './reader.ts';

/** The largest OSD page served: a page, not a way around pagination. */
export const MAX_LIMIT = 1000;

type LogEntry = ReturnType<PastState['get_cluster_log']>[number];

/** One state the API answers from: the current one (its seq, or null without a store) or a past one. */
export interface DashboardView {
  readonly reader: ClusterReader;
  readonly seq: number | null;
  readonly live: boolean;
  log(num: number): readonly LogEntry[];
}

/** What the API needs from the module. */
export interface DashboardSource {
  /** The current state (`seq` undefined) or the state after event `seq`; throws `MgrError` outside the journal. */
  view(seq: number | undefined): DashboardView;
  /** The journal's first seq and the current snapshot's, or null on a host without a store. */
  journal(): { first: number; last: number } | null;
  io(seq: number | null): readonly IoSample[];
  readonly events: LiveEvents;
}

/** A bad request, answered 400 with the parameter it names. */
class BadRequest extends Error {}

function intParam(q: URLSearchParams, name: string, min: number, max: number, dflt?: number): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) throw new BadRequest(`${name}: "${raw}" is not a whole number`);
  const n = Number(raw);
  if (n < min || n > max) throw new BadRequest(`${name}: ${n} is out of range ${min}..${max}`);
  return n;
}

function choice<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[], dflt: T): T {
  const raw = q.get(name);
  if (raw === null || raw === '') return dflt;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new BadRequest(`${name}: "${raw}" is not one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** An error as the API answers it: `{error: {code, message}}` with a status that says whose fault it is. */
function errorAnswer(e: unknown): {
  status: 400 | 404 | 500 | 501;
  body: { error: { code: string; message: string } };
} {
  if (e instanceof BadRequest) return { status: 400, body: { error: { code: 'EINVAL', message: e.message } } };
  if (e instanceof MgrError) {
    const status = e.code === 'MGR_ERR_STORE_NO_STATE' ? 404 : e.code === 'MGR_ERR_STORE_NONE' ? 501 : 500;
    return { status, body: { error: { code: e.code, message: e.message } } };
  }
  return { status: 500, body: { error: { code: 'EIO', message: (e as Error)?.message ?? String(e) } } };
}

const uplotDir = dirname(createRequire(import.meta.url).resolve('uplot'));
const ASSETS: Record<string, { type: string; body: string }> = {
  '/static/uPlot.iife.min.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(join(uplotDir, 'uPlot.iife.min.js'), 'utf8'),
  },
  '/static/uPlot.min.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(join(uplotDir, 'uPlot.min.css'), 'utf8'),
  },
};

/** The summary the page's header shows. */
export function summary(v: DashboardView, journal: { first: number; last: number } | null) {
  const h = healthView(v.reader);
  return {
    seq: v.seq,
    live: v.live,
    journal,
    osd_map_epoch: v.reader.get('osd_map')?.epoch ?? null,
    health: {
      status: h.status,
      checks: h.checks.map((c) => ({ code: c.code, severity: c.severity, summary: c.summary })),
    },
    mons: monsView(v.reader),
    osds: osdCountsView(v.reader),
    pgs: { total: pgView(v.reader).total },
    capacity: capacityView(v.reader),
    io: ioRates(v.reader),
  };
}

/** The dashboard's routes: the page, uPlot's files, the JSON API under `/api/`, and the live event stream. */
export function createApp(src: DashboardSource, onError: (e: unknown) => void): Hono {
  const app = new Hono();
  app.get('/', (c) => c.html(PAGE));
  app.get('/favicon.ico', (c) =>
    c.body(FAVICON, 200, { 'Content-Type': 'image/x-icon', 'Cache-Control': 'max-age=86400' }),
  );
  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, (c) => c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': 'max-age=86400' }));
  }
  app.get('/api/events', (c) => {
    const j = src.journal();
    return src.events.open(c.req.raw.signal, { seq: j?.last ?? null });
  });
  const api = (build: (v: DashboardView, q: URLSearchParams) => unknown) => (c: { req: { url: string } }) => {
    try {
      const q = new URL(c.req.url).searchParams;
      const view = src.view(intParam(q, 'seq', 0, Number.MAX_SAFE_INTEGER));
      return Response.json(build(view, q));
    } catch (e) {
      const a = errorAnswer(e);
      if (a.status === 500) onError(e);
      return Response.json(a.body, { status: a.status });
    }
  };
  app.get(
    '/api/summary',
    api((v) => summary(v, src.journal())),
  );
  app.get(
    '/api/health',
    api((v) => ({ seq: v.seq, ...healthView(v.reader), mons: monsView(v.reader), osds: osdCountsView(v.reader) })),
  );
  app.get(
    '/api/osd',
    api((v, q) => {
      const offset = intParam(q, 'offset', 0, Number.MAX_SAFE_INTEGER, 0)!;
      const limit = intParam(q, 'limit', 1, MAX_LIMIT, 50)!;
      const sort = choice<OsdSortKey>(q, 'sort', OSD_SORT_KEYS, 'id');
      const dir = choice<SortDir>(q, 'dir', ['asc', 'desc'], 'asc');
      return { seq: v.seq, ...osdTable(v.reader).page(offset, limit, sort, dir) };
    }),
  );
  app.get(
    '/api/host',
    api((v, q) => {
      const offset = intParam(q, 'offset', 0, Number.MAX_SAFE_INTEGER, 0)!;
      const limit = intParam(q, 'limit', 1, MAX_LIMIT, 50)!;
      return { seq: v.seq, ...hostPage(v.reader, offset, limit) };
    }),
  );
  app.get(
    '/api/capacity',
    api((v) => ({ seq: v.seq, ...capacityView(v.reader) })),
  );
  app.get(
    '/api/pg',
    api((v) => ({ seq: v.seq, ...pgView(v.reader) })),
  );
  app.get(
    '/api/pool',
    api((v) => ({ seq: v.seq, pools: poolView(v.reader) })),
  );
  app.get(
    '/api/log',
    api((v, q) => ({ seq: v.seq, entries: v.log(intParam(q, 'num', 1, 500, 50)!) })),
  );
  app.get(
    '/api/io',
    api((v) => ({ seq: v.seq, current: ioRates(v.reader), samples: src.io(v.live ? null : v.seq) })),
  );
  app.all('/api/*', (c) =>
    c.json({ error: { code: 'ENOENT', message: `no such API path: ${new URL(c.req.url).pathname}` } }, 404),
  );
  app.onError((e, c) => {
    onError(e);
    const a = errorAnswer(e);
    return c.json(a.body, a.status);
  });
  return app;
}
