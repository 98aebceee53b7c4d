import { dirname } from 'node:path';
import type { ModuleQueue } from '../bus/module-queue.ts';
import type { NotifyType } from '../bus/notify-types.ts';
import type { CommandDescription } from '../commands/command-table.ts';
import { MgrError, RemoteError } from '../errors.ts';
import type { MgrModule } from '../module/mgr-module.ts';
import type { MgrStandbyModule } from '../module/mgr-standby-module.ts';
import { type LoadedModule, loadModule } from './loader.ts';
import { describeModuleCommands } from './module-commands.ts';

const ENABLED_KEY = 'mgrkit:enabled_modules';
const DEFAULT_ENABLED: string[] = [];

/** Where a module stands: `mgr module ls`'s and the replay summary's status. */
export type ModuleStatus = 'disabled' | 'running' | 'failed' | 'cannot-run' | 'load-error';

/** The states of an enabled module that does not do its work: `mgr module ls`'s failed modules, and the summary's. */
export function moduleIsFailed(status: string): boolean {
  return status === 'failed' || status === 'load-error' || status === 'cannot-run';
}

/** A module while it runs: its instance, what stops it, its notify queue (none on a standby). */
export interface RunningModule {
  instance: MgrModule | MgrStandbyModule;
  abort: AbortController;
  queue: ModuleQueue | null;
  /** Takes the module off the bus and closes its queue. */
  unsubscribe: () => void;
  serve: Promise<void>;
  served: boolean;
}

/** One module found on the module path (or handed in), whether it runs or not. */
export interface ModuleRecord {
  loaded: LoadedModule;
  /** Found on the module path (not handed in preloaded): its file can be imported again once fixed. */
  discovered: boolean;
  status: ModuleStatus;
  error: string;
  running: RunningModule | null;
  cues: Partial<Record<NotifyType, number>>;
  errors: number;
  /** Queue figures of earlier runs of the module (it may be disabled and enabled again). */
  past: { delivered: number; coalesced: number; dropped: number };
}

/** Per-module figures, for the replay summary and `mgr module ls`. */
export interface ModuleStats {
  status: ModuleStatus;
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

/** How the registry has modules started and stopped (the lifecycle's part). */
export interface ModuleRunner {
  /** Whether the host runs its modules (after `start()`, before `stop()`). */
  readonly started: boolean;
  startModule(name: string): void;
  stopModule(name: string): Promise<void>;
}

/** Where the enabled set persists. */
export interface EnabledStore {
  get(key: string): string | undefined;
  set(key: string, value: string | null): Promise<void>;
}

/**
 * The modules a host knows: which are found, which enabled, how each stands and what it counted; `mgr module ls`,
 * enable and disable; module-to-module calls; where running modules serve.
 */
export class ModuleRegistry {
  private readonly records = new Map<string, ModuleRecord>();
  private enabled: Set<string>;
  private readonly config: EnabledStore;
  private readonly runner: ModuleRunner;
  /** Where each running module said it serves (`set_uri`), by module name. */
  private readonly uris = new Map<string, string>();
  private readonly onServicesChanged: () => void;

  constructor(
    loaded: readonly LoadedModule[],
    discovered: ReadonlySet<string>,
    config: EnabledStore,
    runner: ModuleRunner,
    onServicesChanged: () => void,
  ) {
    for (const l of loaded)
      this.records.set(l.name, {
        loaded: l,
        discovered: discovered.has(l.name),
        status: 'disabled',
        error: l.error,
        running: null,
        cues: {},
        errors: 0,
        past: { delivered: 0, coalesced: 0, dropped: 0 },
      });
    this.config = config;
    this.runner = runner;
    this.onServicesChanged = onServicesChanged;
    this.enabled = new Set(JSON.parse(config.get(ENABLED_KEY) ?? JSON.stringify(DEFAULT_ENABLED)) as string[]);
  }

  /** A module's record. */
  get(name: string): ModuleRecord | undefined {
    return this.records.get(name);
  }

  /** Every module's record, by name. */
  entries(): IterableIterator<[string, ModuleRecord]> {
    return this.records.entries();
  }

  /** Whether a module runs when the host does: enabled here, or always on. */
  shouldRun(name: string): boolean {
    return this.enabled.has(name) || this.records.get(name)?.loaded.Module?.ALWAYS_ON === true;
  }

  /** Names of every module found on the module path. */
  names(): string[] {
    return [...this.records.keys()].sort();
  }

  /**
   * The commands of the modules enabled here, as clients list them, whether or not they run as `Module`s now: a
   * manager of a group that is not the active one lists them and passes them on to the active.
   */
  commandDescriptions(): CommandDescription[] {
    return [...this.records]
      .filter(
        ([n, m]) => m.loaded.Module !== null && m.loaded.canRun && (this.enabled.has(n) || m.loaded.Module.ALWAYS_ON),
      )
      .flatMap(([n, m]) => describeModuleCommands(n, m.loaded.Module!, m.loaded.docs));
  }

  /** `mgr module ls`. */
  ls(): ModuleList {
    const alwaysOn = [...this.records.values()].filter((m) => m.loaded.Module?.ALWAYS_ON).map((m) => m.loaded.name);
    const enabled = [...this.enabled].filter((n) => this.records.has(n) && !alwaysOn.includes(n)).sort();
    const infos = (keep: (m: ModuleRecord) => boolean): ModuleInfo[] =>
      [...this.records.values()]
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
    if (!this.records.has(name)) {
      throw new MgrError(
        'MGR_ERR_MODULE_NOT_FOUND',
        `no module named "${name}" on the module path (${this.names().join(', ')})`,
      );
    }
    await this.reloadIfBroken(name);
    this.enabled.add(name);
    if (options.persist ?? true) await this.config.set(ENABLED_KEY, JSON.stringify([...this.enabled].sort()));
    if (this.runner.started) this.runner.startModule(name);
  }

  /** A module that failed to load is imported again when enabled: its file may have been fixed since. */
  private async reloadIfBroken(name: string): Promise<void> {
    const m = this.records.get(name)!;
    if (m.loaded.Module !== null || !m.discovered || m.running !== null) return;
    m.loaded = await loadModule({ name, dir: dirname(m.loaded.file), file: m.loaded.file }, { fresh: true });
    m.error = m.loaded.error;
    if (m.status === 'load-error') m.status = 'disabled';
  }

  /** Disables a module (persisted), shutting it down if it runs. */
  async disable(name: string, options: { persist?: boolean } = {}): Promise<void> {
    if (!this.records.has(name)) throw new MgrError('MGR_ERR_MODULE_NOT_FOUND', `no module named "${name}"`);
    if (this.records.get(name)!.loaded.Module?.ALWAYS_ON) {
      throw new MgrError('MGR_ERR_MODULE_ALWAYS_ON', `module '${name}' cannot be disabled (always-on)`);
    }
    this.enabled.delete(name);
    if (options.persist ?? true) await this.config.set(ENABLED_KEY, JSON.stringify([...this.enabled].sort()));
    await this.runner.stopModule(name);
  }

  /** Runs exactly these modules for this host's lifetime, leaving the persisted set alone. */
  use(names: readonly string[]): void {
    for (const n of names) {
      if (!this.records.has(n)) {
        throw new MgrError(
          'MGR_ERR_MODULE_NOT_FOUND',
          `no module named "${n}" on the module path (${this.names().join(', ')})`,
        );
      }
    }
    this.enabled = new Set(names);
  }

  /** Figures per module that ran or was asked to. */
  stats(): Record<string, ModuleStats> {
    const out: Record<string, ModuleStats> = {};
    for (const [name, m] of this.records) {
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
    return this.records.get(name)?.running?.instance as T | undefined;
  }

  /** Calls another module's method for `caller`, copying arguments and result both ways. */
  async remote(caller: string, module: string, method: string, args: unknown[]): Promise<unknown> {
    const target = this.records.get(module);
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

  /** Where the running modules serve, as they published it with `set_uri` (the mgr map's `services`). */
  serviceUris(): Record<string, string> {
    return Object.fromEntries([...this.uris].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  }

  /** A running module says where it serves (`set_uri`). */
  setUri(name: string, uri: string): void {
    this.uris.set(name, uri);
    // The group's mgr map shows this manager's services: it is built again with them.
    this.onServicesChanged();
  }

  /** A stopped module serves no more. */
  dropUri(name: string): void {
    this.uris.delete(name);
    this.onServicesChanged();
  }
}
