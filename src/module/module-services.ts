import type { ClogEntry } from '../../schemas/daemon/index.ts';
import type { LibCephFS } from '../cephfs/lib-cephfs.ts';
import type { ClusterReply, CommandTarget } from '../cluster/cluster-commander.ts';
import type { ModuleHealthCheck } from '../health/health-checks.ts';
import type { ClusterLogPriority } from '../log/cluster-log.ts';
import type { ModuleLogger } from '../log/logger.ts';
import type { Option } from '../options/option.ts';
import type { Rados } from '../rados/rados.ts';
import type { Accessors } from './accessors.ts';
import type { OsdPerfQueryService } from './osd-perf-queries.ts';
import type { PastState } from './past-state.ts';

/**
 * What the host gives one module: its own derived context. A module never holds the host itself; it reaches other
 * modules only through `remote`.
 */
export interface ModuleServices {
  readonly name: string;
  readonly mgrId: string;
  readonly log: ModuleLogger;
  readonly accessors: Accessors;
  readonly options: readonly Option[];
  readonly signal: AbortSignal;
  haveMonConnection(): boolean;
  version(): string;
  releaseName(): string;
  /** The module's option (`mgr/<module>/<key>`), from the host's settings or the stream's config. */
  getOption(key: string): string | undefined;
  setOption(key: string, value: string | null): Promise<void>;
  /** The module's view of its KV store (`mgr/<module>/<key>`): what it held when the module started, plus its own writes. */
  getStore(key: string): string | undefined;
  setStore(key: string, value: unknown): Promise<void>;
  storePrefix(prefix: string): Record<string, string>;
  setHealthChecks(checks: Record<string, ModuleHealthCheck>): void;
  remote(module: string, method: string, args: unknown[]): Promise<unknown>;
  /** Writes an entry to the cluster log (a `clog` event in the stream); throws at once on a bad channel or priority. */
  clusterLog(channel: string, priority: ClusterLogPriority, message: string): Promise<ClogEntry>;
  /** Sends a command to the cluster; resolves once answered (and any OSD map it made is readable). */
  sendCommand(target: CommandTarget, cmd: Readonly<Record<string, unknown>>, inbuf: string): Promise<ClusterReply>;
  notifyCommand(tag: string): void;
  /** The module's RADOS client (`this.rados`), made on first use; the host shuts it down when the module stops. */
  rados(): Rados;
  /** The module's CephFS client (`this.cephfs`), made on first use; the host shuts it down when the module stops. */
  cephfs(): LibCephFS;
  activeUri(): string | null;
  /** Publishes where the module serves (`set_uri`); the host keeps it while the module runs. */
  setUri(uri: string): void;
  /** The state after event `seq` of the host's journal; throws `MGR_ERR_STORE_NONE` when the host has no store. */
  pastState(seq: number): PastState;
  /** The seq of the journal's first event and the current snapshot's seq. */
  journalRange(): { first: number; last: number };
  /** Another module's declared options, or undefined for a module the host does not know. */
  moduleOptions(module: string): readonly Option[] | undefined;
  /** Another module's option as set (`mgr/<module>/<key>`), raw. */
  getModuleOption(module: string, key: string): string | undefined;
  setModuleOption(module: string, key: string, value: string | null): Promise<void>;
  /** One of Ceph's options as another daemon gets it from the central config (`get_foreign_ceph_option`). */
  foreignCephOption(entity: string, key: string): string | number | boolean;
  /** The manager's progress events: what this module sets, through the `progress` module when it runs. */
  readonly progress: ModuleProgress;
  /** The manager's OSD perf queries (`add_osd_perf_query`, ...), shared by every module. */
  readonly osdPerfQueries: OsdPerfQueryService;
}

/** One progress event as `status` shows it (`progress_events`). */
export interface ProgressEventInfo {
  readonly message: string;
  readonly progress: number;
  readonly add_to_ceph_s: boolean;
}

/** A module's way to the manager's progress events. */
export interface ModuleProgress {
  update(evid: string, message: string, progress: number, addToCephS: boolean): Promise<void>;
  complete(evid: string): Promise<void>;
  fail(evid: string, message: string): Promise<void>;
  clear(): void;
  all(): Readonly<Record<string, ProgressEventInfo>>;
}

/** What the host hands a module's constructor: its name and logger, but no cluster access yet. */
export interface ModuleBoot {
  readonly name: string;
  readonly log: ModuleLogger;
  readonly services: ModuleServices;
}
