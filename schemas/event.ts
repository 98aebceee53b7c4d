import { z } from 'zod';
import {
  ClogEntrySchema,
  CounterValueSchema,
  DaemonHealthMetricSchema,
  DaemonMetadataSchema,
  DaemonStatusSchema,
  OsdPerfMetricReportSchema,
  OsdStatSchema,
  PerfSchemaSchema,
  PgStatSchema,
  PoolStatfsSchema,
} from './daemon/index.ts';
import { DataKeySchema, dataRecord, FORBIDDEN_KEYS, forbiddenKeyIssue, isForbiddenKey } from './data-key.ts';
import {
  CrushMapSchema,
  FsMapSchema,
  HealthMapSchema,
  MgrMapSchema,
  MonMapSchema,
  MonStatusSchema,
  OsdMapSchema,
  ServiceMapSchema,
} from './maps/index.ts';
import { JsonPatchSchema } from './patch.ts';

/** Map kinds that carry an epoch: a patch must be the previous epoch + 1, an older whole map is stale. */
export const EPOCH_MAP_KINDS = ['mon_map', 'osd_map', 'fs_map', 'mgr_map', 'service_map'] as const;
/** Every map kind a trace can carry. */
export const MAP_KINDS = [...EPOCH_MAP_KINDS, 'health', 'mon_status'] as const;
/** What daemons report to the manager, and the rest of the stream. */
export const OTHER_KINDS = [
  'pg_stats',
  'daemon_open',
  'daemon_report',
  'daemon_close',
  'clog',
  'config',
  'mon_session',
  'heartbeat',
] as const;
/** Every event kind of a trace, in the contract's order. */
export const EVENT_KINDS = [...MAP_KINDS, ...OTHER_KINDS] as const;

/** A map kind that carries an epoch (one of {@link EPOCH_MAP_KINDS}). */
export type EpochMapKind = (typeof EPOCH_MAP_KINDS)[number];
/** A map kind (one of {@link MAP_KINDS}). */
export type MapKind = (typeof MAP_KINDS)[number];
/** An event kind of a trace (one of {@link EVENT_KINDS}). */
export type EventKind = (typeof EVENT_KINDS)[number];

/** Fields every event has: format version, observation time (ms since the epoch), and the journal's seq. */
const envelope = {
  v: z.literal(1).optional(),
  t: z.number().finite().nonnegative(),
  seq: z.number().int().positive().optional(),
};

const epoch = z.number().int().nonnegative();

function oneOfMapOrPatch(value: { map?: unknown; patch?: unknown }, ctx: z.RefinementCtx): void {
  const hasMap = value.map !== undefined;
  const hasPatch = value.patch !== undefined;
  if (hasMap === hasPatch) {
    ctx.addIssue({ code: 'custom', path: ['map'], message: 'needs exactly one of "map" or "patch"' });
  }
}

/** {@link oneOfMapOrPatch} in JSON Schema. */
const MAP_OR_PATCH = { oneOf: [{ required: ['map'] }, { required: ['patch'] }] };

function epochMapEvent<K extends EpochMapKind, S extends z.ZodType>(kind: K, map: S) {
  return z
    .looseObject({ ...envelope, kind: z.literal(kind), epoch, map: map.optional(), patch: JsonPatchSchema.optional() })
    .superRefine(oneOfMapOrPatch)
    .meta(MAP_OR_PATCH);
}

/** `ceph mon dump`, whole or patched. */
export const MonMapEventSchema = epochMapEvent('mon_map', MonMapSchema);
/** `ceph osd dump`, whole or patched, with an optional whole `ceph osd crush dump`. */
export const OsdMapEventSchema = z
  .looseObject({
    ...envelope,
    kind: z.literal('osd_map'),
    epoch,
    map: OsdMapSchema.optional(),
    patch: JsonPatchSchema.optional(),
    crush: CrushMapSchema.optional(),
  })
  .superRefine(oneOfMapOrPatch)
  .meta(MAP_OR_PATCH);
/** `ceph fs dump`, whole or patched. */
export const FsMapEventSchema = epochMapEvent('fs_map', FsMapSchema);
/** `ceph mgr dump`, whole or patched. */
export const MgrMapEventSchema = epochMapEvent('mgr_map', MgrMapSchema);
/** `ceph service dump`, whole or patched. */
export const ServiceMapEventSchema = epochMapEvent('service_map', ServiceMapSchema);
/** The monitors' health checks, whole or patched. */
export const HealthEventSchema = z
  .looseObject({
    ...envelope,
    kind: z.literal('health'),
    map: HealthMapSchema.optional(),
    patch: JsonPatchSchema.optional(),
  })
  .superRefine(oneOfMapOrPatch)
  .meta(MAP_OR_PATCH);
/** The monitor's status and quorum (`ceph mon_status`), always whole. */
export const MonStatusEventSchema = z.looseObject({ ...envelope, kind: z.literal('mon_status'), map: MonStatusSchema });

/** What one OSD reports to the manager each stats period (Ceph's `MPGStats`). */
export const PgStatsEventSchema = z.looseObject({
  ...envelope,
  kind: z.literal('pg_stats'),
  reporter: z.string().regex(/^osd\.-?\d+$/, 'a reporter is "osd.N" (osd.-1 for PGs without a primary)'),
  epoch,
  pg_stats: z.array(PgStatSchema),
  osd_stat: OsdStatSchema.optional(),
  pool_statfs: PoolStatfsSchema.optional(),
});

/** A daemon name, `<type>.<id>`, where the id may itself contain dots (`rgw.zone.a`). */
export const DaemonNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*\.[^\s]+$/, 'a daemon is "<type>.<id>"')
  .check((ctx) => {
    // The type and the id each become keys (`get_metadata(type, id)`, the views by type).
    const dot = ctx.value.indexOf('.');
    for (const part of dot < 0 ? [] : [ctx.value.slice(0, dot), ctx.value.slice(dot + 1)]) {
      if (isForbiddenKey(part)) ctx.issues.push(forbiddenKeyIssue(ctx.value, part));
    }
  })
  .meta({
    not: { pattern: `^(?:(?:${FORBIDDEN_KEYS.join('|')})\\.|[^.]*\\.(?:${FORBIDDEN_KEYS.join('|')})$)` },
  });

/** A daemon opened its session to the manager: its host, metadata and perf counter schema. */
export const DaemonOpenEventSchema = z.looseObject({
  ...envelope,
  kind: z.literal('daemon_open'),
  daemon: DaemonNameSchema,
  hostname: z.string(),
  metadata: DaemonMetadataSchema,
  perf_schema: PerfSchemaSchema.optional(),
});
/**
 * A daemon's periodic report: counter values and, optionally, its status strings, health metrics and (an OSD) what
 * it counted for the manager's OSD perf queries since its last report.
 */
export const DaemonReportEventSchema = z.looseObject({
  ...envelope,
  kind: z.literal('daemon_report'),
  daemon: DaemonNameSchema,
  counters: dataRecord(CounterValueSchema),
  status: DaemonStatusSchema.optional(),
  health_metrics: z.array(DaemonHealthMetricSchema).optional(),
  osd_perf_metric_reports: z.array(OsdPerfMetricReportSchema).optional(),
});
/** A daemon closed its session. */
export const DaemonCloseEventSchema = z.looseObject({
  ...envelope,
  kind: z.literal('daemon_close'),
  daemon: DaemonNameSchema,
});
/** One cluster log entry. */
export const ClogEventSchema = z.looseObject({ ...envelope, kind: z.literal('clog'), entry: ClogEntrySchema });
/** One change to the cluster's central config; `value: null` removes the setting. */
export const ConfigChangeSchema = z.looseObject({
  who: DataKeySchema.min(1),
  name: DataKeySchema.min(1),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
});
/** What {@link ConfigChangeSchema} parses to. */
export type ConfigChange = z.infer<typeof ConfigChangeSchema>;
/** Changes to the cluster's central config. */
export const ConfigEventSchema = z.looseObject({
  ...envelope,
  kind: z.literal('config'),
  changes: z.array(ConfigChangeSchema),
});
/** The connection to the monitors was made or lost. */
export const MonSessionEventSchema = z.looseObject({
  ...envelope,
  kind: z.literal('mon_session'),
  state: z.enum(['up', 'down']),
});
/** Nothing but proof the source is alive. */
export const HeartbeatEventSchema = z.looseObject({ ...envelope, kind: z.literal('heartbeat') });

/** Any event of a trace (CONTRACT §1). */
export const ClusterEventSchema = z.discriminatedUnion('kind', [
  MonMapEventSchema,
  OsdMapEventSchema,
  FsMapEventSchema,
  MgrMapEventSchema,
  ServiceMapEventSchema,
  HealthEventSchema,
  MonStatusEventSchema,
  PgStatsEventSchema,
  DaemonOpenEventSchema,
  DaemonReportEventSchema,
  DaemonCloseEventSchema,
  ClogEventSchema,
  ConfigEventSchema,
  MonSessionEventSchema,
  HeartbeatEventSchema,
]);
/** What {@link ClusterEventSchema} parses to. */
export type ClusterEvent = z.infer<typeof ClusterEventSchema>;
/** The event of a given kind. */
export type EventOf<K extends EventKind> = Extract<ClusterEvent, { kind: K }>;
/** An event as the journal keeps it: sequenced, its time on the stream clock. */
export type JournaledEvent = ClusterEvent & { seq: number };

/** The schema of each map kind, for checking a map after a patch. */
export const MAP_SCHEMAS = {
  mon_map: MonMapSchema,
  osd_map: OsdMapSchema,
  fs_map: FsMapSchema,
  mgr_map: MgrMapSchema,
  service_map: ServiceMapSchema,
  health: HealthMapSchema,
  mon_status: MonStatusSchema,
} as const satisfies Record<MapKind, z.ZodType>;
