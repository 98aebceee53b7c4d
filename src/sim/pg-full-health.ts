import type { HealthCheck } from '../../schemas/maps/health.ts';
import { MAX_DETAIL } from './monitor-health.ts';
import { PG, pgStateString } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';

/** `PGMap::get_health_checks`'s immediate reports of PGs held back by full OSDs: code, state, severity, summary. */
const FULL_CHECKS = [
  {
    code: 'PG_BACKFILL_FULL',
    bit: PG.BACKFILL_TOOFULL,
    state: 'backfill_toofull',
    severity: 'HEALTH_WARN',
    summary: "Low space hindering backfill (add storage if this doesn't resolve itself): ",
  },
  {
    code: 'PG_RECOVERY_FULL',
    bit: PG.RECOVERY_TOOFULL,
    state: 'recovery_toofull',
    severity: 'HEALTH_ERR',
    summary: 'Full OSDs blocking recovery: ',
  },
] as const;

/**
 * `PG_BACKFILL_FULL` (a warning) and `PG_RECOVERY_FULL` (an error) from the PGs that are not active+clean: how many
 * are `backfill_toofull` or `recovery_toofull` (`1 pg backfill_toofull`, `3 pgs ...`), and a detail line for each
 * (`pg 1.2f is active+remapped+backfill_toofull, acting [4,0,7]`), as Ceph's PGMap words them.
 */
export function pgFullChecks(
  unclean: Iterable<{ readonly pool: PoolPgs; readonly ps: number }>,
): Record<string, HealthCheck> {
  const found = FULL_CHECKS.map(() => [] as Array<{ pool: PoolPgs; ps: number }>);
  for (const { pool, ps } of unclean) {
    const bits = pool.cols.state[ps]!;
    FULL_CHECKS.forEach((c, i) => {
      if ((bits & c.bit) !== 0) found[i]!.push({ pool, ps });
    });
  }
  const checks: Record<string, HealthCheck> = {};
  FULL_CHECKS.forEach((c, i) => {
    const pgs = found[i]!;
    const n = pgs.length;
    if (n === 0) return;
    // In pgid order, as the PG map keeps them.
    pgs.sort((x, y) => x.pool.id - y.pool.id || x.ps - y.ps);
    checks[c.code] = {
      severity: c.severity,
      summary: { message: `${c.summary}${n} ${n > 1 ? 'pgs' : 'pg'} ${c.state}`, count: n },
      detail: pgs.slice(0, MAX_DETAIL).map(({ pool, ps }) => ({
        message: `pg ${pool.pgid(ps)} is ${pgStateString(pool.cols.state[ps]!)}, acting [${pool.list('acting', ps).join(',')}]`,
      })),
      muted: false,
    };
  });
  return checks;
}
