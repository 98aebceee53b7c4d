import type { Server } from 'node:http';
import { Hono } from 'hono';
import { MgrError, MgrModule, MgrStandbyModule, type NotifyId, type NotifyType, Option, type PastState } from 'mgrkit';
import { createApp, type DashboardSource, type DashboardView } from './api.ts';
import { ioRates } from './cluster-views.ts';
import { close, getDefaultAddr, listen, serviceUri } from './http.ts';
import { IoHistory, type IoSample } from './io-history.ts';
import { LiveEvents } from './live-events.ts';

/** Ceph's default port of its dashboard over plain HTTP. */
const DEFAULT_PORT = 8080;
/** How many cluster log entries the live view keeps (the page shows the newest). */
const LOG_KEEP = 500;

type LogEntry = ReturnType<PastState['get_cluster_log']>[number];

/** Ceph's dashboard options that mean something here, with Ceph's defaults. */
const OPTIONS = [
  Option({
    name: 'server_addr',
    type: 'str',
    desc: 'the address to listen on (default: "::", or "0.0.0.0" without IPv6)',
  }),
  Option({ name: 'server_port', type: 'int', default: DEFAULT_PORT, desc: 'the HTTP port', runtime: true }),
  Option({
    name: 'standby_behaviour',
    type: 'str',
    default: 'redirect',
    enum_allowed: ['redirect', 'error'],
    desc: "what a standby answers: a redirect (303) to the active's dashboard, or an error",
    runtime: true,
  }),
  Option({
    name: 'standby_error_status_code',
    type: 'int',
    default: 500,
    min: 400,
    max: 599,
    desc: 'the status a standby answers with when standby_behaviour is error',
    runtime: true,
  }),
];

/** Where this manager listens, from its options (this manager's own value first, as Ceph reads them). */
async function bindAddress(m: MgrModule | MgrStandbyModule): Promise<{ addr: string; port: number }> {
  const addr = m.get_localized_module_option<string | null>('server_addr', null) || (await getDefaultAddr());
  const port = m.get_localized_module_option<number>('server_port', DEFAULT_PORT);
  return { addr, port };
}

/** Serves `app` until the module's signal aborts. */
async function serveUntilShutdown(m: MgrModule | MgrStandbyModule, app: Hono): Promise<void> {
  const { addr, port } = await bindAddress(m);
  m.log.info({ server_addr: addr, server_port: port }, 'starting HTTP server');
  const server = await listen(app, addr, port);
  if (!m.signal.aborted) await new Promise((r) => m.signal.addEventListener('abort', r, { once: true }));
  await close(server);
  m.log.info('HTTP server stopped');
}

/**
 * A live web dashboard: health, monitors, OSDs (a paginated, sortable table that stays cheap at 10,000 OSDs), PG
 * states, pools, the cluster log and a client IO chart, updated over Server-Sent Events when a snapshot is
 * published, and a time slider over the journal (`get_at`). The same data is JSON under `/api/`. See the README's
 * "Dashboard" section.
 */
export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['health', 'osd_map', 'pg_summary', 'mon_map', 'clog', 'mgr_map'];
  static MODULE_OPTIONS = OPTIONS;

  private readonly events = new LiveEvents();
  private readonly history = new IoHistory();
  private readonly clogEntries: LogEntry[] = [];
  /** False once the host said it keeps no journal: the page then has no time slider. */
  private hasStore = true;
  private server: Server | null = null;
  private bound = '';

  /** The journal's range (`last`: the current snapshot's seq), or null on a host without a store. */
  private journal(): { first: number; last: number } | null {
    if (!this.hasStore) return null;
    try {
      return this.get_journal_range();
    } catch (e) {
      if (e instanceof MgrError && e.code === 'MGR_ERR_STORE_NONE') {
        this.hasStore = false;
        return null;
      }
      throw e;
    }
  }

  private now(): DashboardView {
    return {
      reader: this,
      seq: this.journal()?.last ?? null,
      live: true,
      log: (num) => this.clogEntries.slice(-num),
    };
  }

  /** The current state, or the one after event `seq` of the journal. */
  view(seq: number | undefined): DashboardView {
    if (seq === undefined) return this.now();
    const past = this.get_at(seq);
    return { reader: past, seq: past.seq, live: false, log: (num) => past.get_cluster_log(num) };
  }

  private readonly source: DashboardSource = {
    view: (seq) => this.view(seq),
    journal: () => this.journal(),
    io: (seq) => this.history.upTo(seq),
    events: this.events,
  };

  /** The dashboard's HTTP routes (the page and `/api/`), for embedding or testing without a socket. */
  readonly app = createApp(this.source, (e) => this.log.error({ err: e }, 'dashboard request failed'));

  /** Client IO seen so far (what the chart draws). */
  io_history(): readonly IoSample[] {
    return this.history.upTo(null);
  }

  notify(type: NotifyType, id: NotifyId): void {
    if (type === 'clog' && typeof id === 'object') {
      this.clogEntries.push(id);
      if (this.clogEntries.length > LOG_KEEP) this.clogEntries.splice(0, this.clogEntries.length - LOG_KEEP);
    }
    const seq = this.journal()?.last ?? null;
    if (type === 'pg_summary') {
      const status = this.get('pg_status');
      const unknown = Math.round((status?.unknown_pgs_ratio ?? 0) * (status?.num_pgs ?? 0));
      this.history.add({ t: Date.now(), seq, ...ioRates(this) }, unknown);
    }
    this.events.publish({ seq, type });
  }

  async serve(): Promise<void> {
    const j = this.journal();
    // The log so far, as Ceph's dashboard starts from `log last`; later entries come as cues.
    if (j !== null && j.last > 0 && this.clogEntries.length === 0)
      this.clogEntries.push(...this.get_at(j.last).get_cluster_log(LOG_KEEP));
    await this.listen();
    if (!this.signal.aborted) await new Promise((r) => this.signal.addEventListener('abort', r, { once: true }));
    await this.shutdown();
    this.log.info('HTTP server stopped');
  }

  /** Listens where the options say and publishes it with `set_uri`. */
  private async listen(): Promise<void> {
    const { addr, port } = await bindAddress(this);
    this.log.info({ server_addr: addr, server_port: port }, 'starting HTTP server');
    this.server = await listen(this.app, addr, port);
    this.bound = `${addr}|${port}`;
    this.set_uri(serviceUri(this.server, addr));
  }

  /** A new address or port moves the server at once (Ceph restarts its server on an option change). */
  async config_notify(): Promise<void> {
    if (this.server === null) return;
    const { addr, port } = await bindAddress(this);
    if (`${addr}|${port}` === this.bound) return;
    const old = this.server;
    this.server = null;
    await close(old);
    try {
      await this.listen();
    } catch (e) {
      this.log.error({ err: e, server_addr: addr, server_port: port }, 'cannot listen on the new address');
    }
  }

  async shutdown(): Promise<void> {
    this.events.close();
    const s = this.server;
    this.server = null;
    if (s !== null) await close(s);
  }
}

const NO_ACTIVE_PAGE = `<html>
  <head><title>Ceph</title><meta http-equiv="refresh" content="5"></head>
  <body>No active ceph-mgr instance is currently running the dashboard. A failover may be in progress.
  Retrying in 5 seconds...</body>
</html>`;

/**
 * What runs on a standby manager, as Ceph's standby dashboard: every path redirects (303) to the active's dashboard
 * (`get_active_uri()`, from the mgr map), or, with none known yet, a page that retries every 5 s; with
 * `standby_behaviour = error` it answers `standby_error_status_code` "Keep on looking", for a load balancer.
 */
export class StandbyModule extends MgrStandbyModule {
  static MODULE_OPTIONS = OPTIONS;

  readonly app = new Hono().all('*', (c) => {
    if (this.get_module_option<string>('standby_behaviour') === 'error') {
      const status = this.get_module_option<number>('standby_error_status_code', 500);
      return c.text('Keep on looking', status as 500);
    }
    const active = this.get_active_uri();
    if (active === null) return c.html(NO_ACTIVE_PAGE);
    this.log.info({ active }, 'redirecting to the active dashboard');
    return c.redirect(active, 303);
  });

  async serve(): Promise<void> {
    await serveUntilShutdown(this, this.app);
  }
}
