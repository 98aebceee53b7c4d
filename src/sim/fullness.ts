/**
 * How full an OSD says it is (`OSDService::s_names` as the monitors record it in the OSD's state): none, or the
 * highest ratio its use is over.
 */
export const FULL = { none: 0, nearfull: 1, backfillfull: 2, full: 3 } as const;
/** One of {@link FULL}. */
export type FullState = (typeof FULL)[keyof typeof FULL];

/** The OSD map's ratios (`full_ratio`, `backfillfull_ratio`, `nearfull_ratio`), floats as the map stores them. */
export interface FullRatios {
  readonly full: number;
  readonly backfillfull: number;
  readonly nearfull: number;
}

/** `OSDService::recalc_full_state`: the state of an OSD whose used share of its space is `ratio`. */
export function fullStateOf(ratio: number, r: FullRatios): FullState {
  if (ratio > r.full) return FULL.full;
  if (ratio > r.backfillfull) return FULL.backfillfull;
  if (ratio > r.nearfull) return FULL.nearfull;
  return FULL.none;
}

/** The name of a full state in an OSD's `state` list (`ceph osd dump`), or undefined for none. */
export function fullStateName(s: FullState): string | undefined {
  return s === FULL.full
    ? 'full'
    : s === FULL.backfillfull
      ? 'backfillfull'
      : s === FULL.nearfull
        ? 'nearfull'
        : undefined;
}

/** `pg_pool_t`'s flag bits (osd_types.h) that this simulation sets, by name. */
export const POOL_FLAG = {
  hashpspool: 1 << 0,
  full: 1 << 1,
  full_quota: 1 << 10,
  nearfull: 1 << 11,
  backfillfull: 1 << 12,
} as const;

const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [1 << 0, 'hashpspool'],
  [1 << 1, 'full'],
  [1 << 2, 'ec_overwrites'],
  [1 << 3, 'incomplete_clones'],
  [1 << 4, 'nodelete'],
  [1 << 5, 'nopgchange'],
  [1 << 6, 'nosizechange'],
  [1 << 7, 'write_fadvise_dontneed'],
  [1 << 8, 'noscrub'],
  [1 << 9, 'nodeep-scrub'],
  [1 << 10, 'full_quota'],
  [1 << 11, 'nearfull'],
  [1 << 12, 'backfillfull'],
  [1 << 13, 'selfmanaged_snaps'],
  [1 << 14, 'pool_snaps'],
  [1 << 15, 'creating'],
];

/** `pg_pool_t::get_flags_string`: the names of the bits set, lowest first, joined by commas. */
export function poolFlagsNames(flags: number): string {
  return FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0)
    .map(([, name]) => name)
    .join(',');
}

/**
 * The flags `OSDMonitor::encode_pending` gives a pool from the fullest OSD it is on: `full` when one of its OSDs is
 * full, else `backfillfull`, else `nearfull`. A pool out of quota (`full_quota`) keeps its `full` whatever its OSDs.
 */
export function poolFullFlags(flags: number, worst: FullState): number {
  const want =
    worst === FULL.full
      ? POOL_FLAG.full
      : worst === FULL.backfillfull
        ? POOL_FLAG.backfillfull
        : worst === FULL.nearfull
          ? POOL_FLAG.nearfull
          : 0;
  const quota = (flags & POOL_FLAG.full_quota) !== 0 ? POOL_FLAG.full : 0;
  return (flags & ~(POOL_FLAG.full | POOL_FLAG.backfillfull | POOL_FLAG.nearfull)) | want | quota;
}
