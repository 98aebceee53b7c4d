import type { PgStat } from '../../schemas/daemon/index.ts';

const EMPTY: readonly never[] = Object.freeze([]);

/** The string fields that repeat within a PG and across a report's PGs: its state and its time stamps. */
const REPEATED = [
  'state',
  'last_fresh',
  'last_change',
  'last_active',
  'last_peered',
  'last_clean',
  'last_became_active',
  'last_became_peered',
  'last_unstale',
  'last_undegraded',
  'last_fullsized',
  'last_scrub_stamp',
  'last_deep_scrub_stamp',
  'last_clean_scrub_stamp',
  'parent',
] as const;

/** The array fields that are mostly empty. */
const MOSTLY_EMPTY = ['object_location_counts', 'blocked_by', 'purged_snaps', 'avail_no_missing'] as const;

/** How many distinct strings a report's PGs are matched against. */
const RECENT = 8;

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Makes the PGs of one report share what they hold in common instead of holding copies: an equal state or time
 * stamp becomes one string (a report's PGs carry the same few stamps, each PG several times over), an empty array
 * one frozen empty array, and `acting` the `up` array when they list the same OSDs. Values are unchanged; a PG
 * table takes about a fifth less heap. PGs already frozen (held before, sent again) are left as they are.
 */
export function sharePgStats(stats: readonly PgStat[]): void {
  const recent: string[] = [];
  let next = 0;
  for (const stat of stats) {
    if (Object.isFrozen(stat)) continue;
    const o = stat as unknown as Record<string, unknown>;
    for (const k of REPEATED) {
      const v = o[k];
      if (typeof v !== 'string') continue;
      let i = 0;
      while (i < recent.length && recent[i] !== v) i++;
      if (i < recent.length) o[k] = recent[i];
      else if (recent.length < RECENT) recent.push(v);
      else recent[next++ % RECENT] = v;
    }
    for (const k of MOSTLY_EMPTY) {
      const v = o[k];
      if (Array.isArray(v) && v.length === 0) o[k] = EMPTY;
    }

    if (Array.isArray(stat.acting) && Array.isArray(stat.up) && sameList(stat.acting, stat.up)) o.acting = stat.up;
  }
}
