/**
 * The OSD map's cluster flags (`CEPH_OSDMAP_*` of Ceph's rados.h), in the order `OSDMap::get_flag_string` prints
 * them. `flags_num` is the OR of the bits; `flags` the comma-joined names; `flags_set` the names sorted.
 */
export const OSDMAP_FLAG_BITS = {
  full: 1 << 1,
  pauserd: 1 << 2,
  pausewr: 1 << 3,
  pauserec: 1 << 4,
  noup: 1 << 5,
  nodown: 1 << 6,
  noout: 1 << 7,
  noin: 1 << 8,
  nobackfill: 1 << 9,
  norebalance: 1 << 14,
  norecover: 1 << 10,
  noscrub: 1 << 11,
  'nodeep-scrub': 1 << 12,
  notieragent: 1 << 13,
  nosnaptrim: 1 << 21,
  sortbitwise: 1 << 15,
  recovery_deletes: 1 << 19,
  purged_snapdirs: 1 << 20,
  pglog_hardlimit: 1 << 22,
} as const;

export type OsdMapFlag = keyof typeof OSDMAP_FLAG_BITS;

/** What a Pacific cluster has set from the start. */
export const DEFAULT_FLAGS: readonly OsdMapFlag[] = [
  'sortbitwise',
  'recovery_deletes',
  'purged_snapdirs',
  'pglog_hardlimit',
];

/** The keys `ceph osd set|unset` takes (`pause` sets both pauserd and pausewr). */
export const SETTABLE_FLAGS = [
  'full',
  'pause',
  'noup',
  'nodown',
  'noout',
  'noin',
  'nobackfill',
  'norebalance',
  'norecover',
  'noscrub',
  'nodeep-scrub',
  'notieragent',
  'nosnaptrim',
] as const;

export type SettableFlag = (typeof SETTABLE_FLAGS)[number];

/** Flags the monitors warn about in `OSDMAP_FLAGS`. */
const WARNED_FLAGS: ReadonlySet<OsdMapFlag> = new Set<OsdMapFlag>([
  'full',
  'pauserd',
  'pausewr',
  'noup',
  'nodown',
  'noin',
  'noout',
  'nobackfill',
  'norecover',
  'norebalance',
  'noscrub',
  'nodeep-scrub',
  'notieragent',
  'nosnaptrim',
]);

/** The set flags `OSDMAP_FLAGS` names (`noout,noin`), in flag-string order; empty when none is set. */
export function warnedFlags(flags: ReadonlySet<OsdMapFlag>): OsdMapFlag[] {
  return (Object.keys(OSDMAP_FLAG_BITS) as OsdMapFlag[]).filter((f) => flags.has(f) && WARNED_FLAGS.has(f));
}

/** The map flags a `set`/`unset` key stands for. */
export function flagsOfKey(key: SettableFlag): OsdMapFlag[] {
  return key === 'pause' ? ['pauserd', 'pausewr'] : [key];
}

/** The three ways `ceph osd dump` prints the flags. */
export function flagFields(flags: ReadonlySet<OsdMapFlag>): { flags: string; flags_num: number; flags_set: string[] } {
  const names = (Object.keys(OSDMAP_FLAG_BITS) as OsdMapFlag[]).filter((f) => flags.has(f));
  return {
    flags: names.join(','),
    flags_num: names.reduce((n, f) => n + OSDMAP_FLAG_BITS[f], 0),
    flags_set: [...names].sort(),
  };
}
