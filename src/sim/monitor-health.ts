import type { HealthCheck, HealthMap } from '../../schemas/maps/health.ts';
import type { ClogPriority } from './cluster-log.ts';
import { warnedFlags } from './osd-flags.ts';
import type { OsdMapDoc } from './osd-map-doc.ts';
import { PG, pgStateString } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';
import { timespanStr } from './timespan-str.ts';
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
  /** When the checks are made (ms): a PG inactive, peering or undersized counts once stuck so since then. */
  readonly now: number;
  /** `mon_pg_stuck_threshold` (seconds, 60 by default). */
  readonly stuckThresholdS: number;
}

/**
 * How `PGMap::get_health_checks` reports a PG state: under which check, at once or only once the PG has been stuck
 * in it past `mon_pg_stuck_threshold` (since the stamp given), and with which name ("inactive" is the ACTIVE bit's
 * absence). In Ceph's order, by state bit: the summary counts and each PG's detail line follow it.
 */
interface PgStateResponse {
  readonly bit: number;
  readonly check: 'PG_AVAILABILITY' | 'PG_DEGRADED';
  readonly name: string;
  readonly invert?: true;
  readonly stuckSince?: (pool: PoolPgs, ps: number) => number;
}

const lastActive = (pool: PoolPgs, ps: number) => pool.cols.lastActive[ps]!;
const PG_STATE_RESPONSES: readonly PgStateResponse[] = [
  { bit: PG.ACTIVE, check: 'PG_AVAILABILITY', name: 'inactive', invert: true, stuckSince: lastActive },
  { bit: PG.DOWN, check: 'PG_AVAILABILITY', name: 'down' },
  { bit: PG.DEGRADED, check: 'PG_DEGRADED', name: 'degraded' },
  // `last_peered`: for a PG that is neither active nor peered, when it last was active.
  { bit: PG.PEERING, check: 'PG_AVAILABILITY', name: 'peering', stuckSince: lastActive },
  {
    bit: PG.UNDERSIZED,
    check: 'PG_DEGRADED',
    name: 'undersized',
    stuckSince: (pool, ps) => pool.cols.lastFullsized[ps]!,
  },
];

interface PgCauses {
  /** PGs counted per state name, in the order of {@link PG_STATE_RESPONSES}. */
  readonly states: Map<string, number>;
  readonly pgs: Set<string>;
  /** Each PG's detail line (the last state that matched it), at most `mon_health_max_detail` + 1 of them. */
  readonly lines: Map<string, { pool: number; ps: number; line: string }>;
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

  const causes = new Map<PgStateResponse['check'], PgCauses>();
  const cutoff = h.now - h.stuckThresholdS * 1000;
  let degradedObjects = 0;
  let misplacedObjects = 0;
  for (const { pool, ps } of h.unclean) {
    const bits = pool.cols.state[ps]!;
    degradedObjects += pool.cols.degraded[ps]!;
    misplacedObjects += pool.cols.misplaced[ps]!;
    for (const r of PG_STATE_RESPONSES) {
      if (((bits & r.bit) !== 0) === (r.invert === true)) continue;
      const since = r.stuckSince?.(pool, ps);
      if (since !== undefined && since >= cutoff) continue;
      let c = causes.get(r.check);
      if (c === undefined) {
        c = { states: new Map(PG_STATE_RESPONSES.map((x) => [x.name, 0])), pgs: new Set(), lines: new Map() };
        causes.set(r.check, c);
      }
      const pgid = pool.pgid(ps);
      c.states.set(r.name, c.states.get(r.name)! + 1);
      c.pgs.add(pgid);
      if (c.lines.size > MAX_DETAIL) continue;
      const acting = pool.list('acting', ps).join(',');
      const state = pgStateString(bits);
      const unfound = pool.cols.unfound[ps]!;
      const line =
        since === undefined
          ? `pg ${pgid} is ${state}, acting [${acting}]${unfound > 0 ? `, ${unfound} unfound` : ''}`
          : `pg ${pgid} is stuck ${r.name} ${since === 0 ? 'since forever' : `for ${timespanStr(h.now - since)}`}, current state ${state}, last acting [${acting}]`;
      c.lines.set(pgid, { pool: pool.id, ps, line });
    }
  }
  for (const [code, c] of causes) {
    const parts = [...c.states].filter(([, n]) => n > 0).map(([name, n]) => `${plural(n, 'pg')} ${name}`);
    if (code === 'PG_DEGRADED' && degradedObjects > 0) {
      parts.unshift(
        `${degradedObjects}/${h.totalCopies} objects degraded (${percent(degradedObjects, h.totalCopies)})`,
      );
    }
    const summary = code === 'PG_AVAILABILITY' ? 'Reduced data availability' : 'Degraded data redundancy';
    const lines = [...c.lines.values()].sort((a, b) => a.pool - b.pool || a.ps - b.ps).map((x) => x.line);
    checks[code] = check(`${summary}: ${parts.join(', ')}`, c.pgs.size, lines);
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
