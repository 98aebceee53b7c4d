import type { HealthMap } from '../../schemas/maps/index.ts';
import type { ClusterHealthCheck } from './health-checks.ts';

/** Cluster health as `ceph health detail -f json` shows it. */
export interface MergedHealth {
  status: 'HEALTH_OK' | 'HEALTH_WARN' | 'HEALTH_ERR';
  checks: Record<string, ClusterHealthCheck & { muted: boolean }>;
  mutes: unknown[];
}

const RANK = { HEALTH_OK: 0, HEALTH_WARN: 1, HEALTH_ERR: 2 } as const;

/**
 * The monitors' health from the stream merged with the checks raised inside the manager (modules and the host), as
 * Ceph's monitors merge the mgr's report: the manager's checks join the monitors', and the status is the worst
 * severity of any unmuted check.
 */
export function mergeHealth(mon: HealthMap | undefined, mgr: Record<string, ClusterHealthCheck>): MergedHealth {
  const checks: MergedHealth['checks'] = {};
  for (const [code, c] of Object.entries(mon?.checks ?? {})) {
    checks[code] = {
      ...(c as ClusterHealthCheck),
      detail: (c as ClusterHealthCheck).detail ?? [],
      muted: Boolean((c as { muted?: boolean }).muted),
    };
  }
  for (const [code, c] of Object.entries(mgr)) checks[code] = { ...c, muted: false };
  let status: MergedHealth['status'] = 'HEALTH_OK';
  for (const c of Object.values(checks)) {
    if (!c.muted && RANK[c.severity] > RANK[status]) status = c.severity;
  }
  if (Object.keys(mgr).length === 0 && mon !== undefined) status = mon.status as MergedHealth['status'];
  return { status, checks, mutes: (mon?.mutes as unknown[] | undefined) ?? [] };
}
