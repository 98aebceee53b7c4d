import { type OsdTable, osdTable } from './osd-table.ts';
import { type ClusterReader, InputsMemo } from './reader.ts';

/** One host of the CRUSH tree as the host table shows it: its OSDs, their state, space and PGs summed. */
export interface HostRow {
  readonly host: string;
  readonly osds: number;
  readonly up: number;
  readonly in: number;
  readonly kb: number;
  readonly kb_used: number;
  /** `kb_used / kb` over the host's OSDs (0 before they report). */
  readonly usage: number;
  /** The fullest of its OSDs. */
  readonly max_usage: number;
  readonly pgs: number;
}

/** A page of hosts, those with OSDs down first, then the fullest, so a page shows what needs looking at. */
export interface HostPage {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly rows: readonly HostRow[];
}

const hosts = new InputsMemo((table: OsdTable): readonly HostRow[] => {
  const by = new Map<
    string,
    { osds: number; up: number; in: number; kb: number; kb_used: number; max: number; pgs: number }
  >();
  for (const r of table.rows) {
    let h = by.get(r.host);
    if (h === undefined) {
      h = { osds: 0, up: 0, in: 0, kb: 0, kb_used: 0, max: 0, pgs: 0 };
      by.set(r.host, h);
    }
    h.osds++;
    h.up += r.up ? 1 : 0;
    h.in += r.in ? 1 : 0;
    h.kb += r.kb;
    h.kb_used += r.kb_used;
    h.max = Math.max(h.max, r.usage);
    h.pgs += r.pgs;
  }
  const rows = [...by].map(
    ([host, h]): HostRow => ({
      host,
      osds: h.osds,
      up: h.up,
      in: h.in,
      kb: h.kb,
      kb_used: h.kb_used,
      usage: h.kb > 0 ? h.kb_used / h.kb : 0,
      max_usage: h.max,
      pgs: h.pgs,
    }),
  );
  return rows.sort(
    (a, b) =>
      b.osds - b.up - (a.osds - a.up) || b.max_usage - a.max_usage || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0),
  );
});

/** The hosts of the state `r` reads (OSDs outside any host are grouped under ""), one page of them. */
export function hostPage(r: ClusterReader, offset: number, limit: number): HostPage {
  const rows = hosts.get([osdTable(r)]);
  return { total: rows.length, offset, limit, rows: rows.slice(offset, offset + limit) };
}
