/** The notifications a module can subscribe to, as Ceph's `NotifyType` names them. */
export const NOTIFY_TYPES = [
  'mon_map',
  'osd_map',
  'fs_map',
  'pg_summary',
  'health',
  'clog',
  'command',
  'service_map',
  'mgr_map',
  'perf_schema_update',
] as const;

/** One of {@link NOTIFY_TYPES}. */
export type NotifyType = (typeof NOTIFY_TYPES)[number];

const KNOWN: ReadonlySet<string> = new Set(NOTIFY_TYPES);

export function isNotifyType(name: string): name is NotifyType {
  return KNOWN.has(name);
}
