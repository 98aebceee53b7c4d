import type { HealthMap } from '../../schemas/maps/index.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { tableValues } from '../state/keyed-table.ts';
import { pgSummaryView } from '../state/views/pg-summary.ts';

function listCounts(m: Map<string, number>): string {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

/** A short `ceph -s`-like status of a snapshot, for people reading a terminal. */
export function statusLines(state: ClusterState, monConnection: boolean): string[] {
  const lines: string[] = [];
  const health = state.maps.health?.map as HealthMap | undefined;
  if (health) {
    const codes = Object.keys(health.checks ?? {});
    lines.push(`health:  ${health.status}${codes.length ? ` (${codes.join(', ')})` : ''}`);
  } else lines.push('health:  (no health map yet)');
  const osd = state.maps.osd_map;
  if (osd) {
    const osds = osd.map.osds;
    const up = osds.filter((o) => o.up === 1).length;
    const inn = osds.filter((o) => o.in === 1).length;
    lines.push(`osd map: epoch ${osd.epoch}: ${osds.length} osds: ${up} up, ${inn} in; ${osd.map.pools.length} pools`);
  } else lines.push('osd map: (none yet)');
  const byState = new Map(Object.entries(pgSummaryView(state).all));
  const numPgs = [...byState.values()].reduce((n, c) => n + c, 0);
  if (numPgs > 0) lines.push(`pgs:     ${numPgs} pgs: ${listCounts(byState)}`);
  const daemons = tableValues(state.daemons);
  if (daemons.length > 0) {
    const hosts = new Set(daemons.map((d) => d.hostname).filter((h) => h !== ''));
    const open = daemons.filter((d) => d.open).length;
    lines.push(`daemons: ${daemons.length} (${open} reporting) on ${hosts.size} host${hosts.size === 1 ? '' : 's'}`);
  }
  lines.push(`mon:     ${monConnection ? 'connected' : 'no connection'}; clog: ${state.clog.length} recent entries`);
  return lines;
}
