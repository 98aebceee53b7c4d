/** The PG state bits the simulator uses (Ceph's `PG_STATE_*` values from osd_types.h). */
export const PG = {
  CREATING: 1 << 0,
  ACTIVE: 1 << 1,
  CLEAN: 1 << 2,
  DOWN: 1 << 4,
  RECOVERY_UNFOUND: 1 << 5,
  SCRUBBING: 1 << 8,
  DEGRADED: 1 << 10,
  INCONSISTENT: 1 << 11,
  PEERING: 1 << 12,
  REPAIR: 1 << 13,
  RECOVERING: 1 << 14,
  BACKFILL_WAIT: 1 << 15,
  STALE: 1 << 17,
  REMAPPED: 1 << 18,
  DEEP_SCRUB: 1 << 19,
  BACKFILLING: 1 << 20,
  BACKFILL_TOOFULL: 1 << 21,
  RECOVERY_WAIT: 1 << 22,
  UNDERSIZED: 1 << 23,
  ACTIVATING: 1 << 24,
  PEERED: 1 << 25,
  RECOVERY_TOOFULL: 1 << 28,
} as const;

/** What a healthy PG is. */
export const ACTIVE_CLEAN = PG.ACTIVE | PG.CLEAN;

/** Bits in the order Ceph's `pg_state_string` prints them. */
const ORDER: ReadonlyArray<[number, string]> = [
  [PG.STALE, 'stale'],
  [PG.CREATING, 'creating'],
  [PG.ACTIVE, 'active'],
  [PG.ACTIVATING, 'activating'],
  [PG.CLEAN, 'clean'],
  [PG.RECOVERY_WAIT, 'recovery_wait'],
  [PG.RECOVERY_TOOFULL, 'recovery_toofull'],
  [PG.RECOVERING, 'recovering'],
  [PG.DOWN, 'down'],
  [PG.RECOVERY_UNFOUND, 'recovery_unfound'],
  [PG.UNDERSIZED, 'undersized'],
  [PG.DEGRADED, 'degraded'],
  [PG.REMAPPED, 'remapped'],
  [PG.SCRUBBING, 'scrubbing'],
  [PG.DEEP_SCRUB, 'deep'],
  [PG.INCONSISTENT, 'inconsistent'],
  [PG.PEERING, 'peering'],
  [PG.REPAIR, 'repair'],
  [PG.BACKFILL_WAIT, 'backfill_wait'],
  [PG.BACKFILLING, 'backfilling'],
  [PG.BACKFILL_TOOFULL, 'backfill_toofull'],
  [PG.PEERED, 'peered'],
];

const names = new Map<number, string>();

/** `pg_state_string`: `active+undersized+degraded`, or `unknown` for no bits. */
export function pgStateString(bits: number): string {
  let s = names.get(bits);
  if (s === undefined) {
    s = ORDER.filter(([b]) => (bits & b) !== 0)
      .map(([, n]) => n)
      .join('+');
    if (s === '') s = 'unknown';
    names.set(bits, s);
  }
  return s;
}
