import type { IncomingMessage, Server } from 'node:http';
import { hostname } from 'node:os';
import {
  CLIReadCommand,
  CLIWriteCommand,
  formatObject,
  HandleCommandResult,
  MgrModule,
  MgrStandbyModule,
  type NotifyType,
  Option,
} from 'mgrkit';
import { Collector } from './collector.ts';
import { METRICS_CONTENT_TYPE } from './exposition.ts';
import { HealthHistory } from './health-history.ts';
import {
  type Answer,
  close,
  errorPage,
  getDefaultAddr,
  indexPage,
  listen,
  notFound,
  pathOf,
  STANDBY_METRICS_TYPE,
} from './http-server.ts';
import { RbdStats } from './rbd-stats.ts';

const DEFAULT_PORT = 9283;

/** Ceph's options for this module, with its defaults; those that tune Ceph's cache are accepted and have no effect. */
const OPTIONS = [
  Option({
    name: 'server_addr',
    type: 'str',
    desc: 'the address to listen on (default: "::", or "0.0.0.0" without IPv6)',
  }),
  Option({
    name: 'server_port',
    type: 'int',
    default: DEFAULT_PORT,
    desc: 'the port on which the module listens for HTTP requests',
    runtime: true,
  }),
  Option({
    name: 'scrape_interval',
    type: 'float',
    default: 15.0,
    desc: "Ceph's collection period; no effect here: the body is rebuilt for each new snapshot, never on a timer",
  }),
  Option({
    name: 'stale_cache_strategy',
    type: 'str',
    default: 'log',
    desc: 'no effect here: what is served is never older than the current snapshot',
  }),
  Option({ name: 'cache', type: 'bool', default: true, desc: 'no effect here: every scrape is fresh and cheap' }),
  Option({
    name: 'rbd_stats_pools',
    type: 'str',
    default: '',
    desc: 'pools (pool[/namespace], "*" for every RBD pool) to export per-image RBD statistics for',
  }),
  Option({
    name: 'rbd_stats_pools_refresh_interval',
    type: 'int',
    default: 300,
    desc: 'seconds between listings of the RBD images of rbd_stats_pools',
  }),
  Option({
    name: 'standby_behaviour',
    type: 'str',
    default: 'default',
    enum_allowed: ['default', 'error'],
    desc: "what a standby's index page does: link to the active's metrics (default) or answer an error",
    runtime: true,
  }),
  Option({
    name: 'standby_error_status_code',
    type: 'int',
    default: 500,
    min: 400,
    max: 599,
    desc: "the status of a standby's index page when standby_behaviour is error",
    runtime: true,
  }),
];

/** Where this manager listens, from its options (this manager's own value first, as Ceph reads them). */
async function bindAddress(m: MgrModule | MgrStandbyModule): Promise<{ addr: string; port: number }> {
  const addr = m.get_localized_module_option<string | null>('server_addr', null) || (await getDefaultAddr());
  const port = m.get_localized_module_option<number>('server_port', DEFAULT_PORT);
  return { addr, port };
}

/** The URI published with `set_uri`, as Ceph's exporter builds it: the host's name when bound to every address. */
function publishedUri(server: Server, addr: string): string {
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : 0;
  const host = addr === '::' || addr === '0.0.0.0' ? hostname() : addr.includes(':') ? `[${addr}]` : addr;
  return `http://${host}:${port}/`;
}

/** Runs `route` on the configured address until the module's signal aborts; resolves when closed. */
async function serveUntilShutdown(
  m: MgrModule | MgrStandbyModule,
  route: (req: IncomingMessage) => Answer,
  onServer: (s: Server | null) => void,
): Promise<void> {
  const { addr, port } = await bindAddress(m);
  m.log.info({ server_addr: addr, server_port: port }, 'starting HTTP server');
  const server = await listen(addr, port, route, (e) => m.log.error({ err: e }, 'HTTP request failed'));
  onServer(server);
  if (!m.signal.aborted) await new Promise((r) => m.signal.addEventListener('abort', r, { once: true }));
  onServer(null);
  await close(server);
  m.log.info('HTTP server stopped');
}

/**
 * The Prometheus exporter: Ceph's metric families, names, types and labels on `/metrics`, built once per snapshot
 * from the module API. See the README's "Prometheus exporter" section.
 */
export class Module extends MgrModule {
  /** Only health is needed as a cue (to keep the check history); every other change is seen at scrape time. */
  static NOTIFY_TYPES: NotifyType[] = ['health'];
  static MODULE_OPTIONS = OPTIONS;

  private readonly history = new HealthHistory(this, (e) => this.log.error({ err: e }, 'health history'));
  private readonly rbd = new RbdStats(this, this.log);
  private readonly collector = new Collector(this, this.history, this.log, this.rbd);
  private server: Server | null = null;
  private bound = '';

  notify(type: NotifyType): void {
    if (type === 'health') this.collector.observeHealth();
  }

  /** The current `/metrics` body (what a scrape gets). */
  metrics(): Buffer {
    return this.collector.metrics();
  }

  /** What the last collection did: rebuilt or not, which sections, how long, how many bytes. */
  collect_stats(): Collector['last'] {
    return this.collector.last;
  }

  private route = (req: IncomingMessage): Answer => {
    // Ceph's exporter answers every other path with its index page.
    if (pathOf(req) === '/metrics') return { status: 200, type: METRICS_CONTENT_TYPE, body: this.collector.metrics() };
    return indexPage('/metrics');
  };

  async serve(): Promise<void> {
    this.collector.observeHealth();
    const { addr, port } = await bindAddress(this);
    this.bound = `${addr}|${port}`;
    await serveUntilShutdown(this, this.route, (s) => {
      this.server = s;
      if (s !== null) this.set_uri(publishedUri(s, addr));
    });
  }

  /** Ceph restarts its server on an option change; here only a new address or port needs one. */
  async config_notify(): Promise<void> {
    if (this.server === null) return;
    const { addr, port } = await bindAddress(this);
    if (`${addr}|${port}` === this.bound) return;
    const old = this.server;
    this.server = null;
    await close(old);
    try {
      this.server = await listen(addr, port, this.route, (e) => this.log.error({ err: e }, 'HTTP request failed'));
      this.bound = `${addr}|${port}`;
      this.set_uri(publishedUri(this.server, addr));
      this.log.info({ server_addr: addr, server_port: port }, 'HTTP server moved');
    } catch (e) {
      this.log.error({ err: e, server_addr: addr, server_port: port }, 'cannot listen on the new address');
    }
  }

  async shutdown(): Promise<void> {
    this.rbd.shutdown();
    const s = this.server;
    this.server = null;
    if (s !== null) await close(s);
  }

  /** Return file_sd compatible prometheus config for mgr cluster */
  @CLIReadCommand('prometheus file_sd_config')
  file_sd_config(): HandleCommandResult {
    const targets: string[] = [];
    for (const server of this.list_servers()) {
      for (const svc of server.services) {
        if (svc.type !== 'mgr') continue;
        const port =
          svc.id === this.get_mgr_id()
            ? this.get_localized_module_option<number>('server_port', DEFAULT_PORT)
            : this.get_module_option<number>('server_port', DEFAULT_PORT);
        targets.push(`${server.hostname}:${port}`);
      }
    }
    return new HandleCommandResult(0, JSON.stringify([{ targets, labels: {} }]), '');
  }

  /** List all the healthchecks being tracked */
  @CLIReadCommand('healthcheck history ls', {
    args: 'name=format,type=CephChoices,strings=plain|json|json-pretty|yaml,req=false',
  })
  healthcheck_history_ls({ format = 'plain' }: { format?: string }): HandleCommandResult {
    const out = format === 'plain' ? this.history.toString() : formatObject(this.history.asDict(), format);
    return new HandleCommandResult(0, out, '');
  }

  /** Clear the healthcheck history */
  @CLIWriteCommand('healthcheck history clear')
  healthcheck_history_clear(): HandleCommandResult {
    this.history.reset();
    return new HandleCommandResult(0, 'healthcheck history cleared', '');
  }
}

/**
 * What runs on a standby manager, answering as Ceph's standby exporter: `/` links to the active's metrics (or, with
 * `standby_behaviour = error`, answers `standby_error_status_code` "Keep on looking"), `/metrics` is an empty 200
 * (so a scraper pointed at every manager gets nothing twice), any other path a 404.
 */
export class StandbyModule extends MgrStandbyModule {
  static MODULE_OPTIONS = OPTIONS;

  private route = (req: IncomingMessage): Answer => {
    const path = pathOf(req);
    if (path === '/metrics') return { status: 200, type: STANDBY_METRICS_TYPE, body: '' };
    if (path !== '/') return notFound(path);
    if (this.get_module_option<string>('standby_behaviour') === 'error') {
      return errorPage(this.get_module_option<number>('standby_error_status_code', 500), 'Keep on looking');
    }
    return indexPage(`${this.get_active_uri() ?? '/'}metrics`);
  };

  async serve(): Promise<void> {
    await serveUntilShutdown(this, this.route, () => {});
  }
}
