import type { HealthCheck, HealthStatus } from '../../schemas/maps/health.ts';
import { byteU } from './byte-units.ts';
import { POOL_FLAG } from './fullness.ts';
import { MAX_DETAIL } from './monitor-health.ts';
import type { OsdMapDoc } from './osd-map-doc.ts';

/** What a pool holds (its PGs' `stat_sum` summed), for the quota checks. */
export interface PoolUse {
  readonly id: number;
  readonly bytes: number;
  readonly objects: number;
}

/** The quota thresholds, in percent (`mon_pool_quota_warn_threshold`, `mon_pool_quota_crit_threshold`; 0 is off). */
export interface QuotaThresholds {
  readonly warn: number;
  readonly crit: number;
}

function check(severity: HealthStatus, message: string, detail: readonly string[]): HealthCheck {
  return {
    severity,
    summary: { message, count: detail.length },
    detail: detail.slice(0, MAX_DETAIL).map((m) => ({ message: m })),
    muted: false,
  };
}

/**
 * The checks of fullness, worded as Ceph's: `OSDMap::check_health`'s `OSD_FULL`, `OSD_BACKFILLFULL`,
 * `OSD_NEARFULL` (from the OSDs' states) and `POOL_FULL`, `POOL_BACKFILLFULL`, `POOL_NEARFULL` (from the pools'
 * flags), then `PGMap::get_health_checks`' quota checks `POOL_FULL` and `POOL_NEAR_FULL` for pools close to their
 * quota (off unless a threshold is set). Two `POOL_FULL`s merge as the monitors merge them: the first summary, both
 * details, the counts added.
 */
export function fullnessChecks(
  doc: OsdMapDoc,
  uses: ReadonlyMap<number, PoolUse>,
  q: QuotaThresholds,
): Record<string, HealthCheck> {
  const checks: Record<string, HealthCheck> = {};
  const osds = doc.fullOsds();
  if (osds.full.length > 0) {
    checks.OSD_FULL = check(
      'HEALTH_ERR',
      `${osds.full.length} full osd(s)`,
      osds.full.map((o) => `osd.${o} is full`),
    );
  }
  if (osds.backfillfull.length > 0) {
    checks.OSD_BACKFILLFULL = check(
      'HEALTH_WARN',
      `${osds.backfillfull.length} backfillfull osd(s)`,
      osds.backfillfull.map((o) => `osd.${o} is backfill full`),
    );
  }
  if (osds.nearfull.length > 0) {
    checks.OSD_NEARFULL = check(
      'HEALTH_WARN',
      `${osds.nearfull.length} nearfull osd(s)`,
      osds.nearfull.map((o) => `osd.${o} is near full`),
    );
  }
  const full: string[] = [];
  const backfillfull: string[] = [];
  const nearfull: string[] = [];
  for (const p of doc.map.pools) {
    const f = p.flags ?? 0;
    const name = p.pool_name;
    if ((f & POOL_FLAG.full) !== 0) {
      full.push(
        (f & POOL_FLAG.full_quota) !== 0
          ? `pool '${name}' is full (running out of quota)`
          : `pool '${name}' is full (no space)`,
      );
    } else if ((f & POOL_FLAG.backfillfull) !== 0) backfillfull.push(`pool '${name}' is backfillfull`);
    else if ((f & POOL_FLAG.nearfull) !== 0) nearfull.push(`pool '${name}' is nearfull`);
  }
  if (full.length > 0) checks.POOL_FULL = check('HEALTH_WARN', `${full.length} pool(s) full`, full);
  if (backfillfull.length > 0) {
    checks.POOL_BACKFILLFULL = check('HEALTH_WARN', `${backfillfull.length} pool(s) backfillfull`, backfillfull);
  }
  if (nearfull.length > 0) checks.POOL_NEARFULL = check('HEALTH_WARN', `${nearfull.length} pool(s) nearfull`, nearfull);

  const quota = quotaChecks(doc, uses, q);
  if (quota.full !== undefined) {
    const was = checks.POOL_FULL;
    checks.POOL_FULL =
      was === undefined
        ? quota.full
        : {
            ...was,
            summary: { ...was.summary, count: (was.summary.count ?? 0) + (quota.full.summary.count ?? 0) },
            detail: [...(was.detail ?? []), ...(quota.full.detail ?? [])].slice(0, MAX_DETAIL),
          };
  }
  if (quota.nearfull !== undefined) checks.POOL_NEAR_FULL = quota.nearfull;
  return checks;
}

/** `PGMap::get_health_checks`' `POOL_FULL` / `POOL_NEAR_FULL`: pools past a share of their quota but not at it. */
function quotaChecks(
  doc: OsdMapDoc,
  uses: ReadonlyMap<number, PoolUse>,
  q: QuotaThresholds,
): { full?: HealthCheck; nearfull?: HealthCheck } {
  const warn = Math.fround(q.warn / 100);
  const crit = Math.fround(q.crit / 100);
  const fullDetail: string[] = [];
  const nearDetail: string[] = [];
  let fullPools = 0;
  let nearPools = 0;
  for (const p of doc.map.pools) {
    const use = uses.get(p.pool);
    if (use === undefined) continue;
    let isFull = false;
    let isNear = false;
    const sides: Array<[number, number, string]> = [];
    const maxObjects = p.quota_max_objects ?? 0;
    const maxBytes = p.quota_max_bytes ?? 0;
    if (maxObjects > 0) {
      sides.push([use.objects, maxObjects, `pool '${p.pool_name}' has ${use.objects} objects (max ${maxObjects})`]);
    }
    if (maxBytes > 0) {
      sides.push([use.bytes, maxBytes, `pool '${p.pool_name}' has ${byteU(use.bytes)} (max ${byteU(maxBytes)})`]);
    }
    for (const [n, max, line] of sides) {
      if (n >= max) continue;
      if (crit > 0 && n >= max * crit) {
        fullDetail.push(line);
        isFull = true;
      } else if (warn > 0 && n >= max * warn) {
        nearDetail.push(line);
        isNear = true;
      }
    }
    if (isFull) fullPools++;
    if (isNear) nearPools++;
  }
  const out: { full?: HealthCheck; nearfull?: HealthCheck } = {};
  if (fullPools > 0) {
    out.full = {
      ...check('HEALTH_ERR', `${fullPools} pools full`, fullDetail),
      summary: { message: `${fullPools} pools full`, count: fullPools },
    };
  }
  if (nearPools > 0) {
    out.nearfull = {
      ...check('HEALTH_WARN', `${nearPools} pools nearfull`, nearDetail),
      summary: { message: `${nearPools} pools nearfull`, count: nearPools },
    };
  }
  return out;
}
