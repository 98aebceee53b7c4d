import type { FamilySpec, MetricType } from './exposition.ts';

/**
 * The fixed metric families of Ceph's exporter (Pacific), in the order it writes them, with its help texts, types
 * and label names; daemon perf counters are added after these, by what the daemons' schemas hold.
 */

/** Every PG state name Ceph's `pg_state_string` can print (Ceph's `PG_STATES`), in its order. */
export const PG_STATES = [
  'active',
  'clean',
  'down',
  'recovery_unfound',
  'backfill_unfound',
  'scrubbing',
  'degraded',
  'inconsistent',
  'peering',
  'repair',
  'recovering',
  'forced_recovery',
  'backfill_wait',
  'incomplete',
  'stale',
  'remapped',
  'deep',
  'backfilling',
  'forced_backfill',
  'backfill_toofull',
  'recovery_wait',
  'recovery_toofull',
  'undersized',
  'activating',
  'peered',
  'snaptrim',
  'snaptrim_wait',
  'snaptrim_error',
  'creating',
  'unknown',
  'premerge',
  'failed_repair',
  'laggy',
  'wait',
] as const;

export const DF_CLUSTER = ['total_bytes', 'total_used_bytes', 'total_used_raw_bytes'] as const;

export const DF_POOL = [
  'max_avail',
  'avail_raw',
  'stored',
  'stored_raw',
  'objects',
  'dirty',
  'quota_bytes',
  'quota_objects',
  'rd',
  'rd_bytes',
  'wr',
  'wr_bytes',
  'compress_bytes_used',
  'compress_under_bytes',
  'bytes_used',
  'percent_used',
] as const;

/** Ceph lists `num_bytes_recovered` twice; once is enough. */
export const OSD_POOL_STATS = [
  'recovering_objects_per_sec',
  'recovering_bytes_per_sec',
  'recovering_keys_per_sec',
  'num_objects_recovered',
  'num_bytes_recovered',
] as const;

export const OSD_FLAGS = [
  'noup',
  'nodown',
  'noout',
  'noin',
  'nobackfill',
  'norebalance',
  'norecover',
  'noscrub',
  'nodeep-scrub',
] as const;

export const OSD_STATUS = ['weight', 'up', 'in'] as const;
export const OSD_STATS = ['apply_latency_ms', 'commit_latency_ms'] as const;
export const NUM_OBJECTS = ['degraded', 'misplaced', 'unfound'] as const;

export const FS_METADATA = ['data_pools', 'fs_id', 'metadata_pool', 'name'] as const;
export const MDS_METADATA = ['ceph_daemon', 'fs_id', 'hostname', 'public_addr', 'rank', 'ceph_version'] as const;
export const MON_METADATA = ['ceph_daemon', 'hostname', 'public_addr', 'rank', 'ceph_version'] as const;
export const MGR_METADATA = ['ceph_daemon', 'hostname', 'ceph_version'] as const;
export const OSD_METADATA = [
  'back_iface',
  'ceph_daemon',
  'cluster_addr',
  'device_class',
  'front_iface',
  'hostname',
  'objectstore',
  'public_addr',
  'ceph_version',
] as const;
export const POOL_METADATA = ['pool_id', 'name', 'type', 'description', 'compression_mode'] as const;
export const RGW_METADATA = ['ceph_daemon', 'hostname', 'ceph_version', 'instance_id'] as const;
export const RBD_MIRROR_METADATA = ['ceph_daemon', 'id', 'instance_id', 'hostname', 'ceph_version'] as const;
export const DISK_OCCUPATION = [
  'ceph_daemon',
  'device',
  'db_device',
  'wal_device',
  'instance',
  'devices',
  'device_ids',
] as const;
/** `disk_occupation` grouped by device and host: the labels Ceph's `group_by` keeps. */
export const DISK_OCCUPATION_HUMAN = ['ceph_daemon', 'device', 'instance'] as const;

/** The health checks that also become a metric of their own, valued from their summary. */
export const HEALTH_CHECKS = [{ name: 'SLOW_OPS', help: 'OSD or Monitor requests taking a long time to process' }];

/** The collection steps, named as Ceph's exporter names its methods (the `method` label of the duration counters). */
export const COLLECT_METHODS = [
  'get_health',
  'get_pool_stats',
  'get_df',
  'get_fs',
  'get_quorum_status',
  'get_mgr_status',
  'get_pg_status',
  'get_osd_stats',
  'get_metadata_and_osd_status',
  'get_num_objects',
  'get_pool_repaired_objects',
  'get_all_daemon_health_metrics',
  'get_perf_counters',
] as const;
export type CollectMethod = (typeof COLLECT_METHODS)[number];

function family(name: string, type: MetricType, help: string, labels: readonly string[] = []): FamilySpec {
  return Object.freeze({ name: `ceph_${name}`, type, help, labels });
}

/** The fixed families by their key (Ceph's metric path without `ceph_`), in Ceph's order. */
export const STATIC_FAMILIES: ReadonlyMap<string, FamilySpec> = (() => {
  const list: Array<[string, FamilySpec]> = [];
  const add = (key: string, type: MetricType, help: string, labels: readonly string[] = []) =>
    list.push([key, family(key, type, help, labels)]);
  add('health_status', 'untyped', 'Cluster health status');
  add('mon_quorum_status', 'gauge', 'Monitors in quorum', ['ceph_daemon']);
  add('fs_metadata', 'untyped', 'FS Metadata', FS_METADATA);
  add('mds_metadata', 'untyped', 'MDS Metadata', MDS_METADATA);
  add('mon_metadata', 'untyped', 'MON Metadata', MON_METADATA);
  add('mgr_metadata', 'gauge', 'MGR metadata', MGR_METADATA);
  add('mgr_status', 'gauge', 'MGR status (0=standby, 1=active)', ['ceph_daemon']);
  add('mgr_module_status', 'gauge', 'MGR module status (0=disabled, 1=enabled, 2=auto-enabled)', ['name']);
  add('mgr_module_can_run', 'gauge', 'MGR module runnable state i.e. can it run (0=no, 1=yes)', ['name']);
  add('osd_metadata', 'untyped', 'OSD Metadata', OSD_METADATA);
  add('disk_occupation', 'untyped', 'Associate Ceph daemon with disk used', DISK_OCCUPATION);
  add('disk_occupation_human', 'untyped', 'Associate Ceph daemon with disk used', DISK_OCCUPATION_HUMAN);
  add('pool_metadata', 'untyped', 'POOL Metadata', POOL_METADATA);
  add('rgw_metadata', 'untyped', 'RGW Metadata', RGW_METADATA);
  add('rbd_mirror_metadata', 'untyped', 'RBD Mirror Metadata', RBD_MIRROR_METADATA);
  add('pg_total', 'gauge', 'PG Total Count per Pool', ['pool_id']);
  add('health_detail', 'gauge', 'healthcheck status by type (0=inactive, 1=active)', ['name', 'severity']);
  // Ceph's samples of this family carry `poolid` (not `pool_id`): kept, since queries select on it.
  add('pool_objects_repaired', 'counter', 'Number of objects repaired in a pool', ['poolid']);
  add('daemon_health_metrics', 'gauge', 'Health metrics for Ceph daemons', ['type', 'ceph_daemon']);
  for (const flag of OSD_FLAGS) add(`osd_flag_${flag.replace('-', '_')}`, 'untyped', `OSD Flag ${flag}`);
  for (const s of OSD_STATUS) add(`osd_${s}`, 'untyped', `OSD status ${s}`, ['ceph_daemon']);
  for (const s of OSD_STATS) add(`osd_${s}`, 'gauge', `OSD stat ${s}`, ['ceph_daemon']);
  for (const s of OSD_POOL_STATS) add(`pool_${s}`, 'gauge', `OSD pool stats: ${s}`, ['pool_id']);
  for (const s of PG_STATES) add(`pg_${s}`, 'gauge', `PG ${s} per pool`, ['pool_id']);
  for (const s of DF_CLUSTER) add(`cluster_${s}`, 'gauge', `DF ${s}`);
  for (const s of DF_POOL) {
    const type = s === 'rd' || s === 'rd_bytes' || s === 'wr' || s === 'wr_bytes' ? 'counter' : 'gauge';
    add(`pool_${s}`, type, `DF pool ${s}`, ['pool_id']);
  }
  for (const s of NUM_OBJECTS) add(`num_objects_${s}`, 'gauge', `Number of ${s} objects`);
  for (const c of HEALTH_CHECKS) add(`healthcheck_${c.name.toLowerCase()}`, 'gauge', c.help);
  add(
    'prometheus_collect_duration_seconds_sum',
    'counter',
    'The sum of seconds took to collect all metrics of this exporter',
    ['method'],
  );
  add('prometheus_collect_duration_seconds_count', 'counter', 'The amount of metrics gathered for this exporter', [
    'method',
  ]);
  return new Map(list);
})();

/** The family of a fixed key; a typo is a programming error, so it throws. */
export function staticFamily(key: string): FamilySpec {
  const f = STATIC_FAMILIES.get(key);
  if (f === undefined) throw new Error(`no metric family "${key}"`);
  return f;
}
