import { MgrError } from '../errors.ts';
import { Option } from '../options/option.ts';
import { validateOptionValue } from '../options/option-value.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { own } from '../state/data-key.ts';
import type { ConfigStore } from '../store/config-store.ts';
import type { KvStore } from '../store/kv-store.ts';

/** Settings of the host itself, checked by type when set. */
const HOST_OPTIONS = [
  Option({ name: 'mon_connection_timeout', type: 'secs', min: 1 }),
  Option({ name: 'debug_mgr', type: 'str' }),
  Option({ name: 'mgr_module_path', type: 'str' }),
];

/**
 * The host's settings (`config set`, `--set`) and its config-key store, read as in force: the host's own first, then
 * the stream's central config.
 */
export class HostSettings {
  readonly config: ConfigStore;
  /** The config-key store; modules' KV stores live in it under `mgr/<module>/`. */
  readonly kv: KvStore;
  private readonly mgrId: string;
  private readonly current: () => ClusterState;
  private readonly moduleOptions: (module: string) => readonly Option[] | undefined;

  constructor(
    config: ConfigStore,
    kv: KvStore,
    mgrId: string,
    current: () => ClusterState,
    moduleOptions: (module: string) => readonly Option[] | undefined,
  ) {
    this.config = config;
    this.kv = kv;
    this.mgrId = mgrId;
    this.current = current;
    this.moduleOptions = moduleOptions;
  }

  /**
   * A setting as in force: the host's own (set with `config set` or `--set`), else the stream's central config for
   * this manager, for `mgr`, or `global`.
   */
  value(key: string): string | undefined {
    const c = this.current().config;
    const at = (who: string) => {
      const section = own(c, who);
      return section === undefined ? undefined : own(section, key);
    };
    return this.config.get(key) ?? at(`mgr.${this.mgrId}`) ?? at('mgr') ?? at('global');
  }

  /**
   * Checks a setting before it is kept: a module's option (`mgr/<module>/[<mgr_id>/]<option>`) must be declared and
   * its value valid for its type, range and allowed values; the host's own settings are checked by their types.
   */
  check(name: string, value: string): string {
    const host = HOST_OPTIONS.find((o) => o.name === name);
    if (host !== undefined) return validateOptionValue(host, value);
    const m = /^mgr\/([^/]+)\/(?:([^/]+)\/)?([^/]+)$/.exec(name);
    const options = m === null ? undefined : this.moduleOptions(m[1]!);
    if (m === null || options === undefined) return value;
    const option = options.find((o) => o.name === m[3]);
    if (option === undefined) throw new MgrError('MGR_ERR_CONFIG_NAME', `unrecognized config option '${name}'`);
    return validateOptionValue(option, value);
  }
}
