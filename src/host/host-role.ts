import type { Logger } from 'pino';
import type { JournaledEvent } from '../../schemas/event.ts';
import type { MgrMap } from '../../schemas/maps/index.ts';
import type { Cue } from '../bus/cue.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import type { ModuleLifecycle } from './module-lifecycle.ts';
import type { ModuleRegistry } from './module-registry.ts';

/** What the role needs of the host. */
export interface RoleHost {
  readonly mgrId: string;
  readonly log: Logger;
  /** The role was set when the host was made (`standby` option): the mgr map does not change it. */
  readonly roleFixed: boolean;
  /** The current snapshot, as published. */
  current(): ClusterState;
  emit(cues: readonly Cue[]): void;
}

/**
 * The part this manager plays: active or standby (its modules run their `Module` or `StandbyModule` class), set by
 * a group or followed from the mgr map; and, in a group, the mgr map its modules and commands see.
 */
export class HostRole {
  private readonly lifecycle: ModuleLifecycle;
  private readonly registry: ModuleRegistry;
  private readonly host: RoleHost;
  private mgrMapView: ((recorded: MgrMap | null) => MgrMap) | null = null;
  private viewed: { base: ClusterState; state: ClusterState } | null = null;

  constructor(lifecycle: ModuleLifecycle, registry: ModuleRegistry, host: RoleHost) {
    this.lifecycle = lifecycle;
    this.registry = registry;
    this.host = host;
  }

  /** Whether the modules run in their standby role. */
  get standby(): boolean {
    return this.lifecycle.standby;
  }

  /**
   * Switches the running modules between their active (`Module`) and standby (`StandbyModule`) classes: each is
   * shut down and started again in the new role. Resolves once they all run in it.
   */
  async setStandby(standby: boolean): Promise<void> {
    if (standby === this.lifecycle.standby) return;
    const names = [...this.registry.entries()]
      .filter(([n, m]) => m.running !== null || this.registry.shouldRun(n))
      .map(([n]) => n);
    await this.lifecycle.restartAs(standby, names);
    this.lifecycle.refreshHealth();
  }

  /** Become a standby when the mgr map names another active and lists us among its standbys. */
  followMgrMap(events: readonly JournaledEvent[]): void {
    if (this.host.roleFixed || !events.some((e) => e.kind === 'mgr_map')) return;
    const map = this.host.current().maps.mgr_map?.map as MgrMap | undefined;
    if (map === undefined) return;
    const mgrId = this.host.mgrId;
    const standbys = (map.standbys ?? []) as Array<{ name?: string }>;
    const shouldStandby = map.active_name !== mgrId && standbys.some((s) => s.name === mgrId);
    if (shouldStandby === this.lifecycle.standby) return;
    this.host.log.info({ active: map.active_name, standby: shouldStandby }, 'role changed by the mgr map');
    const names = [...this.registry.entries()].filter(([, m]) => m.running !== null).map(([n]) => n);
    void this.lifecycle.restartAs(shouldStandby, names);
  }

  /**
   * How the mgr map is shown to modules and commands when this manager is one of a group (the group's managers
   * replace the recorded ones); null shows the state's own. Cues `mgr_map` when it changes.
   */
  setMgrMapView(view: ((recorded: MgrMap | null) => MgrMap) | null): void {
    this.mgrMapView = view;
    this.viewed = null;
    this.host.emit([{ type: 'mgr_map', id: '', seq: this.host.current().seq }]);
  }

  /** The mgr map view is built again at the next read (the services it shows changed). */
  invalidate(): void {
    this.viewed = null;
  }

  /** The current snapshot as modules and commands read it: with the group's mgr map, when there is a group. */
  readonly visibleState = (): ClusterState => {
    const current = this.host.current();
    const view = this.mgrMapView;
    if (view === null) return current;
    if (this.viewed?.base !== current) {
      const entry = current.maps.mgr_map;
      const map = view((entry?.map as MgrMap | undefined) ?? null);
      const mgr_map = { map, epoch: entry?.epoch ?? map.epoch, seq: entry?.seq ?? 0, stamp: entry?.stamp ?? 0 };
      this.viewed = {
        base: current,
        state: Object.freeze({ ...current, maps: Object.freeze({ ...current.maps, mgr_map }) }),
      };
    }
    return this.viewed.state;
  };
}
