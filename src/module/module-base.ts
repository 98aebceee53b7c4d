import { hostname } from 'node:os';
import { MgrError } from '../errors.ts';
import type { ModuleLogger } from '../log/logger.ts';
import { COMMON_OPTIONS, type Option, parseOptionValue, typedDefault } from '../options/option.ts';
import { validateOptionValue } from '../options/option-value.ts';
import type { ModuleBoot, ModuleServices } from './module-services.ts';

let booting: ModuleBoot | null = null;

/** Constructs a module class the way the host does: the constructor gets its name and logger, not cluster data. */
export function constructModule<T>(Cls: new () => T, boot: ModuleBoot): T {
  booting = boot;
  try {
    return new Cls();
  } finally {
    booting = null;
  }
}

function takeBoot(kind: string): ModuleBoot {
  if (booting === null) {
    throw new MgrError(
      'MGR_ERR_MODULE_CONTEXT',
      `a ${kind} is constructed by the host (or by createModuleHarness in tests), not with "new"`,
    );
  }
  return booting;
}

/**
 * What Ceph modules and mgrkit modules share with a standby: name, logger, options, the shutdown signal.
 */
export abstract class ModuleBase {
  /** Options this module declares; Ceph's `log_level`, `log_to_file`, `log_to_cluster` come with every module. */
  static MODULE_OPTIONS: readonly Option[] = [];

  /**
   * Ceph's `MODULE_OPTION_DEFAULTS`: each option's default by name, typed (the common options' too), for the
   * options that declare one.
   */
  static get MODULE_OPTION_DEFAULTS(): Readonly<Record<string, string | number | boolean>> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the module's own class, whose MODULE_OPTIONS these are.
    const entries = moduleOptions(this).flatMap((o) => {
      const d = typedDefault(o);
      return d === null ? [] : [[o.name, d] as const];
    });
    return Object.freeze(Object.fromEntries(entries));
  }

  /** The module's name (its folder's name). */
  readonly module_name: string;
  /**
   * The module's own logger, carrying its name: pino's methods (`info`, `warn`, `child`, ...) and Python logging's
   * (`warning`, `critical`, `exception`), so `this.log.warning('...')` from a Ceph module works as it reads.
   * `log_level` and `log_to_file` apply to it at once when set.
   */
  readonly log: ModuleLogger;
  protected readonly services: ModuleServices;
  private attached = false;

  constructor(kind: string) {
    const boot = takeBoot(kind);
    this.module_name = boot.name;
    this.log = boot.log;
    this.services = boot.services;
  }

  /** @internal Called by the host once the constructor has returned: cluster access starts here. */
  __attach(): void {
    this.attached = true;
  }

  protected ready(what: string): ModuleServices {
    if (!this.attached) {
      throw new MgrError(
        'MGR_ERR_MODULE_CONTEXT',
        `${this.module_name}: ${what}() called from the constructor; cluster access starts in serve() and notify()`,
      );
    }
    return this.services;
  }

  /** Aborted when the host asks the module to stop (on disable and at host stop). */
  get signal(): AbortSignal {
    return this.services.signal;
  }

  /** Waits `seconds` or until shutdown, whichever is first; resolves true if shutdown was asked. */
  sleep(seconds: number): Promise<boolean> {
    const signal = this.services.signal;
    if (signal.aborted) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(false);
      }, seconds * 1000);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(true);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Long-running work; should return soon after `shutdown()` (watch `signal`). */
  serve(): void | Promise<void> {}

  /** The host is stopping this module; the default does nothing beyond aborting `signal`, which the host does. */
  shutdown(): void | Promise<void> {}

  /** This manager's id. */
  get_mgr_id(): string {
    return this.ready('get_mgr_id').mgrId;
  }

  /**
   * Ceph's `getLogger(name)`: the module's logger, or with a name a child of it whose lines carry
   * `logger: <module>.<name>` (Python's `getChild`).
   */
  getLogger(name?: string): ModuleLogger {
    if (name === undefined) return this.log;
    return this.log.child({ logger: `${this.module_name}.${name}` }) as ModuleLogger;
  }

  /** The host's name (Ceph's `get_hostname`: `socket.gethostname()`). */
  get_hostname(): string {
    return hostname();
  }

  /** The active manager's first IP address from the manager map (`get('mgr_ips')`), else the host's name (Ceph's). */
  get_mgr_ip(): string {
    return this.ready('get_mgr_ip').accessors.get('mgr_ips').ips[0] ?? hostname();
  }

  /**
   * Another module's option (`mgr/<module>/<key>`), typed by that module's declaration, or `defaultValue` (null)
   * when it is not set: that module's declared default is not used, as in Ceph's `get_module_option_ex`. For this
   * module's own name the option must be declared. A module the host does not know gives `defaultValue`.
   */
  get_module_option_ex<T = string | number | boolean | null>(module: string, key: string, defaultValue?: T): T {
    const services = this.ready('get_module_option_ex');
    if (module === this.module_name) this.declared(key);
    const options = services.moduleOptions(module);
    const set = services.getModuleOption(module, key);
    if (options === undefined || set === undefined) return (defaultValue ?? null) as T;
    const option = options.find((o) => o.name === key);
    return (option === undefined ? set : parseOptionValue(option, set)) as T;
  }

  /**
   * Sets another module's option (`mgr/<module>/<key>`), checked against that module's declaration when it has one;
   * null removes it. For this module's own name the option must be declared (Ceph's `set_module_option_ex`).
   */
  async set_module_option_ex(module: string, key: string, value: string | number | boolean | null): Promise<void> {
    const services = this.ready('set_module_option_ex');
    if (module === this.module_name) this.declared(key);
    const option = services.moduleOptions(module)?.find((o) => o.name === key);
    const text = value === null ? null : option === undefined ? String(value) : validateOptionValue(option, value);
    await services.setModuleOption(module, key, text);
  }

  /** The declared option `key`, or a typed error naming the module (Ceph raises for undeclared options too). */
  protected declared(key: string): Option {
    const option = this.ready('get_module_option').options.find((o) => o.name === key);
    if (option === undefined) {
      throw new MgrError(
        'MGR_ERR_OPTION_UNDECLARED',
        `${this.module_name}: option "${key}" is not declared in MODULE_OPTIONS`,
      );
    }
    return option;
  }

  /**
   * The value of a declared option, typed: the set value, else the declared default (which, as in Ceph, wins over
   * `defaultValue`), else `defaultValue`, else null. An undeclared option throws.
   */
  get_module_option<T = string | number | boolean | null>(key: string, defaultValue?: T): T {
    const option = this.declared(key);
    const set = this.services.getOption(key);
    if (set !== undefined) return parseOptionValue(option, set) as T;
    return (typedDefault(option) ?? defaultValue ?? null) as T;
  }

  /** Like `get_module_option`, but this manager's own value (`mgr/<module>/<mgr_id>/<key>`) first. */
  get_localized_module_option<T = string | number | boolean | null>(key: string, defaultValue?: T): T {
    const option = this.declared(key);
    const local = this.services.getOption(`${this.services.mgrId}/${key}`);
    if (local !== undefined) return parseOptionValue(option, local) as T;
    return this.get_module_option(key, defaultValue);
  }

  /** Sets a declared option after checking its type, range and allowed values; null (or undefined) removes it. */
  async set_module_option(key: string, value: string | number | boolean | null | undefined): Promise<void> {
    const option = this.declared(key);
    await this.services.setOption(
      key,
      value === null || value === undefined ? null : validateOptionValue(option, value),
    );
  }

  /** Sets this manager's own value of a declared option (`mgr/<module>/<mgr_id>/<key>`). */
  async set_localized_module_option(key: string, value: string | number | boolean | null | undefined): Promise<void> {
    const option = this.declared(key);
    const text = value === null || value === undefined ? null : validateOptionValue(option, value);
    await this.services.setOption(`${this.services.mgrId}/${key}`, text);
  }

  /**
   * A value of this module's KV store (`mgr/<module>/<key>`), or `defaultValue`. The module sees what the store held
   * when it started plus its own writes; a value written from outside meanwhile shows after a restart.
   */
  get_store<D = null>(key: string, defaultValue?: D): string | D {
    return this.ready('get_store').getStore(key) ?? ((defaultValue ?? null) as D);
  }

  /** Stores a string (null removes the key); resolves once committed. A non-string is a typed error. */
  set_store(key: string, value: string | null): Promise<void> {
    return this.ready('set_store').setStore(key, value);
  }

  /** Every key of this module's store starting with `prefix`, with its value. */
  get_store_prefix(prefix: string): Record<string, string> {
    return this.ready('get_store_prefix').storePrefix(prefix);
  }

  /** This manager's own value (`mgr/<module>/<mgr_id>/<key>`), else the module-wide one, else `defaultValue`. */
  get_localized_store<D = null>(key: string, defaultValue?: D): string | D {
    const services = this.ready('get_localized_store');
    return services.getStore(`${services.mgrId}/${key}`) ?? services.getStore(key) ?? ((defaultValue ?? null) as D);
  }

  /** Stores this manager's own value of a key. */
  set_localized_store(key: string, value: string | null): Promise<void> {
    const services = this.ready('set_localized_store');
    return services.setStore(`${services.mgrId}/${key}`, value);
  }
}

/** Every module's options: its own plus the common ones Ceph adds. */
export function moduleOptions(Cls: { MODULE_OPTIONS?: readonly Option[] }): readonly Option[] {
  const own = Cls.MODULE_OPTIONS ?? [];
  return [...own, ...COMMON_OPTIONS.filter((c) => !own.some((o) => o.name === c.name))];
}
