/**
 * mgrkit's API for module authors (`from 'mgrkit'`): the module base classes, commands and their results, options,
 * notify types, the errors a module sees, health checks, `this.rados`, `this.cephfs`, the orchestrator interface and
 * the types of what `get()` returns. The other audiences have entries of their own: `mgrkit/testing` (the module harness),
 * `mgrkit/host` (embedding a host: the host, sources, the store, the event log) and `mgrkit/schemas` (the shapes of
 * what mgrkit ingests).
 *
 * @example A module, in `modules/hello/module.ts`:
 * ```ts
 * import { MgrModule, type NotifyType } from 'mgrkit';
 *
 * export class Module extends MgrModule {
 *   static NOTIFY_TYPES: NotifyType[] = ['osd_map', 'health'];
 *   notify(type: NotifyType) {
 *     if (type === 'osd_map') this.log.info({ epoch: this.get('osd_map')?.epoch }, 'osd map');
 *   }
 * }
 * ```
 * @packageDocumentation
 */

/**
 * The bits of a perf counter's `type` (Ceph's `MgrModule.PERFCOUNTER_*`), to read what `get_perf_schema` and
 * `get_all_perf_counters` return: `type & PERFCOUNTER_LONGRUNAVG` is an average given as sum and count.
 *
 * @example
 * ```ts
 * const seconds = info.type & PERFCOUNTER_TIME ? info.value / 1e9 : info.value;
 * ```
 */
import * as cephfsErrors from './cephfs/cephfs-errors.ts';

export {
  PERFCOUNTER_COUNTER,
  PERFCOUNTER_HISTOGRAM,
  PERFCOUNTER_LONGRUNAVG,
  PERFCOUNTER_TIME,
  PERFCOUNTER_U64,
} from '../schemas/daemon/perf.ts';
export { NOTIFY_TYPES, type NotifyType } from './bus/notify-types.ts';
// Accessing CephFS (`this.cephfs`)
export { DirEntry } from './cephfs/dir-entry.ts';
export type { DirResult } from './cephfs/dir-result.ts';
export type { CephFsData, LibCephFS, LibCephFSState, StatVfs } from './cephfs/lib-cephfs.ts';
export type { OpenFlags } from './cephfs/open-flags.ts';
export type { StatResult } from './cephfs/stat-result.ts';
// Commands
export {
  CLICommand,
  type CLICommandOptions,
  CLIReadCommand,
  CLIWriteCommand,
  type CommandPerm,
} from './commands/decorators.ts';
export {
  EmptyResponder,
  ErrorResponse,
  ErrorResponseBase,
  ErrorResponseHandler,
  formatObject,
  Responder,
  UnknownFormat,
  UnsupportedFormat,
} from './commands/object-format.ts';
export { type CommandTuple, HandleCommandResult } from './commands/result.ts';
export type { CommandDict } from './commands/validate.ts';
// Errors
export { ERRORS, type ErrorCode, MgrError, RemoteError } from './errors.ts';
export type { ClusterHealthCheck, ModuleHealthCheck } from './health/health-checks.ts';
export {
  type ClogLevel,
  type ClogPriority,
  ClusterLogPrio,
  type ClusterLogPriority,
  formatClogEntry,
} from './log/cluster-log.ts';
export { CommandResult, MonCommandFailed } from './module/command-result.ts';
export { defineCommands } from './module/define-commands.ts';
export { EvalMixin, type EvalMixinOptions } from './module/eval-mixin.ts';
export type { CommandDeclaration } from './module/mgr-module.ts';
// Writing modules
export { MgrModule, type NotifyId } from './module/mgr-module.ts';
export { MgrStandbyModule } from './module/mgr-standby-module.ts';
export { CRUSHMap, OSDMap, type UpActing } from './module/osdmap.ts';
export { PastState } from './module/past-state.ts';
export { type RecordEntries, recordEntries } from './module/record-entries.ts';
export { OPTION_TYPES, Option, type OptionType } from './options/option.ts';
// Orchestrator: backends subclass Orchestrator; the `orch` commands reach them through remote()
export {
  type DaemonDescription,
  DaemonStatus,
  type DaemonStatusValue,
  type Device,
  type InventoryHost,
  type ServiceDescription,
} from './orchestrator/descriptions.ts';
export { type HostSpec, HostSpecSchema } from './orchestrator/host-spec.ts';
export {
  handleOrchError,
  type OrchException,
  type OrchResult,
  orchFailed,
  orchOk,
  raiseIfException,
} from './orchestrator/orch-result.ts';
export {
  type Availability,
  DAEMON_ACTIONS,
  type DaemonAction,
  type InventoryFilter,
  Orchestrator,
} from './orchestrator/orchestrator.ts';
export { NoOrchestrator, OrchestratorError, OrchNotImplemented } from './orchestrator/orchestrator-error.ts';
export {
  type PlacementSpec,
  PlacementSpecSchema,
  parsePlacement,
  placementMatches,
  placementText,
} from './orchestrator/placement-spec.ts';
export {
  type DeviceSelection,
  parseServiceSpec,
  SERVICE_TYPES,
  type ServiceSpec,
  ServiceSpecSchema,
  type ServiceType,
  serviceName,
} from './orchestrator/service-spec.ts';
// Accessing RADOS (`this.rados`)
export { Ioctx, type RadosData, type RadosObject } from './rados/ioctx.ts';
export { Rados, type RadosCommand, type RadosCommandResult } from './rados/rados.ts';
export type { CallOptions } from './rados/rados-binding.ts';
export {
  InterruptedOrTimeoutError,
  InvalidArgumentError,
  IOError,
  IoctxStateError,
  makeRadosError,
  NoData,
  NoSpace,
  NotConnected,
  ObjectBusy,
  ObjectExists,
  ObjectNotFound,
  PermissionDeniedError,
  PermissionError,
  RadosError,
  RadosStateError,
  TimedOut,
} from './rados/rados-errors.ts';
// The cluster state, as `get()` returns it
export type { ClusterState, CounterSample, DaemonState } from './state/cluster-state.ts';
export type { GetName, GetResult, JsonText } from './state/views/index.ts';
export {
  /**
   * python-cephfs's exception classes, under the name Ceph's modules use for them (`cephfs.ObjectNotFound`,
   * `cephfs.ObjectExists`, `cephfs.Error` as `cephfs.CephFsError`, ...), apart from python-rados's of the same names.
   */
  cephfsErrors as cephfs,
};
