import type { FsMap } from '../../schemas/maps/fs-map.ts';
import type { HealthCheck, HealthStatus } from '../../schemas/maps/health.ts';

/** The MDS states in which a rank is up but not serving yet (`MDSMap::is_degraded`: replay to clientreplay). */
const RECOVERING = new Set(['up:replay', 'up:resolve', 'up:reconnect', 'up:rejoin', 'up:clientreplay']);

/** Ceph's `%num% filesystem%plurals% %isorare% ...` summaries, with the count filled in. */
function fsSummary(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? `filesystem ${singular}` : `filesystems ${plural}`}`;
}

function add(
  checks: Record<string, HealthCheck>,
  code: string,
  severity: HealthStatus,
  summary: (n: number) => string,
  detail: string,
): void {
  const was = checks[code];
  const n = (was?.summary.count ?? 0) + 1;
  checks[code] = {
    severity,
    summary: { message: summary(n), count: n },
    detail: [...(was?.detail ?? []), { message: detail }],
    muted: false,
  };
}

/**
 * The health checks the monitors raise from the file system map (`MDSMap::get_health_checks` per file system and
 * `FSMap::get_health_checks`), in Ceph's words: `FS_DEGRADED` (a rank failed, or replaying to clientreplay),
 * `MDS_UP_LESS_THAN_MAX`, `MDS_ALL_DOWN` (an error), `FS_WITH_FAILED_MDS` (a failed rank no standby can take) and
 * `MDS_INSUFFICIENT_STANDBY` (fewer standbys than a file system's `standby_count_wanted`).
 */
export function fsHealthChecks(map: FsMap): Record<string, HealthCheck> {
  const checks: Record<string, HealthCheck> = {};
  const standbys = map.standbys.length;
  let wanted = 0;
  for (const f of map.filesystems) {
    const m = f.mdsmap;
    const name = m.fs_name;
    const infos = Object.values(m.info);
    const degraded = m.failed.length > 0 || m.damaged.length > 0 || infos.some((i) => RECOVERING.has(i.state));
    if (degraded) {
      add(
        checks,
        'FS_DEGRADED',
        'HEALTH_WARN',
        (n) => fsSummary(n, 'is degraded', 'are degraded'),
        `fs ${name} is degraded`,
      );
    }
    if (m.in.length < m.max_mds) {
      add(
        checks,
        'MDS_UP_LESS_THAN_MAX',
        'HEALTH_WARN',
        (n) => fsSummary(n, 'is online with fewer MDS than max_mds', 'are online with fewer MDS than max_mds'),
        `fs ${name} has ${m.in.length} MDS online, but wants ${m.max_mds}`,
      );
    }
    if (Object.keys(m.up).length === 0 && m.max_mds > 0) {
      add(
        checks,
        'MDS_ALL_DOWN',
        'HEALTH_ERR',
        (n) => fsSummary(n, 'is offline', 'are offline'),
        `fs ${name} is offline because no MDS is active for it.`,
      );
    }
    // A failed rank is stuck when no standby can take it: the standbys take failed ranks as soon as there are any.
    const stuck = standbys > 0 ? 0 : m.failed.length;
    if (stuck > 0) {
      add(
        checks,
        'FS_WITH_FAILED_MDS',
        'HEALTH_WARN',
        (n) => fsSummary(n, 'has a failed mds daemon', 'have a failed mds daemon'),
        `fs ${name} has ${stuck} failed mds${stuck > 1 ? 's' : ''}`,
      );
    }
    wanted = Math.max(wanted, Math.max(0, (m.standby_count_wanted ?? 0) - standbys));
  }
  if (wanted > 0) {
    checks.MDS_INSUFFICIENT_STANDBY = {
      severity: 'HEALTH_WARN',
      summary: { message: 'insufficient standby MDS daemons available', count: wanted },
      detail: [{ message: `have ${standbys}; want ${wanted} more` }],
      muted: false,
    };
  }
  return checks;
}
