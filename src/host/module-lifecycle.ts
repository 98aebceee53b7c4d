import pino, { type Logger } from 'pino';
import type { Dispatcher } from '../bus/dispatcher.ts';
import type { CommandTable } from '../commands/command-table.ts';
import type { HealthChecks } from '../health/health-checks.ts';
import { moduleHealthChecks } from '../health/module-checks.ts';
import type { ClusterLogPrioName } from '../log/cluster-log.ts';
import {
  type ClusterLogSink,
  createModuleLogger,
  levelForDebug,
  type ModuleLogger,
  type ModuleLogLevel,
  pinoLevel,
  setModuleClusterLog,
  setModuleLogFile,
} from '../log/logger.ts';
import type { MgrModule } from '../module/mgr-module.ts';
import type { MgrStandbyModule } from '../module/mgr-standby-module.ts';
import { constructModule } from '../module/module-base.ts';
import type { ModuleServices } from '../module/module-services.ts';
import { isTrueText } from '../options/option.ts';
import type { LoadedModule } from './loader.ts';
import { moduleCommands } from './module-commands.ts';
import type { ModuleRecord, ModuleRegistry, ModuleRunner, RunningModule } from './module-registry.ts';

/** How long a module's `shutdown()` and `serve()` get to return once it is stopped, by default. */
export const SHUTDOWN_DEADLINE_MS = 5000;

/** What starting and stopping modules needs of the host. */
export interface LifecycleHost {
  readonly log: Logger;
  readonly commands: CommandTable;
  readonly health: HealthChecks;
  readonly dispatcher: Dispatcher;
  readonly queueCapacity?: number;
  /** How long `serve()` gets to return after `shutdown()`. */
  readonly shutdownDeadlineMs?: number;
  /** The daemon log file; `log_to_file` writes a module's lines to `<file>.<module>.log`. */
  readonly logFile?: string;
  /** A setting as in force (the host's, else the stream's central config). */
  configValue(key: string): string | undefined;
  /** The context a module's instance is built with. */
  context(name: string, log: ModuleLogger, signal: AbortSignal, options: LoadedModule['options']): ModuleServices;
  /** Shuts a module's RADOS client down (its waiting calls fail). */
  closeRados(name: string): void;
}

/**
 * Starts and stops the modules: each in its role (active `Module` or `StandbyModule`), with its own queue on the
 * bus and its commands in the table; a module that fails is failed alone, and raises the host's health checks.
 */
export class ModuleLifecycle implements ModuleRunner {
  private readonly registry: ModuleRegistry;
  private readonly host: LifecycleHost;
  private running = false;
  private standbyRole: boolean;

  constructor(registry: ModuleRegistry, host: LifecycleHost, standby: boolean) {
    this.registry = registry;
    this.host = host;
    this.standbyRole = standby;
  }

  get started(): boolean {
    return this.running;
  }

  /** Whether the modules run (or would run) in their standby role. */
  get standby(): boolean {
    return this.standbyRole;
  }

  /** Starts every enabled module (and the always-on ones). */
  startAll(): void {
    this.running = true;
    for (const [name] of this.registry.entries()) if (this.registry.shouldRun(name)) this.startModule(name);
    this.refreshHealth();
  }

  /** Shuts every module down, each within the deadline. */
  async stopAll(): Promise<void> {
    this.running = false;
    await Promise.all([...this.registry.entries()].map(([n]) => this.stopModule(n)));
  }

  /** Stops these modules and starts them again in the given role (if the host runs). */
  async restartAs(standby: boolean, names: readonly string[]): Promise<void> {
    await Promise.all(names.map((n) => this.stopModule(n)));
    this.standbyRole = standby;
    if (this.running) for (const n of names) this.startModule(n);
  }

  startModule(name: string): void {
    const m = this.registry.get(name)!;
    if (m.running !== null) return;
    const { loaded } = m;
    if (loaded.Module === null) {
      m.status = 'load-error';
      m.error = loaded.error;
      this.host.log.error({ module: name, error: m.error }, 'module failed to load');
      this.refreshHealth();
      return;
    }
    if (!loaded.canRun) {
      m.status = 'cannot-run';
      this.host.log.warn({ module: name, reason: m.error }, 'module cannot run');
      this.refreshHealth();
      return;
    }
    const standby = this.standbyRole;
    const Cls = standby ? loaded.Standby : loaded.Module;
    if (Cls === null) return; // no standby half: nothing runs on a standby
    const log = this.moduleLogger(name);
    const abort = new AbortController();
    let instance: MgrModule | MgrStandbyModule;
    try {
      const services = this.host.context(name, log, abort.signal, loaded.options);
      // As Ceph's: an active module's lines go to the cluster log on its channel with `log_to_cluster`; a standby's never.
      if (!standby) this.clusterSenders.set(log, (priority, msg) => services.clusterLog(name, priority, msg));
      instance = constructModule(Cls as new () => MgrModule, { name, log, services });
      instance.__attach();
    } catch (e) {
      this.fail(m, `constructor raised: ${(e as Error).message}`, e);
      return;
    }
    // A command another module (or the host) already serves: this module cannot serve what it declares.
    const clash = standby ? '' : this.registerCommands(m, instance as MgrModule, log);
    if (clash !== '') {
      abort.abort();
      this.fail(m, clash, null);
      return;
    }
    const running: RunningModule = {
      instance,
      abort,
      queue: null,
      unsubscribe: () => {},
      serve: Promise.resolve(),
      served: false,
    };
    m.running = running;
    this.applyLogSettings(name);
    m.status = 'running';
    m.error = '';
    if (!standby) {
      const types = loaded.Module.NOTIFY_TYPES;
      if (types === undefined) log.warn('module has no NOTIFY_TYPES: it gets no notifications');
      const mod = instance as MgrModule;
      const feed = this.host.dispatcher.subscribe({
        types: types ?? [],
        ...(this.host.queueCapacity !== undefined ? { capacity: this.host.queueCapacity } : {}),
        deliver: (cue) => mod.notify(cue.type, cue.id),
        // As Ceph's: an exception in notify is logged (and counted here); the module is not failed for it.
        onError: (cue, e) => {
          m.errors++;
          log.error({ err: e, notify: cue.type, seq: cue.seq }, 'notify raised');
        },
        onCue: (cue) => {
          m.cues[cue.type] = (m.cues[cue.type] ?? 0) + 1;
        },
      });
      running.queue = feed.queue;
      running.unsubscribe = feed.close;
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
    log.info({ standby }, 'module started');
  }

  async stopModule(name: string): Promise<void> {
    const m = this.registry.get(name)!;
    const running = m.running;
    if (running === null) {
      // Ceph reports only enabled modules' failures: a stopped module's go with it.
      this.markStopped(m);
      this.refreshHealth();
      return;
    }
    running.unsubscribe();
    this.host.commands.removeModule(name);
    const q = running.queue?.stats;
    if (q) {
      m.past.delivered += q.delivered;
      m.past.coalesced += q.coalesced;
      m.past.dropped += q.dropped;
    }
    m.running = null;
    this.registry.dropUri(name);
    this.markStopped(m);
    running.abort.abort();
    const ended = (async () => {
      try {
        await running.instance.shutdown();
      } catch (e) {
        running.instance.log.error({ err: e }, 'shutdown raised');
      }
      // As Ceph's MgrModule.shutdown: RADOS calls still waiting fail now, which lets serve() return.
      this.host.closeRados(name);
      await running.serve;
    })();
    // One grace for shutdown() and serve() together: a module that hangs in either does not hold the host.
    const deadline = this.host.shutdownDeadlineMs ?? SHUTDOWN_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadline);
    });
    const r = await Promise.race([ended.then(() => 'ok' as const), late]);
    clearTimeout(timer);
    if (r === 'late') {
      this.host.closeRados(name);
      running.instance.log.warn(
        { deadlineMs: deadline },
        'shutdown()/serve() did not return after shutdown; not waiting',
      );
    }
    this.host.health.set(name, {});
    this.refreshHealth();
  }

  /**
   * A setting changed: a running module's `log_level` and `log_to_file` take effect at once (the next line is
   * written at the new level, to the new place), `debug_mgr` for every module without a `log_level` of its own, and
   * the module's `config_notify` is called.
   */
  configChanged(key: string): void {
    if (key === 'debug_mgr') {
      for (const [name, m] of this.registry.entries()) if (m.running !== null) this.applyLogSettings(name);
      return;
    }
    const m = /^mgr\/([^/]+)\/(.+)$/.exec(key);
    if (m === null) return;
    const running = this.registry.get(m[1]!)?.running;
    if (running === null || running === undefined) return;
    const inst = running.instance as Partial<MgrModule>;
    if (['log_level', 'log_to_file', 'log_to_cluster', 'log_to_cluster_level'].includes(m[2]!))
      this.applyLogSettings(m[1]!);
    Promise.resolve()
      .then(() => inst.config_notify?.())
      .catch((e) => running.instance.log.error({ err: e }, 'config_notify raised'));
  }

  /** Sets a running module's logger to its `log_level` and `log_to_file` as now set. */
  private applyLogSettings(name: string): void {
    const running = this.registry.get(name)?.running;
    if (running === null || running === undefined) return;
    const log = running.instance.log;
    log.level = pinoLevel(this.moduleLogLevel(name));
    setModuleLogFile(log, this.moduleLogFile(name));
    setModuleClusterLog(log, this.clusterSink(name, log));
  }

  /**
   * The module's `log_to_cluster` sink, or null when off: lines of `log_to_cluster_level` and up, as cluster log
   * entries on the module's channel at Ceph's priorities (critical is ERROR). A failure to journal one is the host's
   * to log: the module's own logger would send it again.
   */
  private clusterSink(name: string, log: ModuleLogger): ClusterLogSink | null {
    const send = this.clusterSenders.get(log);
    const on = isTrueText(this.host.configValue(`mgr/${name}/log_to_cluster`) ?? '');
    if (send === undefined || !on) return null;
    const level = (this.host.configValue(`mgr/${name}/log_to_cluster_level`) || 'info') as ModuleLogLevel;
    return {
      level: pino.levels.values[pinoLevel(level)]!,
      send: (n, msg) => {
        const priority = n >= 50 ? 'ERROR' : n >= 40 ? 'WARN' : n >= 30 ? 'INFO' : 'DEBUG';
        send(priority, msg).catch((e) =>
          this.host.log.warn({ module: name, err: e }, 'a log line was not sent to the cluster log'),
        );
      },
    };
  }

  /** The host's own checks: `MGR_MODULE_ERROR` for failing modules, `MGR_MODULE_DEPENDENCY` for ones that cannot run. */
  refreshHealth(): void {
    const conditions = [...this.registry.entries()].map(([name, m]) => ({
      name,
      status: m.status,
      error: m.error,
    }));
    this.host.health.set('mgr', moduleHealthChecks(conditions));
  }

  private markStopped(m: ModuleRecord): void {
    m.status = 'disabled';
    m.error = m.loaded.error;
  }

  /**
   * A module's commands, decorated and `static COMMANDS`, each answering through the module's error handling.
   * Returns why they could not all be registered (a prefix already served), or `""`.
   */
  private registerCommands(m: ModuleRecord, instance: MgrModule, log: Logger): string {
    // As Ceph's: a handler's exception is that command's error (-EINVAL with the traceback), counted and logged; the
    // module goes on serving, so it does not fail the module.
    const onError = (prefix: unknown, e: unknown) => {
      m.errors++;
      log.error({ err: e, command: prefix }, 'command raised');
    };
    for (const e of moduleCommands(m.loaded.name, m.loaded.Module!, m.loaded.docs, instance, onError)) {
      try {
        this.host.commands.add(e);
      } catch (err) {
        return (err as Error).message;
      }
    }
    return '';
  }

  private fail(m: ModuleRecord, error: string, e: unknown): void {
    this.host.commands.removeModule(m.loaded.name);
    this.host.health.set(m.loaded.name, {});
    m.status = 'failed';
    m.error = error;
    m.errors++;
    m.running?.unsubscribe();
    this.host.log.error({ module: m.loaded.name, error, ...(e === null ? {} : { err: e }) }, 'module failed');
    this.refreshHealth();
  }

  private moduleLogLevel(name: string): ModuleLogLevel {
    const set = this.host.configValue(`mgr/${name}/log_level`);
    if (set !== undefined && set !== '') return set as ModuleLogLevel;
    return levelForDebug(this.host.configValue('debug_mgr') ?? '2/5');
  }

  /** Where the module's lines go: `<daemon log file>.<module>.log` with `log_to_file`, else null (the daemon's log). */
  private moduleLogFile(name: string): string | null {
    const toFile = isTrueText(this.host.configValue(`mgr/${name}/log_to_file`) ?? '');
    const logFile = this.host.logFile;
    const file = toFile && logFile && logFile !== '-' ? `${logFile}.${name}.log` : null;
    if (toFile && file === null)
      this.host.log.warn({ module: name }, 'log_to_file is set but the daemon logs to stderr');
    return file;
  }

  private moduleLogger(name: string): ModuleLogger {
    return createModuleLogger(this.host.log, name, this.moduleLogLevel(name), this.moduleLogFile(name));
  }

  /** How each active module's logger writes a cluster log entry, for `log_to_cluster`. */
  private readonly clusterSenders = new WeakMap<
    ModuleLogger,
    (priority: ClusterLogPrioName, msg: string) => Promise<unknown>
  >();
}
