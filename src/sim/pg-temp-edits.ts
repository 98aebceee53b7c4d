import type { PgTemp } from '../../schemas/maps/osd-map.ts';
import { sameList } from './osd-list.ts';
import { pgKey } from './pg-key.ts';

/** A PG id's place in the pg_temp table: by pool, then by seed. */
function pgOrder(pgid: string): number {
  const dot = pgid.indexOf('.');
  return pgKey(Number(pgid.slice(0, dot)), Number.parseInt(pgid.slice(dot + 1), 16));
}

/** One edit of the pg_temp table: an entry removed, added, or given other OSDs. */
export type PgTempEdit = { op: 'remove'; at: number } | { op: 'add' | 'replace'; at: number; entry: PgTemp };

/** The edits, in the order to apply them (indexes as the table stands after the edits before), from `from` to `to`. */
export function pgTempEdits(from: readonly PgTemp[], to: readonly PgTemp[]): PgTempEdit[] {
  const edits: PgTempEdit[] = [];
  let at = 0;
  let i = 0;
  let j = 0;
  while (i < from.length || j < to.length) {
    const a = i < from.length ? pgOrder(from[i]!.pgid) : Number.POSITIVE_INFINITY;
    const b = j < to.length ? pgOrder(to[j]!.pgid) : Number.POSITIVE_INFINITY;
    if (a === b) {
      const x = from[i++]!.osds;
      const y = to[j++]!.osds;
      if (!sameList(x, y)) edits.push({ op: 'replace', at, entry: to[j - 1]! });
      at++;
    } else if (a < b) {
      edits.push({ op: 'remove', at });
      i++;
    } else {
      edits.push({ op: 'add', at, entry: to[j++]! });
      at++;
    }
  }
  return edits;
}
