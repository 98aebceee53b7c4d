/**
 * The shapes of everything mgrkit ingests, as zod schemas with their inferred types (`mgrkit/schemas`): the events of
 * a trace, JSON Patch, Ceph's maps (`ceph ... dump -f json`) and what daemons report. For tools that write or check
 * traces; module authors get the same types through `get()`.
 *
 * @packageDocumentation
 */

// The two-way bridge to a real cluster's recorder: the lines that are not events.
export {
  BRIDGE_VERSION,
  BridgeAuthSchema,
  BridgeChallengeSchema,
  BridgeHelloSchema,
  type BridgeMessage,
  BridgeMessageSchema,
  BridgeOpenSchema,
  BridgeRefusedSchema,
  type BridgeReply,
  BridgeReplySchema,
  type BridgeRequest,
  BridgeRequestSchema,
} from './bridge.ts';
// What daemons report (PG stats, perf counters and schemas, cluster log entries) and Ceph's maps as
// `ceph ... dump -f json` prints them: each folder's index lists its names one by one, so they are not listed again.
export * from './daemon/index.ts';
// Keys that come from input.
export {
  DataKeySchema,
  dataRecord,
  FORBIDDEN_KEY_PARAMS,
  forbiddenKeyIssue,
  forbiddenKeyMessage,
  isForbiddenKey,
} from './data-key.ts';
// Events of a trace, by kind.
export type {
  ClusterEvent,
  ConfigChange,
  EpochMapKind,
  EventKind,
  EventOf,
  JournaledEvent,
  MapKind,
} from './event.ts';
export {
  ClogEventSchema,
  ClusterEventSchema,
  ConfigChangeSchema,
  ConfigEventSchema,
  DaemonCloseEventSchema,
  DaemonNameSchema,
  DaemonOpenEventSchema,
  DaemonReportEventSchema,
  EPOCH_MAP_KINDS,
  EVENT_KINDS,
  FsMapEventSchema,
  HealthEventSchema,
  HeartbeatEventSchema,
  MAP_KINDS,
  MAP_SCHEMAS,
  MgrMapEventSchema,
  MonMapEventSchema,
  MonSessionEventSchema,
  MonStatusEventSchema,
  OsdMapEventSchema,
  OTHER_KINDS,
  PgStatsEventSchema,
  ServiceMapEventSchema,
} from './event.ts';
// The same events as a JSON Schema, for tools outside TypeScript (published as schemas/cluster-event.schema.json).
export { CLUSTER_EVENT_SCHEMA_FILE, clusterEventJsonSchema, jsonSchemaText } from './json-schema.ts';
export * from './maps/index.ts';
// JSON Patch (RFC 6902) against the previous map of a kind.
export type {
  JsonPatch,
  PatchOperation,
} from './patch.ts';
export {
  JsonPatchSchema,
  JsonPointerSchema,
  PatchOperationSchema,
  parsePointer,
} from './patch.ts';
