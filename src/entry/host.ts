/**
 * Embedding a host (`from 'mgrkit/host'`): the module host, the runners that feed it from a source, the sources, the
 * store and what reads it, and several hosts on one NATS JetStream event log. Modules themselves import `mgrkit`.
 *
 * @example Replay a trace into a store with one module running, then read the state back:
 * ```ts
 * import { MgrHost, replayTrace, Store, stateAt, stateDigest } from 'mgrkit/host';
 *
 * const store = Store.open('/tmp/m', { reset: true });
 * const host = await MgrHost.create({ store });
 * host.useModules(['notifylog']);
 * host.start();
 * const { summary } = await replayTrace({ trace: 'traces/pacific-3osd.jsonl.gz', store, host });
 * console.log(summary.digest === stateDigest(stateAt(store)));
 * await host.stop();
 * await store.close();
 * ```
 * @packageDocumentation
 */

export type { ClusterEvent, JournaledEvent } from '../../schemas/event.ts';
export type { Cue } from '../bus/cue.ts';
export type {
  /** One directory entry as a CephFS backend lists it. */
  BackendDirEntry,
  /** The file system operations behind a module's `this.cephfs`: what a real cluster's bridge implements. */
  CephFsBackend,
  /** What a CephFS backend reports for `statfs`. */
  FsUsage,
  /** An inode's attributes as a CephFS backend gives them. */
  InodeAttrs,
} from '../cephfs/cephfs-backend.ts';
export type {
  /** Makes the CephFS backend of a module's client (the host option `cephfsBackend`). */
  CephFsBackendFactory,
} from '../cephfs/cephfs-service.ts';
export type { ClusterCommander, ClusterReply, CommandTarget } from '../cluster/cluster-commander.ts';
// Several hosts on one event log (NATS JetStream): hot standbys and failover
export { type GroupMember, type GroupView, groupMgrMap } from '../group/group-mgr-map.ts';
export {
  DEFAULT_STREAM,
  JetStreamLog,
  /** Where the event log is: its NATS servers, its stream, its replicas, how long a publish waits. */
  type JetStreamLogOptions,
} from '../group/jetstream-log.ts';
export { LeaderLease, type LeaseBucket } from '../group/leader-lease.ts';
export {
  LogMember,
  /** How a host joins the event log: host and store, the log, its address, the lease, a trace to append, when to start from a snapshot. */
  type LogMemberOptions,
  latestState,
} from '../group/log-member.ts';
export {
  /** What {@link replayIntoLog} appends, through which replica, at what pace, told of bad lines, until when. */
  type LogReplayOptions,
  replayIntoLog,
} from '../group/log-replay.ts';
export {
  LogReplica,
  /** What a {@link LogReplica} tells of each publish and snapshot, how often it snapshots, how much it folds at once. */
  type LogReplicaOptions,
} from '../group/log-replica.ts';
// The module host
export {
  /** What a host is fed through: the engine's publish, the snapshot it starts from, its own events' sink, the end. */
  type HostFeed,
  /** The manager host: modules, their commands, settings and health, fed snapshots by a source's runner. */
  MgrHost,
} from '../host/host.ts';
export type {
  /** What {@link MgrHost.create} takes: the store, the module path, mgr id, logs, standby, clock, the cluster behind the source. */
  HostOptions,
} from '../host/host-options.ts';
export {
  /** Describes a module class already in hand, as loading its file would: for `MgrHost.create({ modules })`. */
  describeModule,
} from '../host/loader.ts';
export type {
  /** `mgr module ls`'s answer: always-on, enabled, disabled and failed modules. */
  ModuleList,
  /** Per-module notify and error counts: `mgr module stats`. */
  ModuleStats,
} from '../host/module-registry.ts';
// Sources and the runner that feeds a host from one
export {
  /** The input stage: raw lines of a source parsed and validated into events and rejections. */
  inputStage,
  /** Parses a source's raw items into what the engine takes. */
  parseItems,
} from '../ingest/input-stage.ts';
export type {
  /** What the input stage yields: a validated event or a rejection, at its place in the source. */
  IngestItem,
  /** A source: an Observable of raw lines or events. */
  Source,
  /** What a source yields: a raw line or a typed event, with its place. */
  SourceItem,
} from '../ingest/source-item.ts';
export { Accessors } from '../module/accessors.ts';
export {
  /** What {@link replayTrace} takes: the trace and the store, the host to publish to, pace, strictness, snapshots, callbacks. */
  type ReplayOptions,
  type ReplaySummary,
  replayTrace,
} from '../run/replay.ts';
export {
  /** How {@link followSource} follows a growing trace: how often it looks, the longest line, a gate, when it stops. */
  type FollowOptions,
  followSource,
} from '../sources/follow-source.ts';
export {
  type ListenAddress,
  /** How {@link listenSource} reads what recorders send: the longest line, and a gate before each item. */
  type ListenOptions,
  type ListenSource,
  listenSource,
  parseListenAddress,
} from '../sources/listen-source.ts';
export { traceSource } from '../sources/trace-source.ts';
// The store and the states it holds
export type { ClusterState } from '../state/cluster-state.ts';
export { stateDigest } from '../state/digest.ts';
export { stateAt } from '../store/recovery.ts';
export { Store } from '../store/store.ts';
