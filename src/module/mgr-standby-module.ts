import { MgrError } from '../errors.ts';
import { ModuleBase } from './module-base.ts';

/** What runs instead of `Module` while the host is a standby: no cluster data, only the way to the active. */
export abstract class MgrStandbyModule extends ModuleBase {
  constructor() {
    super('standby module');
  }

  /** The URI the active manager's instance of this module serves, from the mgr map, or null. */
  get_active_uri(): string | null {
    return this.ready('get_active_uri').activeUri();
  }

  /**
   * Ceph's standby `get`: only `mgr_ips`, this manager's own addresses. The mgr map carries the active's addresses
   * alone, so a standby here has none to give (`{ips: []}`) and `get_mgr_ip()` is its host's name, as Ceph's is
   * without addresses. Another name is a typed error (Ceph logs it and returns None).
   */
  get(name: 'mgr_ips'): { ips: string[] } {
    this.ready('get');
    if (name !== 'mgr_ips') {
      throw new MgrError('MGR_ERR_GET_UNKNOWN_NAME', `a standby module can get only "mgr_ips", not "${String(name)}"`);
    }
    return { ips: [] };
  }

  /** One of Ceph's options as this manager has it, typed (Ceph's standby gives the text). */
  get_ceph_option(key: string): string | number | boolean {
    return this.ready('get_ceph_option').accessors.get_ceph_option(key);
  }

  override get_mgr_ip(): string {
    return this.get('mgr_ips').ips[0] ?? this.get_hostname();
  }
}
