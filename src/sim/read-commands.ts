import type { OsdStat } from '../../schemas/daemon/pg-stats.ts';
import type { CrushMap, HealthMap, MgrMap, MonMap, OsdMap } from '../../schemas/maps/index.ts';
import type { MonStatus } from '../../schemas/maps/mon-status.ts';
import { cephStamp } from '../cluster/ceph-time.ts';
import type { OsdUsage } from './osd-pg-index.ts';
import { osdPoolStatfs } from './osd-pool-statfs.ts';
import { pgStatOf } from './pg-stat.ts';
import { PG, pgStateString } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';
import type { MonCommand } from './scenario.ts';

/** What the read-only commands read. */
export interface ReadContext {
  readonly now: number;
  readonly fsid: string;
  readonly osdMap: () => Readonly<OsdMap>;
  readonly crush: CrushMap;
  readonly health: HealthMap;
  /** The mon map with the current quorum, as `mon dump` prints it. */
  readonly monMap: MonMap;
  /** The leader's `mon_status`. */
  readonly monStatus: () => MonStatus;
  readonly mgrMap: MgrMap;
  readonly pools: readonly PoolPgs[];
  readonly usage: () => OsdUsage;
  readonly osdStat: (osd: number) => OsdStat;
  readonly settings: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

function pgDump(ctx: ReadContext) {
  const map = ctx.osdMap();
  const pgStats = ctx.pools.flatMap((p) =>
    Array.from({ length: p.pgNum }, (_, ps) => pgStatOf(p, ps, ctx.now, map.epoch)),
  );
  return {
    pg_ready: true,
    pg_map: {
      version: map.epoch,
      stamp: cephStamp(ctx.now),
      last_osdmap_epoch: 0,
      last_pg_scan: 0,
      pg_stats: pgStats,
      osd_stats: map.osds.filter((o) => o.in === 1).map((o) => ctx.osdStat(o.osd)),
      pool_statfs: map.osds.filter((o) => o.in === 1).flatMap((o) => osdPoolStatfs(ctx.usage(), o.osd)),
    },
  };
}

function stateCounts(pools: readonly PoolPgs[]): Array<{ state_name: string; count: number }> {
  const counts = new Map<number, number>();
  for (const p of pools)
    for (let ps = 0; ps < p.pgNum; ps++) counts.set(p.cols.state[ps]!, (counts.get(p.cols.state[ps]!) ?? 0) + 1);
  return [...counts]
    .map(([bits, count]) => ({ state_name: pgStateString(bits), count }))
    .sort((a, b) => b.count - a.count || (a.state_name < b.state_name ? -1 : 1));
}

/** Health as `ceph health` and `ceph status` print it: each check's summary, without the detail lines. */
function summaryHealth(h: HealthMap) {
  const checks = Object.fromEntries(
    Object.entries(h.checks).map(([k, c]) => [
      k,
      { severity: c.severity, summary: c.summary, muted: c.muted ?? false },
    ]),
  );
  return { status: h.status, checks, mutes: h.mutes ?? [] };
}

function status(ctx: ReadContext) {
  const map = ctx.osdMap();
  const usage = ctx.usage();
  let degraded = 0;
  let misplaced = 0;
  let remapped = 0;
  for (const p of ctx.pools) {
    for (let ps = 0; ps < p.pgNum; ps++) {
      degraded += p.cols.degraded[ps]!;
      misplaced += p.cols.misplaced[ps]!;
      if ((p.cols.state[ps]! & PG.REMAPPED) !== 0) remapped++;
    }
  }
  const total = map.osds.reduce((s, o) => s + (o.in === 1 ? 1 : 0), 0);
  const bytesTotal = ctx.pools.length === 0 ? 0 : usage.totalBytes;
  return {
    fsid: ctx.fsid,
    health: summaryHealth(ctx.health),
    election_epoch: ctx.monStatus().election_epoch,
    quorum: ctx.monMap.quorum,
    quorum_names: (ctx.monMap.quorum ?? []).map((r) => ctx.monMap.mons[r]?.name ?? String(r)),
    monmap: { epoch: ctx.monMap.epoch, min_mon_release_name: 'pacific', num_mons: ctx.monMap.mons.length },
    osdmap: {
      epoch: map.epoch,
      num_osds: map.osds.length,
      num_up_osds: map.osds.filter((o) => o.up === 1).length,
      num_in_osds: total,
      num_remapped_pgs: remapped,
    },
    pgmap: {
      pgs_by_state: stateCounts(ctx.pools),
      num_pgs: ctx.pools.reduce((s, p) => s + p.pgNum, 0),
      num_pools: ctx.pools.length,
      num_objects: usage.totalObjects,
      data_bytes: bytesTotal,
      degraded_objects: degraded,
      degraded_total: usage.totalCopies,
      misplaced_objects: misplaced,
      misplaced_total: usage.totalCopies,
    },
    mgrmap: {
      available: ctx.mgrMap.available,
      num_standbys: ctx.mgrMap.standbys.length,
      modules: ctx.mgrMap.modules,
      services: ctx.mgrMap.services,
    },
  };
}

/**
 * The read-only mon commands the simulator answers, each with the JSON `ceph <command> -f json` prints: `osd dump`,
 * `osd crush dump`, `osd pool ls`, `pg dump`, `health`, `health detail`, `status`, `mon dump`, `mon_status`,
 * `quorum_status`, `mgr dump`,
 * `config get`, `config dump`. Undefined for anything else.
 */
export function readCommand(ctx: ReadContext, cmd: MonCommand): unknown {
  switch (cmd.prefix) {
    case 'osd dump':
      return ctx.osdMap();
    case 'osd crush dump':
      return ctx.crush;
    case 'osd pool ls':
    case 'osd lspools':
      return ctx.pools.map((p) => (cmd.prefix === 'osd lspools' ? { poolnum: p.id, poolname: p.name } : p.name));
    case 'pg dump':
      return pgDump(ctx);
    case 'health':
      return summaryHealth(ctx.health);
    case 'health detail':
      return ctx.health;
    case 'status':
      return status(ctx);
    case 'mon dump':
      return ctx.monMap;
    case 'mon_status':
      return ctx.monStatus();
    case 'quorum_status': {
      const st = ctx.monStatus();
      return {
        election_epoch: st.election_epoch,
        quorum: st.quorum,
        quorum_names: st.quorum.map((r) => ctx.monMap.mons[r]?.name ?? String(r)),
        quorum_leader_name: st.name,
        quorum_age: st.quorum_age,
        features: st.features,
        monmap: st.monmap,
      };
    }
    case 'mgr dump':
      return ctx.mgrMap;
    case 'config get': {
      const who = String(cmd.who ?? '');
      const key = String(cmd.key ?? '');
      return ctx.settings.get(who)?.get(key) ?? '';
    }
    case 'config dump':
      return [...ctx.settings].flatMap(([section, m]) =>
        [...m].map(([name, value]) => ({
          section,
          name,
          value,
          level: 'advanced',
          can_update_at_runtime: true,
          mask: '',
        })),
      );
    default:
      return undefined;
  }
}
