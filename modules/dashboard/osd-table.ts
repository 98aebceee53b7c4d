import { type ClusterReader, InputsMemo } from './reader.ts';

/** The columns the OSD table sorts by. */
export const OSD_SORT_KEYS = ['id', 'host', 'up', 'in', 'crush_weight', 'reweight', 'usage', 'pgs'] as const;
export type OsdSortKey = (typeof OSD_SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

/** One row of the OSD table. */
export interface OsdRow {
  readonly id: number;
  readonly host: string;
  readonly up: boolean;
  readonly in: boolean;
  readonly crush_weight: number;
  readonly reweight: number;
  readonly kb: number;
  readonly kb_used: number;
  /** `kb_used / kb` (0 before the OSD reports). */
  readonly usage: number;
  readonly pgs: number;
}

export interface OsdPage {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly sort: OsdSortKey;
  readonly dir: SortDir;
  readonly rows: readonly OsdRow[];
}

interface TreeNode {
  readonly id: number;
  readonly type: string;
  readonly name: string;
  readonly children?: readonly number[];
  readonly crush_weight?: number;
}

interface OsdStatLike {
  readonly osd: number;
  readonly kb?: number;
  readonly kb_used?: number;
  readonly num_pgs?: number;
}

function compare(a: OsdRow, b: OsdRow, key: OsdSortKey): number {
  const [x, y] = [a[key], b[key]];
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

/**
 * Every OSD of one state as rows, and its sort orders: the rows are built once per change of the OSD map, CRUSH tree
 * or OSD stats, each order once per rows on first use, so a page costs a slice of an order, not the cluster.
 */
export class OsdTable {
  private readonly orders = new Map<string, Int32Array>();

  constructor(readonly rows: readonly OsdRow[]) {}

  private order(sort: OsdSortKey, dir: SortDir): Int32Array {
    const key = `${sort}:${dir}`;
    let o = this.orders.get(key);
    if (o === undefined) {
      const rows = this.rows;
      const sign = dir === 'asc' ? 1 : -1;
      o = Int32Array.from(rows.keys());
      // Equal values keep the OSD id order whichever way the column is sorted.
      o.sort((i, j) => sign * compare(rows[i]!, rows[j]!, sort) || rows[i]!.id - rows[j]!.id);
      this.orders.set(key, o);
    }
    return o;
  }

  page(offset: number, limit: number, sort: OsdSortKey, dir: SortDir): OsdPage {
    const order = this.order(sort, dir);
    const end = Math.min(order.length, offset + limit);
    const rows: OsdRow[] = [];
    for (let i = offset; i < end; i++) rows.push(this.rows[order[i]!]!);
    return { total: this.rows.length, offset, limit, sort, dir, rows };
  }
}

const tables = new InputsMemo(
  (
    map: { osds: ReadonlyArray<{ osd: number; up: number; in: number; weight: number }> } | null,
    tree: { nodes: readonly TreeNode[] } | null,
    stats: { osd_stats: readonly OsdStatLike[] } | null,
  ): OsdTable => {
    const hostOf = new Map<number, string>();
    const crushWeight = new Map<number, number>();
    for (const n of tree?.nodes ?? []) {
      if (n.type === 'host') for (const c of n.children ?? []) hostOf.set(c, n.name);
      else if (n.id >= 0 && n.crush_weight !== undefined) crushWeight.set(n.id, n.crush_weight);
    }
    const statOf = new Map<number, OsdStatLike>();
    for (const s of stats?.osd_stats ?? []) statOf.set(s.osd, s);
    const rows = (map?.osds ?? []).map((o): OsdRow => {
      const s = statOf.get(o.osd);
      const kb = s?.kb ?? 0;
      const used = s?.kb_used ?? 0;
      return Object.freeze({
        id: o.osd,
        host: hostOf.get(o.osd) ?? '',
        up: o.up === 1,
        in: o.in === 1,
        crush_weight: crushWeight.get(o.osd) ?? 0,
        reweight: o.weight,
        kb,
        kb_used: used,
        usage: kb > 0 ? used / kb : 0,
        pgs: s?.num_pgs ?? 0,
      });
    });
    return new OsdTable(rows);
  },
);

/** The OSD table of the state `r` reads. */
export function osdTable(r: ClusterReader): OsdTable {
  return tables.get([r.get('osd_map'), r.get('osd_map_tree'), r.get('osd_stats')]);
}
