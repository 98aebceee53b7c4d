import type { OsdStat, PingTimesEntry } from '../../schemas/daemon/pg-stats.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { DaemonHealth } from './daemon-health.ts';
import type { OsdCounters } from './osd-daemon.ts';
import type { OsdMapDoc } from './osd-map-doc.ts';
import type { OsdPerfReports } from './osd-perf-reports.ts';
import { buildPrimaryIndex, computePeers, computeUsage, type OsdUsage, type PrimaryIndex } from './osd-pg-index.ts';
import { osdPoolStatfs } from './osd-pool-statfs.ts';
import { BLUESTORE_OVERHEAD_BYTES, osdStatOf } from './osd-stat.ts';
import type { PgEngine } from './pg-engine.ts';
import { pgStatOf } from './pg-stat.ts';
import type { PoolPgs } from './pg-table.ts';
import type { Topology } from './topology.ts';

/** What an OSD adds to its `osd_stat` beyond its space and PGs: its store's alerts and heartbeat times. */
export interface OsdStatExtras {
  alerts(o: number, t: number): string[];
  pingTimes(o: number, peers: readonly number[], t: number): PingTimesEntry[] | undefined;
}

/**
 * What each OSD sends the manager every stats period: a `pg_stats` with the PGs it is acting primary for and its own
 * `osd_stat`, and a `daemon_report` of its perf counters. An OSD sends all its PGs in its first report after it
 * comes up, and after that the PGs whose stats changed since it last sent them, unless `alwaysFull` (Ceph's OSDs
 * resend every PG every period; by default the trace keeps what changed, and the manager's view is the same). The per-OSD figures that need a pass
 * over every PG (usage, heartbeat peers, primaries) are computed once and kept until what they depend on changes.
 */
export class OsdReporter {
  private primary: PrimaryIndex | null = null;
  private primaryVersion = -1;
  private cachedUsage: OsdUsage | null = null;
  private peers: Int32Array[] | null = null;
  /** Reports sent since each OSD came up (the low half of `osd_stat.seq`). */
  private readonly reports: Float64Array;
  private readonly fullReport: Uint8Array;

  constructor(
    private readonly topo: Topology,
    private readonly doc: OsdMapDoc,
    private readonly pools: ReadonlyMap<number, PoolPgs>,
    private readonly engine: PgEngine,
    private readonly counters: OsdCounters,
    private readonly alwaysFull: boolean,
    private readonly health: DaemonHealth,
    private readonly perf: OsdPerfReports,
    private readonly extras?: OsdStatExtras,
  ) {
    this.reports = new Float64Array(topo.capacity);
    this.fullReport = new Uint8Array(topo.capacity).fill(1);
  }

  /** CRUSH placement changed somewhere: heartbeat peers are to be worked out again. */
  placementChanged(): void {
    this.peers = null;
  }

  /** PG data changed (client IO, pools created or removed): usage is to be summed again. */
  dataChanged(): void {
    this.cachedUsage = null;
  }

  /** An OSD came up: its report count starts over and its next report carries all its PGs. */
  booted(o: number): void {
    this.reports[o] = 0;
    this.fullReport[o] = 1;
  }

  /** What each OSD holds, summed over every PG's acting set (kept until data changes). */
  usage(): OsdUsage {
    this.cachedUsage ??= computeUsage(this.topo.osds, [...this.pools.values()]);
    return this.cachedUsage;
  }

  /** OSD `o`'s `osd_stat` as it would send it now; at `t`, a report: its alerts and ping times as it sends them. */
  osdStat(o: number, t?: number): OsdStat {
    const usage = this.usage();
    this.peers ??= computePeers(this.topo.osds, [...this.pools.values()]);
    const ops = this.counters.opW[o]!;
    const hbPeers = Array.from(this.peers[o] ?? []);
    const report = t !== undefined && this.extras !== undefined;
    return osdStatOf({
      osd: o,
      upFrom: this.doc.upFrom[o]!,
      reports: this.reports[o]!,
      numPgs: usage.numPgs[o]!,
      totalBytes: this.topo.osdBytes[o]!,
      dataBytes: usage.dataBytes[o]!,
      hbPeers,
      commitLatencyMs: ops > 0 ? Math.round(this.counters.wLatNs[o]! / ops / 1e6) : 0,
      alerts: report ? this.extras!.alerts(o, t!) : [],
      pingTimes: report ? this.extras!.pingTimes(o, hbPeers, t!) : undefined,
      shardsRepaired: this.counters.shardsRepaired[o]!,
    });
  }

  /** OSD `o`'s `pg_stats` at `t`; the PGs it carries count as reported. */
  pgStats(o: number, t: number): ClusterEvent {
    if (this.primary === null || this.primaryVersion !== this.engine.actingVersion) {
      this.primary = buildPrimaryIndex(this.topo.osds, [...this.pools.values()]);
      this.primaryVersion = this.engine.actingVersion;
    }
    const idx = this.primary;
    const full = this.alwaysFull || this.fullReport[o] === 1;
    this.fullReport[o] = 0;
    const epoch = this.doc.epoch;
    const stats = [];
    for (let i = idx.start[o]!; i < idx.start[o + 1]!; i++) {
      const pool = this.pools.get(idx.pool[i]!)!;
      const ps = idx.ps[i]!;
      const c = pool.cols;
      if (!full && c.dirty[ps] === 0) continue;
      c.dirty[ps] = 0;
      c.reportedSeq[ps]!++;
      stats.push(pgStatOf(pool, ps, t, epoch));
    }
    this.reports[o]!++;
    const osd_stat = this.osdStat(o, t);
    const pool_statfs = osdPoolStatfs(this.usage(), o);
    return { v: 1, t, kind: 'pg_stats', reporter: `osd.${o}`, epoch, pg_stats: stats, osd_stat, pool_statfs };
  }

  /** OSD `o`'s perf counters and health metrics at `t`. */
  daemonReport(o: number, t: number): ClusterEvent {
    const usage = this.usage();
    const total = this.topo.osdBytes[o]!;
    const used = Math.min(total, Math.round(usage.dataBytes[o]!) + BLUESTORE_OVERHEAD_BYTES);
    const osdPerf = this.perf.report(o);
    return {
      v: 1,
      t,
      kind: 'daemon_report',
      daemon: `osd.${o}`,
      counters: this.counters.report(o, usage.numPgs[o]!, 0, total, used, BLUESTORE_OVERHEAD_BYTES),
      health_metrics: this.health.osd(o),
      ...(osdPerf === undefined ? {} : { osd_perf_metric_reports: osdPerf }),
    };
  }
}
