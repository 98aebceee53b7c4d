import type { ModuleInfo, ModuleList } from './module-registry.ts';

/** What `mgr dump` shows of a manager alone (see {@link ownMgrMap}). */
export interface OwnMgrMap {
  readonly epoch: 0;
  readonly active_gid: 0;
  readonly active_name: string;
  readonly active_addr: '';
  readonly available: boolean;
  readonly standbys: readonly { gid: 0; name: string; available_modules: readonly ModuleInfo[] }[];
  readonly modules: readonly string[];
  readonly available_modules: readonly ModuleInfo[];
  readonly services: Readonly<Record<string, string>>;
}

/**
 * The mgr map of this manager alone, for `mgr dump` when the source sent none (a trace recorded without it): what
 * the manager itself knows, in the shape of Ceph's: itself as the active one (or its only standby), the enabled
 * modules, every module on the path with whether it can run, and where its modules serve. Epoch 0: no monitor
 * issued it. A map in the stream, or a group's, is shown instead whenever there is one.
 */
export function ownMgrMap(
  mgrId: string,
  standby: boolean,
  modules: ModuleList,
  services: Readonly<Record<string, string>>,
): OwnMgrMap {
  const failed = new Map(modules.failed_modules.map((m) => [m.name, m]));
  const available_modules = [
    ...[...modules.always_on_modules, ...modules.enabled_modules].map(
      (name) => failed.get(name) ?? { name, can_run: true, error_string: '' },
    ),
    ...modules.disabled_modules,
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    epoch: 0,
    active_gid: 0,
    active_name: standby ? '' : mgrId,
    active_addr: '',
    available: !standby,
    standbys: standby ? [{ gid: 0, name: mgrId, available_modules }] : [],
    modules: modules.enabled_modules,
    available_modules,
    services: standby ? {} : services,
  };
}
