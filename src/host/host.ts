import { constants } from 'node:os';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { ClogEntry } from '../../schemas/daemon/index.ts';
import type { ClusterEvent, JournaledEvent } from '../../schemas/event.ts';
import type { MgrMap } from '../../schemas/maps/index.ts';
import type { Cue } from '../bus/cue.ts';
import { CuePlanner } from '../bus/cue-planner.ts';
import { createNotifyBus, type NotifyBus } from '../bus/emitter.ts';
import { ModuleQueue } from '../bus/module-queue.ts';
import type { NotifyType } from '../bus/notify-types.ts';
import {
  type ClusterCommander,
  type ClusterReply,
  type CommandTarget,
  NO_CLUSTER,
} from '../cluster/cluster-commander.ts';
import { ClusterLogWriter } from '../cluster/cluster-log-writer.ts';
import { registerBuiltins } from '../commands/builtin-commands.ts';
import { type CommandDescription, CommandTable } from '../commands/command-table.ts';
import type { CommandTuple } from '../commands/result.ts';
import { type CallerContext, dispatch } from '../commands/router.ts';
import { MgrError, RemoteError } from '../errors.ts';
import { HealthChecks, type ModuleHealthCheck } from '../health/health-checks.ts';
import { moduleHealthChecks } from '../health/module-checks.ts';
import type { Publisher } from '../ingest/engine.ts';
import { Liveness } from '../ingest/liveness.ts';
import type { StreamClock } from '../ingest/stream-clock.ts';
import type { ClusterLogPriority } from '../log/cluster-log.ts';
import { createModuleLogger, createRootLogger, levelForDebug, type ModuleLogLevel } from '../log/logger.ts';
import { Accessors, DEFAULT_MON_CONNECTION_TIMEOUT } from '../module/accessors.ts';
import { constructModule, type MgrModule, type MgrStandbyModule } from '../module/mgr-module.ts';
import type { ModuleServices } from '../module/module-services.ts';
import { PastState } from '../module/past-state.ts';
import { Option } from '../options/option.ts';
import { validateOptionValue } from '../options/option-value.ts';
import { RadosService } from '../rados/rados-service.ts';
import { type ClusterState, createEmptyState } from '../state/cluster-state.ts';
import { own } from '../state/data-key.ts';
import { once } from '../state/views/memo.ts';
import { ConfigStore } from '../store/config-store.ts';
import { KvStore } from '../store/kv-store.ts';
import { PastStates } from '../store/past-states.ts';
import type { Store } from '../store/store.ts';
import { BUILTIN_MODULE_DIR, discoverModules } from './discovery.ts';
import { ensureMgrkitResolvable, type LoadedModule, loadModule } from './loader.ts';
import { describeModuleCommands, moduleCommands } from './module-commands.ts';

const VERSION = '0.1.0';
const ENABLED_KEY = 'mgrkit:enabled_modules';
/** Settings of the host itself, checked by type when set. */
const HOST_OPTIONS = [
  Option({ name: 'mon_connection_timeout', type: 'secs', min: 1 }),
  Option({ name: 'debug_mgr', type: 'str' }),
  Option({ name: 'mgr_module_path', type: 'str' }),
];
const DEFAULT_ENABLED: string[] = [];

export interface HostOptions {
  /** Where the enabled set and settings persist; without one they live in memory. */
  readonly store?: Store;
  readonly mgrId?: string;
  /** Extra module folders, searched before the built-in ones. */
  readonly modulePaths?: readonly string[];
  /** Whether mgrkit's own `modules/` is on the module path (default true). */
  readonly builtinModules?: boolean;
  /** Modules already in hand, as if found on the module path (tests, embedding). */
  readonly preloaded?: readonly LoadedModule[];
  readonly logger?: Logger;
  /** The daemon log file; `log_to_file` writes a module's lines to `<file>.<module>.log`. */
  readonly logFile?: string;
  readonly standby?: boolean;
  /** How long `serve()` gets to return after `shutdown()`. */
  readonly shutdownDeadlineMs?: number;
  readonly queueCapacity?: number;
  /** The stream clock when it runs on its own (paced replay, live). */
  readonly clock?: StreamClock;
  /** The cluster behind the source, which `send_command` and `mon_command` reach (none for a recording). */
  readonly commander?: ClusterCommander;
}

/** Where events that originate in the manager itself enter the stream: the ingest that writes the journal. */
export interface EventSink {
  inject(event: ClusterEvent): Promise<JournaledEvent>;
}

/**
 * How whatever feeds a host (a source's runner, the group's replica, the test harness) reaches it: the engine
 * publishes through it, and the runner starts and ends the stream with it.
 */
export interface HostFeed extends Publisher {
  /** Adopts a snapshot recovered from the store, before any module runs. */
  adopt(state: ClusterState): void;
  /** Where this host's own events go from now on; those that came before any sink follow, in order. */
  sink(sink: EventSink | null): void;
  /** The source ended: the last stats period is over and the monitors are gone. */
  end(): void;
}

/** How long a module's `shutdown()` and `serve()` get to return once it is stopped, by default. */
export const SHUTDOWN_DEADLINE_MS = 5000;

/** How long a command that changed the OSD map waits for that map to be published. */
const COMMAND_MAP_WAIT_MS = 10_000;

type Status = 'disabled' | 'running' | 'failed' | 'cannot-run' | 'load-error';

/** The states of an enabled module that does not do its work: `mgr module ls`'s failed modules, and the summary's. */
export function moduleIsFailed(status: string): boolean {
  return status === 'failed' || status === 'load-error' || status === 'cannot-run';
}

interface Running {
  instance: MgrModule | MgrStandbyModule;
  abort: AbortController;
  queue: ModuleQueue | null;
  handlers: Array<[NotifyType, (cue: Cue) => void]>;
  serve: Promise<void>;
  served: boolean;
}

interface Record_ {
  loaded: LoadedModule;
  /** Found on the module path (not handed in preloaded): its file can be imported again once fixed. */
  discovered: boolean;
  status: Status;
  error: string;
  running: Running | null;
  cues: Partial<Record<NotifyType, number>>;
  errors: number;
  /** Queue figures of earlier runs of the module (it may be disabled and enabled again). */
  past: { delivered: number; coalesced: number; dropped: number };
}

/** Per-module figures, for the replay summary and `mgr module ls`. */
export interface ModuleStats {
  status: Status;
  error_string: string;
  received: Partial<Record<NotifyType, number>>;
  delivered: number;
  coalesced: number;
  dropped: number;
  errors: number;
}

/** A module as `mgr module ls` describes one: Ceph's `ModuleInfo` fields. */
export interface ModuleInfo {
  name: string;
  can_run: boolean;
  error_string: string;
}

/**
 * `mgr module ls`, shaped as Ceph's; `failed_modules` is mgrkit's own: the enabled modules that failed (to load, or
 * in `serve()`) or cannot run, with why (Ceph shows only their names and leaves the why to the health checks).
 */
export interface ModuleList {
  always_on_modules: string[];
  enabled_modules: string[];
  disabled_modules: ModuleInfo[];
  failed_modules: ModuleInfo[];
}

/** `MGR_STORE_WRITE_FAILED`: the store refuses writes; the daemon holds new events and tries again. */
function storeHealthChecks(error: MgrError): Record<string, ModuleHealthCheck> {
  return {
    MGR_STORE_WRITE_FAILED: {
      severity: 'error',
      summary: `mgr ${error.message}`,
      detail: [
        'new events are held and committed again every few seconds; commands that write (config set, config-key set) fail',
        'modules and commands go on reading the last committed state',
      ],
    },
  };
}

/**
 * The module host: finds and loads modules, runs the enabled ones with their own queues, sends them cues after each
 * published snapshot, and keeps their failures to themselves.
 */
export class MgrHost {
  readonly mgrId: string;
  readonly log: Logger;
  readonly config: ConfigStore;
  /** The config-key store; modules' KV stores live in it under `mgr/<module>/`. */
  readonly kv: KvStore;
  readonly health = new HealthChecks();
  readonly liveness: Liveness;
  readonly bus: NotifyBus = createNotifyBus();
  /** Every command served: the host's own, and those of the running modules. */
  readonly commands = new CommandTable();
  /** The modules' `this.rados` clients, over one object store. */
  private readonly rados: RadosService;
  private readonly opts: HostOptions;
  private readonly modules = new Map<string, Record_>();
  private readonly planner = new CuePlanner();
  private enabled: Set<string>;
  private current: ClusterState;
  private started = false;
  private standby: boolean;
  private flushTimer: NodeJS.Timeout | undefined;
  private sink: EventSink | null = null;
  /** Local events that came before any sink: they wait for the stream rather than race its start. */
  private pendingLocal: Array<{
    event: ClusterEvent;
    resolve: (e: JournaledEvent) => void;
    reject: (e: unknown) => void;
  }> = [];
  /** Entries this manager wrote itself: not news from the monitors, so they do not count for liveness. */
  private readonly localEntries = new WeakSet<object>();
  private readonly clogWriter: ClusterLogWriter;
  /** Where each running module said it serves (`set_uri`), by module name. */
  private readonly uris = new Map<string, string>();
  private pastStates: PastStates<PastState> | null = null;

  private constructor(
    options: HostOptions,
    config: ConfigStore,
    loaded: readonly LoadedModule[],
    discovered: ReadonlySet<string>,
  ) {
    this.opts = options;
    this.mgrId = options.mgrId ?? 'x';
    this.clogWriter = new ClusterLogWriter(this.mgrId);
    this.log = options.logger ?? createRootLogger({ file: options.logFile });
    this.config = config;
    this.kv = new KvStore(options.store?.kv ?? null);
    this.rados = new RadosService(this, options.store, options.commander);
    this.current = createEmptyState();
    this.standby = options.standby ?? false;
    for (const l of loaded)
      this.modules.set(l.name, {
        loaded: l,
        discovered: discovered.has(l.name),
        status: 'disabled',
        error: l.error,
        running: null,
        cues: {},
        errors: 0,
        past: { delivered: 0, coalesced: 0, dropped: 0 },
      });
    this.enabled = new Set(JSON.parse(this.config.get(ENABLED_KEY) ?? JSON.stringify(DEFAULT_ENABLED)) as string[]);
    const clock = options.clock;
    this.liveness = new Liveness({
      timeoutSeconds: () => Number(this.configValue('mon_connection_timeout') ?? DEFAULT_MON_CONNECTION_TIMEOUT),
      ...(clock?.running ? { now: () => clock.now(), wallPerStreamMs: clock.wallPerStreamMs } : {}),
    });
    this.liveness.changes.subscribe((c) =>
      this.log.info({ connected: c.connected, at: c.at, reason: c.reason }, 'monitor connection changed'),
    );
    this.config.subscribe((key) => this.onConfigChange(key));
    options.store?.onWriteStatus((s) => {
      if (s.ok) this.log.info({ store: options.store?.dir }, 'the store takes writes again');
      else this.log.error({ err: s.error }, 'a write to the store failed');
      // Kept apart from the modules' checks: a module's name (a folder's) has no `/`.
      this.health.set('mgrkit/store', s.ok ? {} : storeHealthChecks(s.error));
    });
    const host = this;
    registerBuiltins(this.commands, {
      get state() {
        return host.visibleState();
      },
      module_ls: () => this.module_ls(),
      enable: (name) => this.enable(name),
      disable: (name) => this.disable(name),
      mgrHealthChecks: () => this.health.all(),
      config: this.config,
      kv: this.kv,
      checkSetting: (name, value) => this.checkSetting(name, value),
    });
  }

  /**
   * Checks a setting before it is kept: a module's option (`mgr/<module>/[<mgr_id>/]<option>`) must be declared and
   * its value valid for its type, range and allowed values; the host's own settings are checked by their types.
   */
  checkSetting(name: string, value: string): string {
    const host = HOST_OPTIONS.find((o) => o.name === name);
    if (host !== undefined) return validateOptionValue(host, value);
    const m = /^mgr\/([^/]+)\/(?:([^/]+)\/)?([^/]+)$/.exec(name);
    const mod = m === null ? undefined : this.modules.get(m[1]!);
    if (m === null || mod === undefined) return value;
    const option = mod.loaded.options.find((o) => o.name === m[3]);
    if (option === undefined) throw new MgrError('MGR_ERR_CONFIG_NAME', `unrecognized config option '${name}'`);
    return validateOptionValue(option, value);
  }

  /** A client's caps: `auth/<entity>` from the settings; `client.admin` has `rw` unless set otherwise. */
  capsFor(entity: string): string {
    return this.config.get(`auth/${entity}`) ?? (entity === 'client.admin' ? 'rw' : '');
  }

  /** Runs one command request for a caller; every failure comes back as a `-errno` result. */
  command(request: unknown, caller: CallerContext): Promise<CommandTuple> {
    return dispatch(this.commands, request, caller);
  }

  /** Finds and loads every module on the module path (a module that fails to load is listed with why). */
  static async create(options: HostOptions = {}): Promise<MgrHost> {
    const paths = [...(options.modulePaths ?? [])];
    const preloaded = [...(options.preloaded ?? [])];
    const config = new ConfigStore(options.store?.config ?? null);
    const fromConfig = config.get('mgr_module_path');
    if (fromConfig) paths.push(...fromConfig.split(':').filter((p) => p !== ''));
    if (options.builtinModules ?? true) paths.push(BUILTIN_MODULE_DIR);
    const candidates = discoverModules(paths).filter((c) => !preloaded.some((p) => p.name === c.name));
    // Every folder's resolution hooks are in place before the first import.
    for (const c of candidates) ensureMgrkitResolvable(dirname(c.dir));
    const loaded: LoadedModule[] = [];
    for (const c of candidates) loaded.push(await loadModule(c));
    return new MgrHost(options, config, [...preloaded, ...loaded], new Set(candidates.map((c) => c.name)));
  }

  /** The current snapshot. */
  get state(): ClusterState {
    return this.current;
  }

  /** Where the running modules serve, as they published it with `set_uri` (the mgr map's `services`). */
  serviceUris(): Record<string, string> {
    return Object.fromEntries([...this.uris].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  }

  /** The past states modules read (`get_at`), from the store; a typed error when the host has none. */
  private past(): PastStates<PastState> {
    const store = this.opts.store;
    if (store === undefined) {
      throw new MgrError(
        'MGR_ERR_STORE_NONE',
        'this host keeps no journal (it was started without a store), so no past state can be read',
      );
    }
    this.pastStates ??= new PastStates(
      store,
      (s) => new PastState(s),
      () => this.current,
    );
    return this.pastStates;
  }

  /** How a source's runner and the engine feed this host: each published snapshot, the host's own events' way in. */
  readonly feed: HostFeed = {
    adopt: (state) => {
      this.current = state;
    },
    publish: (state, events) => this.publishSnapshot(state, events),
    sink: (sink) => this.sinkTo(sink),
    end: () => this.sourceEnded(),
  };

  /** Names of every module found on the module path. */
  moduleNames(): string[] {
    return [...this.modules.keys()].sort();
  }

  /**
   * The commands of the modules enabled here, as clients list them, whether or not they run as `Module`s now: a
   * manager of a group that is not the active one lists them and passes them on to the active.
   */
  moduleCommandDescriptions(): CommandDescription[] {
    return [...this.modules]
      .filter(
        ([n, m]) => m.loaded.Module !== null && m.loaded.canRun && (this.enabled.has(n) || m.loaded.Module.ALWAYS_ON),
      )
      .flatMap(([n, m]) => describeModuleCommands(n, m.loaded.Module!, m.loaded.docs));
  }

  /** `mgr module ls`. */
  module_ls(): ModuleList {
    const alwaysOn = [...this.modules.values()].filter((m) => m.loaded.Module?.ALWAYS_ON).map((m) => m.loaded.name);
    const enabled = [...this.enabled].filter((n) => this.modules.has(n) && !alwaysOn.includes(n)).sort();
    const infos = (keep: (m: Record_) => boolean): ModuleInfo[] =>
      [...this.modules.values()]
        .filter(keep)
        .map((m) => ({ name: m.loaded.name, can_run: m.loaded.canRun, error_string: m.error }))
        .sort((a, b) => a.name.localeCompare(b.name));
    return {
      always_on_modules: alwaysOn.sort(),
      enabled_modules: enabled,
      disabled_modules: infos((m) => !this.enabled.has(m.loaded.name) && !alwaysOn.includes(m.loaded.name)),
      failed_modules: infos((m) => moduleIsFailed(m.status)),
    };
  }

  /** Enables a module (persisted) and starts it if the host is running; the others are not disturbed. */
  async enable(name: string, options: { persist?: boolean } = {}): Promise<void> {
    if (!this.modules.has(name)) {
      throw new MgrError(
        'MGR_ERR_MODULE_NOT_FOUND',
        `no module named "${name}" on the module path (${this.moduleNames().join(', ')})`,
      );
    }
    await this.reloadIfBroken(name);
    this.enabled.add(name);
    if (options.persist ?? true) await this.config.set(ENABLED_KEY, JSON.stringify([...this.enabled].sort()));
    if (this.started) this.startModule(name);
  }

  /** A module that failed to load is imported again when enabled: its file may have been fixed since. */
  private async reloadIfBroken(name: string): Promise<void> {
    const m = this.modules.get(name)!;
    if (m.loaded.Module !== null || !m.discovered || m.running !== null) return;
    m.loaded = await loadModule({ name, dir: dirname(m.loaded.file), file: m.loaded.file }, { fresh: true });
    m.error = m.loaded.error;
    if (m.status === 'load-error') m.status = 'disabled';
  }

  /** Disables a module (persisted), shutting it down if it runs. */
  async disable(name: string, options: { persist?: boolean } = {}): Promise<void> {
    if (!this.modules.has(name)) throw new MgrError('MGR_ERR_MODULE_NOT_FOUND', `no module named "${name}"`);
    if (this.modules.get(name)!.loaded.Module?.ALWAYS_ON) {
      throw new MgrError('MGR_ERR_MODULE_ALWAYS_ON', `module '${name}' cannot be disabled (always-on)`);
    }
    this.enabled.delete(name);
    if (options.persist ?? true) await this.config.set(ENABLED_KEY, JSON.stringify([...this.enabled].sort()));
    await this.stopModule(name);
  }

  /** Runs exactly these modules for this host's lifetime, leaving the persisted set alone. */
  useModules(names: readonly string[]): void {
    for (const n of names) {
      if (!this.modules.has(n)) {
        throw new MgrError(
          'MGR_ERR_MODULE_NOT_FOUND',
          `no module named "${n}" on the module path (${this.moduleNames().join(', ')})`,
        );
      }
    }
    this.enabled = new Set(names);
  }

  /** Starts every enabled module (and the always-on ones). */
  start(): void {
    this.started = true;
    for (const [name, m] of this.modules)
      if (this.enabled.has(name) || m.loaded.Module?.ALWAYS_ON) this.startModule(name);
    this.refreshHealth();
  }

  /** Publishes a snapshot and the events it added: liveness, then one cue per change, in event order. */
  private publishSnapshot(state: ClusterState, events: readonly JournaledEvent[]): void {
    this.current = state;
    this.wakeEpochWaiters();
    this.opts.clock?.observe(state.stamp);
    this.liveness.observe(events.filter((e) => e.kind !== 'clog' || !this.localEntries.has(e.entry)));
    for (const e of events) if (e.kind === 'config') for (const c of e.changes) this.onConfigChange(c.name);
    this.emit(this.planner.plan(events));
    this.maybeStandbyFromMgrMap(events);
    clearTimeout(this.flushTimer);
    // A stats period ends when the stream moves on. With a running clock (paced or live), a stream that goes quiet
    // moves on by itself; at full speed only the next event, or the end, can say the period is over.
    if (this.opts.clock?.running) {
      this.flushTimer = setTimeout(() => this.emit(this.planner.flush()), 250);
      this.flushTimer.unref();
    }
  }

  /**
   * Where this host's own events go from now on (the ingest that writes the journal calls this); events that came
   * before any sink follow, in order.
   */
  private sinkTo(sink: EventSink | null): void {
    this.sink = sink;
    if (sink === null) return;
    for (const p of this.pendingLocal.splice(0)) sink.inject(p.event).then(p.resolve, p.reject);
  }

  /**
   * Writes an entry of this manager's to the cluster log: a `clog` event folded and journaled as the source's
   * are, so `log last` shows it and modules that take `clog` get it. A bad channel or priority throws here; the
   * promise resolves with the entry once it is published.
   */
  clusterLog(channel: string, priority: ClusterLogPriority, message: string): Promise<ClogEntry> {
    // Stream time in whole milliseconds, as Ceph's stamps have them; before any event, the wall clock's.
    const t = Math.floor(Math.max(this.current.stamp, this.opts.clock?.now() ?? 0) || Date.now());
    const entry = this.clogWriter.entry(this.current, t, channel, priority, message);
    this.localEntries.add(entry);
    const event: ClusterEvent = { v: 1, t, kind: 'clog', entry };
    const journaled =
      this.sink !== null
        ? this.sink.inject(event)
        : new Promise<JournaledEvent>((resolve, reject) => this.pendingLocal.push({ event, resolve, reject }));
    return journaled.then(() => entry);
  }

  /** The source ended: the last stats period is over and the monitors are gone. */
  private sourceEnded(): void {
    clearTimeout(this.flushTimer);
    this.emit(this.planner.flush());
    this.liveness.end();
  }

  /** Resolves when the running modules (or those named) have handled their queued cues, or after `timeoutMs`. */
  async idle(timeoutMs = 10_000, names?: readonly string[]): Promise<boolean> {
    const queues = [...this.modules.entries()]
      .filter(([n]) => names === undefined || names.includes(n))
      .flatMap(([, m]) => (m.running?.queue ? [m.running.queue] : []));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = Promise.all(queues.map((q) => q.idle())).then(() => true);
    const r = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return r;
  }

  /** Shuts every module down (each within the deadline) and stops the host. */
  async stop(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.started = false;
    await Promise.all([...this.modules.keys()].map((n) => this.stopModule(n)));
    await this.rados.close();
    this.liveness.stop();
  }

  /** Figures per module that ran or was asked to. */
  stats(): Record<string, ModuleStats> {
    const out: Record<string, ModuleStats> = {};
    for (const [name, m] of this.modules) {
      if (m.status === 'disabled' && !this.enabled.has(name) && m.running === null && Object.keys(m.cues).length === 0)
        continue;
      const q = m.running?.queue?.stats;
      out[name] = {
        status: m.status,
        error_string: m.error,
        received: { ...m.cues },
        delivered: m.past.delivered + (q?.delivered ?? 0),
        coalesced: m.past.coalesced + (q?.coalesced ?? 0),
        dropped: m.past.dropped + (q?.dropped ?? 0),
        errors: m.errors,
      };
    }
    return out;
  }

  /** The running instance of a module (tests and the harness). */
  instance<T extends MgrModule | MgrStandbyModule = MgrModule>(name: string): T | undefined {
    return this.modules.get(name)?.running?.instance as T | undefined;
  }

  /** Calls another module's method for `caller`, copying arguments and result both ways. */
  async remote(caller: string, module: string, method: string, args: unknown[]): Promise<unknown> {
    const target = this.modules.get(module);
    const inst = target?.status === 'running' ? target.running?.instance : undefined;
    if (inst === undefined) {
      throw new MgrError(
        'MGR_ERR_REMOTE_NOT_ENABLED',
        `Module not found: "${module}" is not enabled (called from ${caller})`,
      );
    }
    const fn = (inst as unknown as Record<string, unknown>)[method];
    if (typeof fn !== 'function' || method.startsWith('_') || method === 'constructor') {
      throw new MgrError('MGR_ERR_REMOTE_NO_METHOD', `module "${module}" has no method "${method}"`);
    }
    let result: unknown;
    try {
      result = await (fn as (...a: unknown[]) => unknown).apply(inst, structuredClone(args));
    } catch (e) {
      throw new RemoteError(module, method, e instanceof Error ? e.message : String(e));
    }
    return structuredClone(result);
  }

  /**
   * Sends a command to the cluster behind the source. When it changed the OSD map, the answer is held until that
   * epoch is published, so that the caller's next `get('osd_map')` shows the change (as ceph-mgr does).
   */
  async sendCommand(
    target: CommandTarget,
    cmd: Readonly<Record<string, unknown>>,
    inbuf: string,
  ): Promise<ClusterReply> {
    let reply: ClusterReply;
    try {
      reply = await (this.opts.commander ?? NO_CLUSTER).command(target, cmd, inbuf);
    } catch (e) {
      reply = { retval: -constants.errno.EIO, outb: '', outs: (e as Error).message ?? String(e) };
    }
    if (reply.osdEpoch !== undefined) await this.osdEpochPublished(reply.osdEpoch, COMMAND_MAP_WAIT_MS);
    return reply;
  }

  /** Tells the modules that take `command` notifications that the command tagged `tag` completed. */
  notifyCommand(tag: string): void {
    this.emit([{ type: 'command', id: tag, seq: this.current.seq }]);
  }

  private osdEpochPublished(epoch: number, timeoutMs: number): Promise<boolean> {
    if ((this.current.maps.osd_map?.epoch ?? -1) >= epoch) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { epoch, resolve: (ok: boolean) => resolve(ok) };
      this.epochWaiters.push(waiter);
      setTimeout(() => {
        this.epochWaiters = this.epochWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs).unref();
    });
  }

  private epochWaiters: Array<{ epoch: number; resolve: (ok: boolean) => void }> = [];

  private wakeEpochWaiters(): void {
    if (this.epochWaiters.length === 0) return;
    const epoch = this.current.maps.osd_map?.epoch ?? -1;
    const [ready, waiting] = [
      this.epochWaiters.filter((w) => w.epoch <= epoch),
      this.epochWaiters.filter((w) => w.epoch > epoch),
    ];
    this.epochWaiters = waiting;
    for (const w of ready) w.resolve(true);
  }

  private emit(cues: readonly Cue[]): void {
    for (const cue of cues) this.bus.emit(cue.type, cue);
  }

  private moduleLogLevel(name: string): ModuleLogLevel {
    const set = this.configValue(`mgr/${name}/log_level`);
    if (set !== undefined && set !== '') return set as ModuleLogLevel;
    return levelForDebug(this.configValue('debug_mgr') ?? '2/5');
  }

  private moduleLogger(name: string): Logger {
    const toFile = ['true', 'True', '1', 'on', 'yes'].includes(this.configValue(`mgr/${name}/log_to_file`) ?? '');
    const file = toFile && this.opts.logFile && this.opts.logFile !== '-' ? `${this.opts.logFile}.${name}.log` : null;
    if (toFile && file === null) this.log.warn({ module: name }, 'log_to_file is set but the daemon logs to stderr');
    return createModuleLogger(this.log, name, this.moduleLogLevel(name), file);
  }

  /**
   * A setting as in force: the host's own (set with `config set` or `--set`), else the stream's central config for
   * this manager, for `mgr`, or `global`.
   */
  configValue(key: string): string | undefined {
    const c = this.current.config;
    const at = (who: string) => {
      const section = own(c, who);
      return section === undefined ? undefined : own(section, key);
    };
    return this.config.get(key) ?? at(`mgr.${this.mgrId}`) ?? at('mgr') ?? at('global');
  }

  private services(
    name: string,
    log: Logger,
    abort: AbortController,
    options: LoadedModule['options'],
  ): ModuleServices {
    const prefix = `mgr/${name}/`;
    // The module's store as it was when the module started, plus its own writes (as Ceph's guide says).
    const store = new Map(this.kv.entries(prefix).map(([k, v]) => [k.slice(prefix.length), v]));
    return {
      getStore: (key) => store.get(key),
      setStore: async (key, value) => {
        await this.kv.set(`${prefix}${key}`, value);
        if (value === null || value === undefined) store.delete(key);
        else store.set(key, value as string);
      },
      storePrefix: (p) =>
        Object.fromEntries([...store].filter(([k]) => k.startsWith(p)).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      name,
      mgrId: this.mgrId,
      log,
      accessors: new Accessors(() => this.visibleState(), { mgrHealth: this.health }),
      options,
      signal: abort.signal,
      haveMonConnection: () => this.liveness.connected,
      version: () => this.clusterVersion(),
      releaseName: () => this.releaseName(),
      getOption: (key) => this.configValue(`mgr/${name}/${key}`),
      setOption: (key, value) => this.config.set(`mgr/${name}/${key}`, value),
      setHealthChecks: (checks: Record<string, ModuleHealthCheck>) => {
        this.health.set(name, checks);
      },
      remote: (module, method, args) => this.remote(name, module, method, args),
      clusterLog: (channel, priority, message) => this.clusterLog(channel, priority, message),
      sendCommand: (target, cmd, inbuf) => this.sendCommand(target, cmd, inbuf),
      rados: () => this.rados.clientFor(name),
      notifyCommand: (tag) => this.notifyCommand(tag),
      setUri: (uri) => {
        this.uris.set(name, uri);
        // The group's mgr map shows this manager's services: it is built again with them.
        this.viewed = null;
      },
      pastState: (seq) => this.past().at(seq),
      journalRange: () => this.past().range(),
      activeUri: () => {
        const services = (this.visibleState().maps.mgr_map?.map as MgrMap | undefined)?.services as
          | Record<string, string>
          | undefined;
        return (services === undefined ? undefined : own(services, name)) ?? null;
      },
    };
  }

  private startModule(name: string): void {
    const m = this.modules.get(name)!;
    if (m.running !== null) return;
    const { loaded } = m;
    if (loaded.Module === null) {
      m.status = 'load-error';
      m.error = loaded.error;
      this.log.error({ module: name, error: m.error }, 'module failed to load');
      this.refreshHealth();
      return;
    }
    if (!loaded.canRun) {
      m.status = 'cannot-run';
      this.log.warn({ module: name, reason: m.error }, 'module cannot run');
      this.refreshHealth();
      return;
    }
    const Cls = this.standby ? loaded.Standby : loaded.Module;
    if (Cls === null) return; // no standby half: nothing runs on a standby
    const log = this.moduleLogger(name);
    const abort = new AbortController();
    let instance: MgrModule | MgrStandbyModule;
    try {
      instance = constructModule(Cls as new () => MgrModule, {
        name,
        log,
        services: this.services(name, log, abort, loaded.options),
      });
      instance.__attach();
    } catch (e) {
      this.fail(m, `constructor raised: ${(e as Error).message}`, e);
      return;
    }
    // A command another module (or the host) already serves: this module cannot serve what it declares.
    const clash = this.standby ? '' : this.registerCommands(m, instance as MgrModule, log);
    if (clash !== '') {
      abort.abort();
      this.fail(m, clash, null);
      return;
    }
    const running: Running = { instance, abort, queue: null, handlers: [], serve: Promise.resolve(), served: false };
    m.running = running;
    m.status = 'running';
    m.error = '';
    if (!this.standby) {
      const types = loaded.Module.NOTIFY_TYPES;
      if (types === undefined) log.warn('module has no NOTIFY_TYPES: it gets no notifications');
      const mod = instance as MgrModule;
      const queue = new ModuleQueue({
        ...(this.opts.queueCapacity !== undefined ? { capacity: this.opts.queueCapacity } : {}),
        deliver: (cue) => mod.notify(cue.type, cue.id),
        // As Ceph's: an exception in notify is logged (and counted here); the module is not failed for it.
        onError: (cue, e) => {
          m.errors++;
          log.error({ err: e, notify: cue.type, seq: cue.seq }, 'notify raised');
        },
      });
      running.queue = queue;
      for (const type of types ?? []) {
        const handler = (cue: Cue) => {
          m.cues[type] = (m.cues[type] ?? 0) + 1;
          queue.push(cue);
        };
        this.bus.on(type, handler);
        running.handlers.push([type, handler]);
      }
    }
    running.serve = (async () => {
      try {
        await instance.serve();
      } catch (e) {
        if (m.running === running && !abort.signal.aborted) this.fail(m, (e as Error).message ?? String(e), e);
      } finally {
        running.served = true;
      }
    })();
    log.info({ standby: this.standby }, 'module started');
  }

  private async stopModule(name: string): Promise<void> {
    const m = this.modules.get(name)!;
    const running = m.running;
    if (running === null) {
      // Ceph reports only enabled modules' failures: a stopped module's go with it.
      this.markStopped(m);
      this.refreshHealth();
      return;
    }
    this.detach(running);
    this.commands.removeModule(name);
    const q = running.queue?.stats;
    if (q) {
      m.past.delivered += q.delivered;
      m.past.coalesced += q.coalesced;
      m.past.dropped += q.dropped;
    }
    m.running = null;
    this.uris.delete(name);
    this.viewed = null;
    this.markStopped(m);
    running.abort.abort();
    const ended = (async () => {
      try {
        await running.instance.shutdown();
      } catch (e) {
        running.instance.log.error({ err: e }, 'shutdown raised');
      }
      // As Ceph's MgrModule.shutdown: RADOS calls still waiting fail now, which lets serve() return.
      this.rados.closeModule(name);
      await running.serve;
    })();
    // One grace for shutdown() and serve() together: a module that hangs in either does not hold the host.
    const deadline = this.opts.shutdownDeadlineMs ?? SHUTDOWN_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadline);
    });
    const r = await Promise.race([ended.then(() => 'ok' as const), late]);
    clearTimeout(timer);
    if (r === 'late') {
      this.rados.closeModule(name);
      running.instance.log.warn(
        { deadlineMs: deadline },
        'shutdown()/serve() did not return after shutdown; not waiting',
      );
    }
    this.health.set(name, {});
    this.refreshHealth();
  }

  private markStopped(m: Record_): void {
    m.status = 'disabled';
    m.error = m.loaded.error;
  }

  /**
   * A module's commands, decorated and `static COMMANDS`, each answering through the module's error handling.
   * Returns why they could not all be registered (a prefix already served), or `""`.
   */
  private registerCommands(m: Record_, instance: MgrModule, log: Logger): string {
    // As Ceph's: a handler's exception is that command's error (-EINVAL with the traceback), counted and logged; the
    // module goes on serving, so it does not fail the module.
    const onError = (prefix: unknown, e: unknown) => {
      m.errors++;
      log.error({ err: e, command: prefix }, 'command raised');
    };
    for (const e of moduleCommands(m.loaded.name, m.loaded.Module!, m.loaded.docs, instance, onError)) {
      try {
        this.commands.add(e);
      } catch (err) {
        return (err as Error).message;
      }
    }
    return '';
  }

  private detach(running: Running): void {
    for (const [type, handler] of running.handlers) this.bus.off(type, handler);
    running.handlers = [];
    running.queue?.close();
  }

  private fail(m: Record_, error: string, e: unknown): void {
    this.commands.removeModule(m.loaded.name);
    this.health.set(m.loaded.name, {});
    m.status = 'failed';
    m.error = error;
    m.errors++;
    if (m.running) this.detach(m.running);
    this.log.error({ module: m.loaded.name, error, ...(e === null ? {} : { err: e }) }, 'module failed');
    this.refreshHealth();
  }

  /** The host's own checks: `MGR_MODULE_ERROR` for failing modules, `MGR_MODULE_DEPENDENCY` for ones that cannot run. */
  private refreshHealth(): void {
    const conditions = [...this.modules].map(([name, m]) => ({
      name,
      status: m.status,
      error: m.error,
    }));
    this.health.set('mgr', moduleHealthChecks(conditions));
  }

  private onConfigChange(key: string): void {
    const m = /^mgr\/([^/]+)\/(.+)$/.exec(key);
    if (m === null) return;
    const running = this.modules.get(m[1]!)?.running;
    if (running === null || running === undefined) return;
    const inst = running.instance as Partial<MgrModule>;
    if (m[2] === 'log_level')
      running.instance.log.level = createModuleLogger(this.log, m[1]!, this.moduleLogLevel(m[1]!), null).level;
    Promise.resolve()
      .then(() => inst.config_notify?.())
      .catch((e) => running.instance.log.error({ err: e }, 'config_notify raised'));
  }

  /**
   * How the mgr map is shown to modules and commands when this manager is one of a group (the group's managers
   * replace the recorded ones); null shows the state's own. Cues `mgr_map` when it changes.
   */
  setMgrMapView(view: ((recorded: MgrMap | null) => MgrMap) | null): void {
    this.mgrMapView = view;
    this.viewed = null;
    this.emit([{ type: 'mgr_map', id: '', seq: this.current.seq }]);
  }

  private mgrMapView: ((recorded: MgrMap | null) => MgrMap) | null = null;
  private viewed: { base: ClusterState; state: ClusterState } | null = null;

  /** The current snapshot as modules and commands read it: with the group's mgr map, when there is a group. */
  private visibleState(): ClusterState {
    const view = this.mgrMapView;
    if (view === null) return this.current;
    if (this.viewed?.base !== this.current) {
      const entry = this.current.maps.mgr_map;
      const map = view((entry?.map as MgrMap | undefined) ?? null);
      const mgr_map = { map, epoch: entry?.epoch ?? map.epoch, seq: entry?.seq ?? 0, stamp: entry?.stamp ?? 0 };
      this.viewed = {
        base: this.current,
        state: Object.freeze({ ...this.current, maps: Object.freeze({ ...this.current.maps, mgr_map }) }),
      };
    }
    return this.viewed.state;
  }

  /**
   * Switches the running modules between their active (`Module`) and standby (`StandbyModule`) classes: each is
   * shut down and started again in the new role. Resolves once they all run in it.
   */
  async setStandby(standby: boolean): Promise<void> {
    if (standby === this.standby) return;
    const names = [...this.modules.entries()]
      .filter(([n, m]) => m.running !== null || this.enabled.has(n) || m.loaded.Module?.ALWAYS_ON)
      .map(([n]) => n);
    await Promise.all(names.map((n) => this.stopModule(n)));
    this.standby = standby;
    if (this.started) for (const n of names) this.startModule(n);
    this.refreshHealth();
  }

  /** Whether the modules run in their standby role. */
  get isStandby(): boolean {
    return this.standby;
  }

  /** Become a standby when the mgr map names another active and lists us among its standbys. */
  private maybeStandbyFromMgrMap(events: readonly JournaledEvent[]): void {
    if (this.opts.standby !== undefined || !events.some((e) => e.kind === 'mgr_map')) return;
    const map = this.current.maps.mgr_map?.map as MgrMap | undefined;
    if (map === undefined) return;
    const standbys = (map.standbys ?? []) as Array<{ name?: string }>;
    const shouldStandby = map.active_name !== this.mgrId && standbys.some((s) => s.name === this.mgrId);
    if (shouldStandby === this.standby) return;
    this.log.info({ active: map.active_name, standby: shouldStandby }, 'role changed by the mgr map');
    const names = [...this.modules.keys()].filter((n) => this.modules.get(n)!.running !== null);
    void (async () => {
      await Promise.all(names.map((n) => this.stopModule(n)));
      this.standby = shouldStandby;
      if (this.started) for (const n of names) this.startModule(n);
    })();
  }

  // Both scan the daemons: once per daemons table, not per call (10,000 daemons are read at every scrape).
  private clusterVersion(): string {
    return once('cluster_version', this.current.daemons, () => {
      const daemons = Object.values(this.current.daemons);
      const pick = ['mgr', 'mon', 'osd'].map((t) => daemons.find((d) => d.type === t && d.metadata.ceph_version));
      return pick.find((d) => d !== undefined)?.metadata.ceph_version ?? `mgrkit ${VERSION}`;
    });
  }

  private releaseName(): string {
    const recorded = once(
      'release_name',
      this.current.daemons,
      () => Object.values(this.current.daemons).find((x) => x.metadata.ceph_release)?.metadata.ceph_release ?? null,
    );
    return recorded ?? this.current.maps.osd_map?.map.require_osd_release ?? 'unknown';
  }
}
