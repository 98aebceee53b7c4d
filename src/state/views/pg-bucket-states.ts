import type { PgStat } from '../../../schemas/daemon/index.ts';
import { BUCKET_SIZE, type PgBucket } from '../pg-table.ts';

/** What the PG map's states are made of for one bucket of seeds: counts by state, and by acting OSD on demand. */
export interface BucketStates {
  /** The state of each seed of the bucket that the pool has (stale and unknown applied). */
  readonly states: readonly string[];
  readonly counts: ReadonlyMap<string, number>;
}

function isStale(state: string): boolean {
  return state === 'stale' || state.startsWith('stale+') || state.includes('+stale');
}

/**
 * A PG's state as the manager's PG map shows it: `unknown` for a PG no OSD reported, `stale+` prefixed while the map
 * has its acting primary down (`PGMapUpdater::check_down_pgs`); `up` is null without an OSD map.
 */
export function pgState(stat: PgStat | null, up: ReadonlySet<number> | null): string {
  if (stat === null) return 'unknown';
  const state = stat.state;
  if (up !== null && stat.acting_primary !== -1 && !up.has(stat.acting_primary) && !isStale(state)) {
    return `stale+${state}`;
  }
  return state;
}

interface Memo {
  readonly up: object;
  readonly length: number;
  readonly value: BucketStates;
}

const memo = new WeakMap<PgBucket, Memo>();
const unreported = new Map<number, BucketStates>();
const byOsdMemo = new WeakMap<BucketStates, ReadonlyMap<number, ReadonlyMap<string, number>>>();

/**
 * The states of the first `length` seeds of a bucket, under the up set `up` (whose identity is `upKey`). Buckets
 * are shared between snapshots until a report touches them, so a new snapshot computes only the buckets it changed.
 */
export function bucketStates(
  bucket: PgBucket | null,
  length: number,
  up: ReadonlySet<number> | null,
  upKey: object,
): BucketStates {
  if (bucket === null) {
    let v = unreported.get(length);
    if (v === undefined) {
      v = { states: new Array<string>(length).fill('unknown'), counts: new Map([['unknown', length]]) };
      unreported.set(length, v);
    }
    return v;
  }
  const held = memo.get(bucket);
  if (held !== undefined && held.up === upKey && held.length === length) return held.value;
  const states: string[] = [];
  const counts = new Map<string, number>();
  for (let i = 0; i < length; i++) {
    const state = pgState(bucket[i] ?? null, up);
    states.push(state);
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const value = { states, counts };
  memo.set(bucket, { up: upKey, length, value });
  return value;
}

/** Counts by acting OSD then state for one bucket (what `pg_summary`'s `by_osd` adds up). */
export function bucketByOsd(
  bucket: PgBucket | null,
  states: BucketStates,
): ReadonlyMap<number, ReadonlyMap<string, number>> {
  if (bucket === null) return new Map();
  let v = byOsdMemo.get(states);
  if (v === undefined) {
    const out = new Map<number, Map<string, number>>();
    for (let i = 0; i < states.states.length && i < BUCKET_SIZE; i++) {
      const stat = bucket[i];
      if (stat === null || stat === undefined) continue;
      const state = states.states[i]!;
      for (const osd of stat.acting) {
        let m = out.get(osd);
        if (m === undefined) {
          m = new Map();
          out.set(osd, m);
        }
        m.set(state, (m.get(state) ?? 0) + 1);
      }
    }
    v = out;
    byOsdMemo.set(states, v);
  }
  return v;
}
