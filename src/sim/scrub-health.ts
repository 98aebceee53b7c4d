import type { HealthCheck, HealthStatus } from '../../schemas/maps/health.ts';
import { cephStamp } from '../cluster/ceph-time.ts';
import { MAX_DETAIL } from './monitor-health.ts';
import { type PgScrubber, SCRUB_DEFAULTS, SCRUB_POOL_OPTIONS } from './pg-scrubber.ts';
import { PG, pgStateString } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';

function check(severity: HealthStatus, message: string, count: number, detail: readonly string[]): HealthCheck {
  return { severity, summary: { message, count }, detail: detail.map((m) => ({ message: m })), muted: false };
}

/** The PG states `PG_DAMAGED` counts, in the order of their bits (Ceph's `std::map` of states). */
const DAMAGE_STATES = [PG.RECOVERY_UNFOUND, PG.INCONSISTENT] as const;

/** `pg 2.5 is active+recovery_unfound+degraded, acting [1,2,3], 1 unfound`, as `PGMap::get_health_checks` writes it. */
function pgStateLine(pool: PoolPgs, ps: number): string {
  const unfound = pool.cols.unfound[ps]!;
  const line = `pg ${pool.pgid(ps)} is ${pgStateString(pool.cols.state[ps]!)}, acting [${pool.list('acting', ps).join(',')}]`;
  return unfound > 0 ? `${line}, ${unfound} unfound` : line;
}

interface Overdue {
  readonly key: string;
  /** The first time a PG not counted yet crosses its threshold. */
  readonly until: number;
  readonly checks: Record<string, HealthCheck>;
}

/**
 * The health checks of scrubbing and damaged data, as `PGMap::get_health_checks` raises them: `PG_NOT_SCRUBBED`,
 * `PG_NOT_DEEP_SCRUBBED` (a PG's last scrub older than the pool's `scrub_max_interval`, or `osd_scrub_max_interval`,
 * times 1 + `mon_warn_pg_not_scrubbed_ratio`; deep: `deep_scrub_interval` times 1 +
 * `mon_warn_pg_not_deep_scrubbed_ratio`), `OSD_SCRUB_ERRORS`, `PG_DAMAGED`, `OBJECT_UNFOUND` and
 * `OSD_TOO_MANY_REPAIRS` (an OSD's `num_shards_repaired` above `mon_osd_warn_num_repaired`). The overdue count
 * passes over every PG only when it can have changed: a threshold crossed, a pool or its options changed, an overdue
 * PG scrubbed.
 */
export class ScrubHealth {
  private overdue: Overdue | null = null;

  constructor(
    private readonly scrubber: PgScrubber,
    private readonly pools: ReadonlyMap<number, PoolPgs>,
    private readonly shardsRepaired: Float64Array,
  ) {}

  /** The checks at `now`; `totalObjects` is the PG map's `num_objects` (the unfound ratio's denominator). */
  checks(now: number, totalObjects: number, osds: number): Record<string, HealthCheck> {
    const out: Record<string, HealthCheck> = { ...this.overdueChecks(now) };
    let errors = 0;
    let unfound = 0;
    const states = new Map<number, number>();
    const damaged: Array<[number, number, string]> = [];
    const unfoundDetail: Array<[number, number, string]> = [];
    for (const { pool, ps } of this.scrubber.damaged()) {
      const c = pool.cols;
      errors += c.scrubErrors[ps]!;
      unfound += c.unfound[ps]!;
      const bits = c.state[ps]!;
      let counted = false;
      for (const s of DAMAGE_STATES) {
        if ((bits & s) === 0) continue;
        states.set(s, (states.get(s) ?? 0) + 1);
        counted = true;
      }
      if (counted) damaged.push([pool.id, ps, pgStateLine(pool, ps)]);
      if (c.unfound[ps]! > 0)
        unfoundDetail.push([pool.id, ps, `pg ${pool.pgid(ps)} has ${c.unfound[ps]} unfound objects`]);
    }
    const byPg = (a: [number, number, string], b: [number, number, string]) => a[0] - b[0] || a[1] - b[1];
    if (states.size > 0) {
      const parts = DAMAGE_STATES.filter((s) => states.has(s)).map(
        (s) => `${states.get(s)} ${states.get(s)! > 1 ? 'pgs' : 'pg'} ${pgStateString(s)}`,
      );
      const count = [...states.values()].reduce((a, b) => a + b, 0);
      out.PG_DAMAGED = check(
        'HEALTH_ERR',
        `Possible data damage: ${parts.join(', ')}`,
        count,
        damaged
          .sort(byPg)
          .slice(0, MAX_DETAIL + 1)
          .map(([, , l]) => l),
      );
    }
    if (errors > 0) out.OSD_SCRUB_ERRORS = check('HEALTH_ERR', `${errors} scrub errors`, errors, []);
    if (unfound > 0 && totalObjects > 0) {
      const pc = ((unfound / totalObjects) * 100).toFixed(3);
      const detail = unfoundDetail.sort(byPg).map(([, , l]) => l);
      if (detail.length > MAX_DETAIL) detail.splice(MAX_DETAIL + 1, Infinity, '(additional pgs left out for brevity)');
      out.OBJECT_UNFOUND = check('HEALTH_WARN', `${unfound}/${totalObjects} objects unfound (${pc}%)`, unfound, detail);
    }
    const repairs: string[] = [];
    for (let o = 0; o < osds; o++) {
      const n = this.shardsRepaired[o]!;
      if (n > SCRUB_DEFAULTS.mon_osd_warn_num_repaired) repairs.push(`osd.${o} had ${n} reads repaired`);
    }
    if (repairs.length > 0) {
      out.OSD_TOO_MANY_REPAIRS = check(
        'HEALTH_WARN',
        `Too many repaired reads on ${repairs.length} OSDs`,
        repairs.length,
        repairs,
      );
    }
    return out;
  }

  private overdueChecks(now: number): Record<string, HealthCheck> {
    const pools = [...this.pools.values()];
    const key = [
      this.scrubber.stampVersion,
      ...pools.map(
        (p) => `${p.id}:${p.pgNum}:${SCRUB_POOL_OPTIONS.map((o) => this.scrubber.poolOption(p.id, o)).join('/')}`,
      ),
    ].join(',');
    if (this.overdue !== null && this.overdue.key === key && now < this.overdue.until) return this.overdue.checks;
    let until = Number.POSITIVE_INFINITY;
    const shallow: string[] = [];
    const deep: string[] = [];
    let shallowTotal = 0;
    let deepTotal = 0;
    for (const pool of pools) {
      const c = pool.cols;
      const age = this.scrubber.overdueAge(pool.id, false);
      const deepAge = this.scrubber.overdueAge(pool.id, true);
      for (let ps = 0; ps < pool.pgNum; ps++) {
        const at = c.scrubStamp[ps]! + age;
        if (at < now) {
          shallowTotal++;
          if (shallow.length < MAX_DETAIL) {
            shallow.push(`pg ${pool.pgid(ps)} not scrubbed since ${cephStamp(c.scrubStamp[ps]!)}`);
          }
        } else until = Math.min(until, at);
        const deepAt = c.deepScrubStamp[ps]! + deepAge;
        if (deepAt < now) {
          deepTotal++;
          if (deep.length < MAX_DETAIL) {
            deep.push(`pg ${pool.pgid(ps)} not deep-scrubbed since ${cephStamp(c.deepScrubStamp[ps]!)}`);
          }
        } else until = Math.min(until, deepAt);
      }
    }
    const checks: Record<string, HealthCheck> = {};
    if (shallowTotal > 0) {
      if (shallowTotal > shallow.length) shallow.push(`${shallowTotal - shallow.length} more pgs... `);
      checks.PG_NOT_SCRUBBED = check('HEALTH_WARN', `${shallowTotal} pgs not scrubbed in time`, shallowTotal, shallow);
    }
    if (deepTotal > 0) {
      if (deepTotal > deep.length) deep.push(`${deepTotal - deep.length} more pgs... `);
      checks.PG_NOT_DEEP_SCRUBBED = check('HEALTH_WARN', `${deepTotal} pgs not deep-scrubbed in time`, deepTotal, deep);
    }
    this.overdue = { key, until, checks };
    return checks;
  }
}
