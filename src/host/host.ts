import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { ClogEntry } from '../../schemas/daemon/index.ts';
import type { ClusterEvent, JournaledEvent } from '../../schemas/event.ts';
import type { Cue } from '../bus/cue.ts';
import { CuePlanner } from '../bus/cue-planner.ts';
import { Dispatcher } from '../bus/dispatcher.ts';
import { createNotifyBus, type NotifyBus } from '../bus/emitter.ts';
import { CephFsService } from '../cephfs/cephfs-service.ts';
import { ClusterLogWriter } from '../cluster/cluster-log-writer.ts';
import { registerBuiltins } from '../commands/builtin-commands.ts';
import { MgrError } from '../errors.ts';
import { HealthChecks } from '../health/health-checks.ts';
import type { Publisher } from '../ingest/engine.ts';
import { Liveness } from '../ingest/liveness.ts';
import type { ClusterLogPriority } from '../log/cluster-log.ts';
import { createRootLogger } from '../log/logger.ts';
import { DEFAULT_MON_CONNECTION_TIMEOUT } from '../module/accessors.ts';
import { PastState } from '../module/past-state.ts';
import { RadosService } from '../rados/rados-service.ts';
import { type ClusterState, createEmptyState } from '../state/cluster-state.ts';
import { ConfigStore } from '../store/config-store.ts';
import { KvStore } from '../store/kv-store.ts';
import { PastStates } from '../store/past-states.ts';
import { ClusterCommands } from './cluster-commands.ts';
import { BUILTIN_MODULE_DIR, discoverModules } from './discovery.ts';
import { HostCommands } from './host-commands.ts';
import type { HostOptions } from './host-options.ts';
import { HostRole } from './host-role.ts';
import { HostSettings } from './host-settings.ts';
import { ensureMgrkitResolvable, type LoadedModule, loadModule } from './loader.ts';
import { createModuleContext, type ModuleContextHost } from './module-context-factory.ts';
import { ModuleLifecycle } from './module-lifecycle.ts';
import { ModuleRegistry } from './module-registry.ts';
import { OsdPerfQueries } from './osd-perf-queries.ts';
import { ownMgrMap } from './own-mgr-map.ts';
import { ProgressEvents } from './progress-events.ts';
import { storeHealthChecks } from './store-health.ts';
import { ensureTypeScriptLoader } from './typescript-loader.ts';

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

/**
 * The module host: finds and loads modules, runs the enabled ones with their own queues, sends them cues after each
 * published snapshot, and keeps their failures to themselves.
 */
export class MgrHost {
  readonly mgrId: string;
  readonly log: Logger;
  /** The host's settings and its config-key store (modules' KV stores live in it under `mgr/<module>/`). */
  readonly settings: HostSettings;
  readonly health = new HealthChecks();
  /** The manager's progress events (`update_progress_event`), as `status` shows them. */
  readonly progressEvents = new ProgressEvents();
  readonly liveness: Liveness;
  /** Every command served (the host's own, and those of the running modules), and who may run them. */
  readonly commands: HostCommands;
  /** The modules found: which are enabled and how each stands; `mgr module ls`, enable, disable, their figures. */
  readonly modules: ModuleRegistry;
  /** Active or standby, and (in a group) the mgr map the modules see. */
  readonly role: HostRole;
  private readonly bus: NotifyBus = createNotifyBus();
  private readonly lifecycle: ModuleLifecycle;
  /** The cluster behind the source, as `send_command` and `mon_command` reach it. */
  private readonly cluster: ClusterCommands;
  /** The modules' `this.rados` clients, over one object store. */
  private readonly rados: RadosService;
  /** The OSD perf queries the modules registered (Ceph's `DaemonServer` keeps them). */
  private readonly osdPerfQueries: OsdPerfQueries;
  /** The modules' `this.cephfs` clients. */
  private readonly cephfs: CephFsService;
  private readonly opts: HostOptions;
  private readonly planner = new CuePlanner();
  private current: ClusterState;
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
    const host = this;
    this.settings = new HostSettings(
      config,
      new KvStore(options.store?.kv ?? null),
      this.mgrId,
      () => this.current,
      (module) => this.modules.get(module)?.loaded.options,
    );
    this.commands = new HostCommands(config);
    this.cluster = new ClusterCommands(
      options.commander,
      () => this.current.maps.osd_map?.epoch ?? -1,
      (cmd, inbuf) => this.commands.run(cmd, { entity: `mgr.${this.mgrId}`, caps: 'rw', inbuf }),
    );
    this.rados = new RadosService(
      {
        mgrId: this.mgrId,
        get state() {
          return host.current;
        },
        get liveness() {
          return host.liveness;
        },
        sendCommand: (target, cmd, inbuf) => this.cluster.send(target, cmd, inbuf),
        command: (request, caller) => this.commands.run(request, caller),
        configValue: (key) => this.settings.value(key),
      },
      options.store,
      options.commander,
      options.objects,
    );
    this.osdPerfQueries = new OsdPerfQueries(
      () => host.current,
      (queries) => options.commander?.osdPerfQueries?.(queries),
    );
    this.cephfs = new CephFsService(
      {
        rados: (module) => this.rados.clientFor(module),
        get state() {
          return host.current;
        },
      },
      options.cephfsBackend,
    );
    this.current = createEmptyState();
    this.modules = new ModuleRegistry(
      loaded,
      discovered,
      config,
      {
        get started() {
          return host.lifecycle.started;
        },
        startModule: (name) => this.lifecycle.startModule(name),
        stopModule: (name) => this.lifecycle.stopModule(name),
      },
      () => this.role.invalidate(),
    );
    const contextHost = this.contextHost();
    this.lifecycle = new ModuleLifecycle(
      this.modules,
      {
        log: this.log,
        commands: this.commands.table,
        health: this.health,
        dispatcher: new Dispatcher(this.bus),
        queueCapacity: options.queueCapacity,
        shutdownDeadlineMs: options.shutdownDeadlineMs,
        logFile: options.logFile,
        configValue: (key) => this.settings.value(key),
        context: (name, log, signal, opts) => createModuleContext(contextHost, name, log, signal, opts),
        closeRados: (name) => {
          this.cephfs.closeModule(name);
          this.rados.closeModule(name);
        },
      },
      options.standby ?? false,
    );
    this.role = new HostRole(this.lifecycle, this.modules, {
      mgrId: this.mgrId,
      log: this.log,
      roleFixed: options.standby !== undefined,
      current: () => this.current,
      emit: (cues) => this.emit(cues),
    });
    const clock = options.clock;
    this.liveness = new Liveness({
      timeoutSeconds: () => Number(this.settings.value('mon_connection_timeout') ?? DEFAULT_MON_CONNECTION_TIMEOUT),
      ...(clock?.running ? { now: () => clock.now(), wallPerStreamMs: clock.wallPerStreamMs } : {}),
    });
    this.liveness.changes.subscribe((c) =>
      this.log.info({ connected: c.connected, at: c.at, reason: c.reason }, 'monitor connection changed'),
    );
    config.subscribe((key) => this.onConfigChange(key));
    options.store?.onWriteStatus((s) => {
      if (s.ok) this.log.info({ store: options.store?.dir }, 'the store takes writes again');
      else this.log.error({ err: s.error }, 'a write to the store failed');
      // Kept apart from the modules' checks: a module's name (a folder's) has no `/`.
      this.health.set('mgrkit/store', s.ok ? {} : storeHealthChecks(s.error));
    });
    registerBuiltins(this.commands.table, {
      get state() {
        return host.role.visibleState();
      },
      module_ls: () => this.modules.ls(),
      enable: (name) => this.modules.enable(name),
      disable: (name) => this.modules.disable(name),
      mgrHealthChecks: () => this.health.all(),
      config: this.settings.config,
      kv: this.settings.kv,
      checkSetting: (name, value) => this.settings.check(name, value),
      serviceUris: () => (this.role.standby ? null : this.modules.serviceUris()),
      ownMgrMap: () => ownMgrMap(this.mgrId, this.role.standby, this.modules.ls(), this.modules.serviceUris()),
    });
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
    // Every folder's resolution hooks are in place before the first import, after the TypeScript loader they use.
    if (candidates.length > 0) await ensureTypeScriptLoader();
    for (const c of candidates) ensureMgrkitResolvable(dirname(c.dir));
    const loaded: LoadedModule[] = [];
    for (const c of candidates) loaded.push(await loadModule(c));
    return new MgrHost(options, config, [...preloaded, ...loaded], new Set(candidates.map((c) => c.name)));
  }

  /** The current snapshot. */
  get state(): ClusterState {
    return this.current;
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

  /** Starts every enabled module (and the always-on ones). */
  start(): void {
    this.lifecycle.startAll();
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
    await this.lifecycle.stopAll();
    await this.rados.close();
    this.liveness.stop();
  }

  /** Tells the modules that take `command` notifications that the command tagged `tag` completed. */
  private notifyCommand(tag: string): void {
    this.emit([{ type: 'command', id: tag, seq: this.current.seq }]);
  }

  private wakeEpochWaiters(): void {
    this.cluster.published();
  }

  private emit(cues: readonly Cue[]): void {
    for (const cue of cues) this.bus.emit(cue.type, cue);
  }

  /** What a module's context reaches of the host, each part narrowed to what the modules use. */
  private contextHost(): ModuleContextHost {
    const host = this;
    return {
      stores: {
        configValue: (key) => this.settings.value(key),
        setConfig: (key, value) => this.settings.config.set(key, value),
        kvEntries: (prefix) => this.settings.kv.entries(prefix),
        setKv: (key, value) => this.settings.kv.set(key, value),
      },
      cluster: {
        // Read once when a module's context is made (this object is made before the role and liveness are).
        get visibleState() {
          return host.role.visibleState;
        },
        get liveness() {
          return host.liveness;
        },
        sendCommand: (target, cmd, inbuf) => this.cluster.send(target, cmd, inbuf),
        clusterLog: (channel, priority, message) => this.clusterLog(channel, priority, message),
        notifyCommand: (tag) => this.notifyCommand(tag),
        rados: (module) => this.rados.clientFor(module),
        cephfs: (module) => this.cephfs.clientFor(module),
        past: () => this.past(),
        osdPerfQueries: this.osdPerfQueries,
      },
      peers: {
        mgrId: this.mgrId,
        health: this.health,
        remote: (caller, module, method, args) => this.modules.remote(caller, module, method, args),
        setUri: (module, uri) => this.modules.setUri(module, uri),
        moduleOptions: (module) => this.modules.get(module)?.loaded.options,
        running: (module) => this.modules.get(module)?.status === 'running',
        progress: this.progressEvents,
      },
    };
  }

  private onConfigChange(key: string): void {
    this.lifecycle.configChanged(key);
  }

  private maybeStandbyFromMgrMap(events: readonly JournaledEvent[]): void {
    this.role.followMgrMap(events);
  }
}
