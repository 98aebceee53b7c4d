import type { JsonText } from 'mgrkit';
import { type ClusterReader, InputsMemo } from './reader.ts';

/** One health check as the page shows it. */
export interface HealthCheckView {
  readonly code: string;
  readonly severity: string;
  readonly summary: string;
  readonly count: number;
  readonly detail: readonly string[];
}

export interface HealthView {
  readonly status: string;
  readonly checks: readonly HealthCheckView[];
  readonly mutes: readonly string[];
}

export interface MonsView {
  /** Every monitor of the mon map (or of `mon_status`'s). */
  readonly names: readonly string[];
  /** The monitors in quorum, or null when the state has no `mon_status` to say. */
  readonly quorum: readonly string[] | null;
}

export interface OsdCountsView {
  readonly total: number;
  readonly up: number;
  readonly in: number;
}

interface RawCheck {
  severity?: string;
  summary?: { message?: string; count?: number };
  detail?: Array<{ message?: string }>;
}

const SEVERITY_ORDER: Record<string, number> = { HEALTH_ERR: 0, HEALTH_WARN: 1 };

function parseJson(text: JsonText | null): Record<string, unknown> | null {
  return text === null ? null : (JSON.parse(text.json) as Record<string, unknown>);
}

const health = new InputsMemo((text: JsonText | null): HealthView => {
  const h = parseJson(text);
  if (h === null) return { status: 'HEALTH_UNKNOWN', checks: [], mutes: [] };
  const checks = Object.entries((h.checks ?? {}) as Record<string, RawCheck>).map(([code, c]) => ({
    code,
    severity: c.severity ?? 'HEALTH_WARN',
    summary: c.summary?.message ?? '',
    count: c.summary?.count ?? 0,
    detail: (c.detail ?? []).map((d) => d.message ?? ''),
  }));
  checks.sort(
    (a, b) => (SEVERITY_ORDER[a.severity] ?? 2) - (SEVERITY_ORDER[b.severity] ?? 2) || (a.code < b.code ? -1 : 1),
  );
  const mutes = ((h.mutes ?? []) as Array<{ code?: string }>).map((m) => m.code ?? '');
  return { status: String(h.status ?? 'HEALTH_UNKNOWN'), checks, mutes };
});

/** The cluster's health with its checks, errors first. */
export function healthView(r: ClusterReader): HealthView {
  return health.get([r.get('health')]);
}

const mons = new InputsMemo((status: JsonText | null, map: { mons?: Array<{ name: string }> } | null): MonsView => {
  const s = parseJson(status) as { quorum_names?: string[]; monmap?: { mons?: Array<{ name: string }> } } | null;
  const list = s?.monmap?.mons ?? map?.mons ?? [];
  return { names: list.map((m) => m.name), quorum: s?.quorum_names ?? null };
});

/** The monitors and which are in quorum. */
export function monsView(r: ClusterReader): MonsView {
  return mons.get([r.get('mon_status'), r.get('mon_map')]);
}

const counts = new InputsMemo((map: { osds: ReadonlyArray<{ up: number; in: number }> } | null): OsdCountsView => {
  let up = 0;
  let inside = 0;
  for (const o of map?.osds ?? []) {
    up += o.up;
    inside += o.in;
  }
  return { total: map?.osds.length ?? 0, up, in: inside };
});

/** How many OSDs the OSD map has, and how many are up and in. */
export function osdCountsView(r: ClusterReader): OsdCountsView {
  return counts.get([r.get('osd_map')]);
}
