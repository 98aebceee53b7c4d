import type { HealthCheck, HealthMap } from '../../schemas/maps/health.ts';
import type { ClogPriority } from './cluster-log.ts';
import { warnedFlags } from './osd-flags.ts';
import type { OsdMapDoc } from './osd-map-doc.ts';
import { PG, pgStateString } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';
import { crushLocation, type Topology } from './topology.ts';

/** Ceph's `mon_health_max_detail`: a check lists at most this many detail lines. */
export const MAX_DETAIL = 50;

/** What the monitors look at: the OSD map, and the PGs that are not active+clean. */
export interface HealthInput {
  readonly topo: Topology;
  readonly doc: OsdMapDoc;
  /** The PGs that are not active+clean (clean ones add nothing to any check). */
  readonly unclean: Iterable<{ readonly pool: PoolPgs; readonly ps: number }>;
  /** Object copies the cluster should have (`num_object_copies` summed): the denominator of the ratios. */
  readonly totalCopies: number;
  /** `MON_DOWN` when a monitor is out of quorum (see `MonQuorum`). */
  readonly monDown?: HealthCheck | undefined;
  /** The checks the manager raises from what daemons report (`SLOW_OPS`), which the monitors show with theirs. */
  readonly daemonChecks?: Readonly<Record<string, HealthCheck>>;
  /** The checks of OSDs' and pools' fullness and pool quotas (see `fullnessChecks`). */
  readonly fullness?: Readonly<Record<string, HealthCheck>>;
  /** The checks of the file system map (`FS_DEGRADED`, `MDS_ALL_DOWN`, ..., see `fs-health.ts`). */
  readonly fsChecks?: Readonly<Record<string, HealthCheck>>;
  /** The monitors' own checks: each one's data disk (`MON_DISK_LOW`), the leader's time checks (`MON_CLOCK_SKEW`). */
  readonly monChecks?: Readonly<Record<string, HealthCheck>>;
  /** `TOO_MANY_PGS`, of the PG instances per OSD (see `pg-limit.ts`). */
  readonly pgCountChecks?: Readonly<Record<string, HealthCheck>>;
  /** The checks the PG map makes of the OSDs' own stats (`OSD_SLOW_PING_TIME_BACK`, `BLUESTORE_*`, ...). */
  readonly osdChecks?: Readonly<Record<string, HealthCheck>>;
  /** The checks of scrubbing and damaged data (`PG_NOT_SCRUBBED`, `PG_DAMAGED`, ..., see `scrub-health.ts`). */
  readonly scrubChecks?: Readonly<Record<string, HealthCheck>>;
  /** The checks the manager's modules raise (crash, devicehealth, cephadm), which the monitors show with theirs. */
  readonly mgrChecks?: Readonly<Record<string, HealthCheck>>;
  /** The checks of PGs held back by full OSDs (`PG_BACKFILL_FULL`, `PG_RECOVERY_FULL`, see `pgFullChecks`). */
  readonly pgFull?: Readonly<Record<string, HealthCheck>>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const percent = (part: number, whole: number) => `${((part / Math.max(1, whole)) * 100).toFixed(3)}%`;

function check(summary: string, count: number, detail: string[]): HealthCheck {
  return {
    severity: 'HEALTH_WARN',
    summary: { message: summary, count },
    detail: detail.slice(0, MAX_DETAIL).map((message) => ({ message })),
    muted: false,
  };
}

/**
 * The health checks the monitors raise from the OSD map and the PG map, with Ceph's codes and wording:
 * `MON_DOWN`, `OSD_DOWN`, `OSD_HOST_DOWN`, `OSDMAP_FLAGS`, `PG_AVAILABILITY`, `PG_DEGRADED`, `OBJECT_MISPLACED`, and
 * the fullness, daemons' and file system map's checks it is given (`OSD_NEARFULL`, `POOL_FULL`, `SLOW_OPS`,
 * `FS_DEGRADED`, ...). The status is the worst check's severity.
 */
export function evaluateHealth(h: HealthInput): HealthMap {
  const { topo, doc } = h;
  const checks: Record<string, HealthCheck> = {};
  if (h.monDown !== undefined) checks.MON_DOWN = h.monDown;

  const downIn: number[] = [];
  for (let o = 0; o < topo.osds; o++) if (doc.up[o] === 0 && doc.in[o] === 1) downIn.push(o);
  if (downIn.length > 0) {
    checks.OSD_DOWN = check(
      `${downIn.length} osds down`,
      downIn.length,
      downIn.map((o) => `osd.${o} (${crushLocation(topo, o)}) is down`),
    );
    // A host is down when every OSD under it is, in or out, and one of them is in (`subtree_type_is_down`).
    const hostsDown: Array<[number, number]> = [];
    for (let host = 0; host < topo.hosts; host++) {
      let n = 0;
      let downIn = false;
      let all = true;
      for (let i = topo.hostOsds.start[host]!; i < topo.hostOsds.start[host + 1]!; i++) {
        const o = topo.hostOsds.items[i]!;
        n++;
        if (doc.up[o] === 1) all = false;
        else if (doc.in[o] === 1) downIn = true;
      }
      if (all && downIn) hostsDown.push([host, n]);
    }
    if (hostsDown.length > 0) {
      const osds = hostsDown.reduce((s, [, n]) => s + n, 0);
      checks.OSD_HOST_DOWN = check(
        `${plural(hostsDown.length, 'host')} (${osds} osds) down`,
        hostsDown.length,
        hostsDown.map(([host, n]) => {
          const rack = topo.racks > 0 ? `,rack=${topo.rackNames[topo.hostRack[host]!]}` : '';
          return `host ${topo.hostNames[host]} (root=default${rack}) (${n} osds) is down`;
        }),
      );
    }
  }

  const flags = warnedFlags(doc.flags);
  if (flags.length > 0) checks.OSDMAP_FLAGS = check(`${flags.join(',')} flag(s) set`, flags.length, []);

  let inactive = 0;
  let peering = 0;
  let down = 0;
  let degradedPgs = 0;
  let undersizedPgs = 0;
  let degradedObjects = 0;
  let misplacedObjects = 0;
  const availability: string[] = [];
  const degradation: string[] = [];
  for (const { pool, ps } of h.unclean) {
    const bits = pool.cols.state[ps]!;
    const unfound = pool.cols.unfound[ps]!;
    const line = () =>
      `pg ${pool.pgid(ps)} is ${pgStateString(bits)}, acting [${pool.list('acting', ps).join(',')}]${unfound > 0 ? `, ${unfound} unfound` : ''}`;
    if ((bits & PG.ACTIVE) === 0) {
      inactive++;
      if ((bits & PG.PEERING) !== 0) peering++;
      if ((bits & PG.DOWN) !== 0) down++;
      if (availability.length < MAX_DETAIL) availability.push(line());
    }
    const isDegraded = (bits & PG.DEGRADED) !== 0;
    const isUndersized = (bits & PG.UNDERSIZED) !== 0;
    if (isDegraded) degradedPgs++;
    if (isUndersized) undersizedPgs++;
    if ((isDegraded || isUndersized) && degradation.length < MAX_DETAIL) degradation.push(line());
    degradedObjects += pool.cols.degraded[ps]!;
    misplacedObjects += pool.cols.misplaced[ps]!;
  }
  if (inactive > 0) {
    const parts = [`${plural(inactive, 'pg')} inactive`];
    if (down > 0) parts.push(`${plural(down, 'pg')} down`);
    if (peering > 0) parts.push(`${plural(peering, 'pg')} peering`);
    checks.PG_AVAILABILITY = check(`Reduced data availability: ${parts.join(', ')}`, inactive, availability);
  }
  if (degradedPgs > 0 || undersizedPgs > 0) {
    const parts: string[] = [];
    if (degradedObjects > 0) {
      parts.push(`${degradedObjects}/${h.totalCopies} objects degraded (${percent(degradedObjects, h.totalCopies)})`);
    }
    if (degradedPgs > 0) parts.push(`${plural(degradedPgs, 'pg')} degraded`);
    if (undersizedPgs > 0) parts.push(`${plural(undersizedPgs, 'pg')} undersized`);
    checks.PG_DEGRADED = check(
      `Degraded data redundancy: ${parts.join(', ')}`,
      Math.max(degradedPgs, undersizedPgs),
      degradation,
    );
  }
  if (misplacedObjects > 0) {
    const message = `${misplacedObjects}/${h.totalCopies} objects misplaced (${percent(misplacedObjects, h.totalCopies)})`;
    checks.OBJECT_MISPLACED = { severity: 'HEALTH_WARN', summary: { message, count: 1 }, detail: [], muted: false };
  }

  Object.assign(
    checks,
    h.fullness,
    h.daemonChecks,
    h.fsChecks,
    h.monChecks,
    h.pgCountChecks,
    h.osdChecks,
    h.scrubChecks,
    h.mgrChecks,
    h.pgFull,
  );
  const sorted = Object.fromEntries(
    Object.keys(checks)
      .sort()
      .map((k) => [k, checks[k]!]),
  );
  const severities = Object.values(sorted).map((c) => c.severity);
  const status = severities.includes('HEALTH_ERR')
    ? 'HEALTH_ERR'
    : severities.length === 0
      ? 'HEALTH_OK'
      : 'HEALTH_WARN';
  return { checks: sorted, mutes: [], status };
}

/** The cluster log lines the monitors write when the checks change, in Ceph's words. */
export function healthChangeLog(prev: HealthMap, next: HealthMap): Array<[ClogPriority, string]> {
  const out: Array<[ClogPriority, string]> = [];
  for (const [code, c] of Object.entries(next.checks)) {
    const was = prev.checks[code];
    const priority = c.severity === 'HEALTH_ERR' ? '[ERR]' : '[WRN]';
    if (was === undefined) out.push([priority, `Health check failed: ${c.summary.message} (${code})`]);
    else if (was.summary.message !== c.summary.message) {
      out.push([priority, `Health check update: ${c.summary.message} (${code})`]);
    }
  }
  for (const [code, c] of Object.entries(prev.checks)) {
    if (next.checks[code] === undefined) {
      out.push(['[INF]', `Health check cleared: ${code} (was: ${c.summary.message})`]);
    }
  }
  if (Object.keys(next.checks).length === 0 && Object.keys(prev.checks).length > 0) {
    out.push(['[INF]', 'Cluster is now healthy']);
  }
  return out;
}
