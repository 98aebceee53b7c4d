import type { ClogEntry } from '../../schemas/daemon/index.ts';
import type { MgrMap } from '../../schemas/maps/index.ts';
import type { LibCephFS } from '../cephfs/lib-cephfs.ts';
import type { ClusterReply, CommandTarget } from '../cluster/cluster-commander.ts';
import type { HealthChecks, ModuleHealthCheck } from '../health/health-checks.ts';
import type { ClusterLogPriority } from '../log/cluster-log.ts';
import type { ModuleLogger } from '../log/logger.ts';
import { Accessors } from '../module/accessors.ts';
import { foreignCephOption } from '../module/foreign-ceph-option.ts';
import type { ModuleProgress, ModuleServices } from '../module/module-services.ts';
import type { OsdPerfQueryService } from '../module/osd-perf-queries.ts';
import type { PastState } from '../module/past-state.ts';
import type { Option } from '../options/option.ts';
import type { Rados } from '../rados/rados.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { own } from '../state/data-key.ts';
import { tableValues } from '../state/keyed-table.ts';
import { once } from '../state/views/memo.ts';
import type { PastStates } from '../store/past-states.ts';
import type { ProgressEvents } from './progress-events.ts';

const VERSION = '0.1.0';

/** The host's stores as a module reaches them: its settings, and its KV store under `mgr/<module>/`. */
export interface ContextStores {
  /** A setting as in force (the host's, else the stream's central config). */
  configValue(key: string): string | undefined;
  setConfig(key: string, value: string | null): Promise<void>;
  kvEntries(prefix: string): Array<[string, string]>;
  setKv(key: string, value: unknown): Promise<void>;
}

/** The cluster as a module reaches it: the state, the monitors, commands, the cluster log, RADOS, CephFS. */
export interface ContextCluster {
  /** The current snapshot as modules read it (with the group's mgr map, in a group). */
  readonly visibleState: () => ClusterState;
  readonly liveness: { readonly connected: boolean };
  sendCommand(target: CommandTarget, cmd: Readonly<Record<string, unknown>>, inbuf: string): Promise<ClusterReply>;
  clusterLog(channel: string, priority: ClusterLogPriority, message: string): Promise<ClogEntry>;
  notifyCommand(tag: string): void;
  rados(module: string): Rados;
  cephfs(module: string): LibCephFS;
  /** The past states of the host's journal; throws `MGR_ERR_STORE_NONE` when it has none. */
  past(): PastStates<PastState>;
  /** The manager's OSD perf queries. */
  readonly osdPerfQueries: OsdPerfQueryService;
}

/** The other modules and the host's own parts a module reaches. */
export interface ContextPeers {
  readonly mgrId: string;
  readonly health: HealthChecks;
  remote(caller: string, module: string, method: string, args: unknown[]): Promise<unknown>;
  setUri(module: string, uri: string): void;
  /** A module's declared options, or undefined for a module the host does not know. */
  moduleOptions(module: string): readonly Option[] | undefined;
  /** Whether a module runs here (the `progress` module takes the others' progress events when it does). */
  running(module: string): boolean;
  /** The manager's progress events, as `status` shows them. */
  readonly progress: ProgressEvents;
}

/** What a module context is made of. */
export interface ModuleContextHost {
  readonly stores: ContextStores;
  readonly cluster: ContextCluster;
  readonly peers: ContextPeers;
}

// Both scan the daemons: once per daemons table, not per call (10,000 daemons are read at every scrape).
function clusterVersion(state: ClusterState): string {
  return once('cluster_version', state.daemons, () => {
    const daemons = tableValues(state.daemons);
    const pick = ['mgr', 'mon', 'osd'].map((t) => daemons.find((d) => d.type === t && d.metadata.ceph_version));
    return pick.find((d) => d !== undefined)?.metadata.ceph_version ?? `mgrkit ${VERSION}`;
  });
}

function releaseName(state: ClusterState): string {
  const recorded = once(
    'release_name',
    state.daemons,
    () => tableValues(state.daemons).find((x) => x.metadata.ceph_release)?.metadata.ceph_release ?? null,
  );
  return recorded ?? state.maps.osd_map?.map.require_osd_release ?? 'unknown';
}

/**
 * One module's context: what its `MgrModule` methods reach, each scoped to the module (its options, its KV store,
 * its health checks, its RADOS client). A module never holds the host; it reaches other modules only by `remote`.
 */
export function createModuleContext(
  host: ModuleContextHost,
  name: string,
  log: ModuleLogger,
  signal: AbortSignal,
  options: readonly Option[],
): ModuleServices {
  const { stores, cluster, peers } = host;
  // Taken once: every accessor call of the module goes through these, so they are not looked up again per call.
  const { visibleState, liveness } = cluster;
  const prefix = `mgr/${name}/`;
  // The module's store as it was when the module started, plus its own writes (as Ceph's guide says).
  const store = new Map(stores.kvEntries(prefix).map(([k, v]) => [k.slice(prefix.length), v]));
  return {
    getStore: (key) => store.get(key),
    setStore: async (key, value) => {
      await stores.setKv(`${prefix}${key}`, value);
      if (value === null || value === undefined) store.delete(key);
      else store.set(key, value as string);
    },
    storePrefix: (p) =>
      Object.fromEntries([...store].filter(([k]) => k.startsWith(p)).sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    name,
    mgrId: peers.mgrId,
    log,
    accessors: new Accessors(visibleState, { mgrHealth: peers.health }),
    options,
    signal,
    haveMonConnection: () => liveness.connected,
    version: () => clusterVersion(cluster.visibleState()),
    releaseName: () => releaseName(cluster.visibleState()),
    getOption: (key) => stores.configValue(`mgr/${name}/${key}`),
    setOption: (key, value) => stores.setConfig(`mgr/${name}/${key}`, value),
    setHealthChecks: (checks: Record<string, ModuleHealthCheck>) => {
      peers.health.set(name, checks);
    },
    remote: (module, method, args) => peers.remote(name, module, method, args),
    clusterLog: (channel, priority, message) => cluster.clusterLog(channel, priority, message),
    sendCommand: (target, cmd, inbuf) => cluster.sendCommand(target, cmd, inbuf),
    rados: () => cluster.rados(name),
    cephfs: () => cluster.cephfs(name),
    notifyCommand: (tag) => cluster.notifyCommand(tag),
    setUri: (uri) => peers.setUri(name, uri),
    pastState: (seq) => cluster.past().at(seq),
    journalRange: () => cluster.past().range(),
    moduleOptions: (module) => peers.moduleOptions(module),
    getModuleOption: (module, key) => stores.configValue(`mgr/${module}/${key}`),
    setModuleOption: (module, key, value) => stores.setConfig(`mgr/${module}/${key}`, value),
    foreignCephOption: (entity, key) => foreignCephOption(cluster.visibleState(), entity, key),
    progress: moduleProgress(name, peers),
    osdPerfQueries: cluster.osdPerfQueries,
    activeUri: () => {
      const services = (cluster.visibleState().maps.mgr_map?.map as MgrMap | undefined)?.services as
        | Record<string, string>
        | undefined;
      return (services === undefined ? undefined : own(services, name)) ?? null;
    },
  };
}

/**
 * A module's progress events. As in Ceph, modules report through the `progress` module when it runs (its `update`,
 * `complete` and `fail`, which `ceph progress` lists), and it sets what `status` shows; without it, or for the
 * `progress` module itself, they go to the manager's events directly (Ceph's `update_progress_event`).
 */
function moduleProgress(name: string, peers: ContextPeers): ModuleProgress {
  const events = peers.progress;
  const viaModule = () => name !== 'progress' && peers.running('progress');
  return {
    update: async (evid, message, progress, addToCephS) => {
      if (viaModule()) await peers.remote(name, 'progress', 'update', [evid, message, progress, [], addToCephS]);
      else events.update(evid, message, progress, addToCephS);
    },
    complete: async (evid) => {
      if (viaModule()) await peers.remote(name, 'progress', 'complete', [evid]);
      else events.complete(evid);
    },
    fail: async (evid, message) => {
      if (viaModule()) await peers.remote(name, 'progress', 'fail', [evid, message]);
      else events.complete(evid);
    },
    clear: () => events.clear(),
    all: () => events.all(),
  };
}
