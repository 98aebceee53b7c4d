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
}
