// Over 400 lines: one class, and its command target (runCommand) reaches most of its private state.
import type { ClusterEvent } from '../../schemas/event.ts';
import type { CrushMap, HealthCheck, HealthMap, MgrMap, MonMap } from '../../schemas/maps/index.ts';
import { BlueStoreAlerts } from './bluestore-alerts.ts';
import { writeBulk } from './client-io.ts';
import { type ClogPriority, ClusterLog } from './cluster-log.ts';
import { configNumber } from './config-value.ts';
import { buildCrushMap } from './crush-map.ts';
import { DaemonHealth } from './daemon-health.ts';
import { FS_WRITE_PREFIXES, type FsCommandTarget, runFsCommand } from './fs-commands.ts';
import { fsHealthChecks } from './fs-health.ts';
import { FsMapDoc } from './fs-map-doc.ts';
import { FullnessMonitor } from './fullness-monitor.ts';
import { HeartbeatPings } from './heartbeat-pings.ts';
import { type HostAgentTarget, runHostAgentCommand } from './host-agent-commands.ts';
import { MdsDaemons } from './mds-daemons.ts';
import { MGR_MODULE_WRITE_PREFIXES, runMgrModuleCommand } from './mgr-module-commands.ts';
import { MgrModules } from './mgr-modules.ts';
import { type CommandResult, type MonCommandTarget, runMonCommand, WRITE_PREFIXES } from './mon-commands.ts';
import { monOpenEvents, monReport } from './mon-daemon.ts';
import { MonDataDisks } from './mon-disk.ts';
import { MonQuorum } from './mon-quorum.ts';
import { MonTimecheck } from './mon-timecheck.ts';
import { evaluateHealth, healthChangeLog } from './monitor-health.ts';
import { OSD_PERF_SCHEMA, OsdCounters, osdMetadata } from './osd-daemon.ts';
import { flagsOfKey, type SettableFlag } from './osd-flags.ts';
import { OsdMapDoc } from './osd-map-doc.ts';
import { OsdMarkdownLog } from './osd-markdown-log.ts';
import { OsdPerfReports } from './osd-perf-reports.ts';
import { OsdReporter } from './osd-reporter.ts';
import { PgEngine, type PgTiming } from './pg-engine.ts';
import { pgFullChecks } from './pg-full-health.ts';
import { pgKey } from './pg-key.ts';
import { checkPgNum, pgsPerOsd, tooManyPgsChecks } from './pg-limit.ts';
import { type PgRef, PgScrubber, type ScrubPoolOption } from './pg-scrubber.ts';
import { PoolPgs } from './pg-table.ts';
import { createdPoolKind, type PoolKind, poolKind } from './pool-catalog.ts';
import type { PoolSpec } from './pool-entry.ts';
import { fillPool } from './pool-fill.ts';
import { initialRbdImages } from './rbd-images.ts';
import { readCommand } from './read-commands.ts';
import { RgwDaemons } from './rgw-daemons.ts';
import { hash32 } from './rng.ts';
import type { MonCommand } from './scenario.ts';
import { runScrubCommand, type ScrubCommandTarget } from './scrub-commands.ts';
import { ScrubHealth } from './scrub-health.ts';
import { buildMgrMap, buildMonMap, MGR_NAME, monAddrs } from './service-maps.ts';
import type { SimConfig } from './sim-options.ts';
import { addOsd, crushLocation, driveOfOsd, type Topology } from './topology.ts';
import { uuidOf } from './uuid-of.ts';

/** How full the cluster starts, as a share of raw capacity. */
const INITIAL_FILL = 0.3;

/** `mon_osd_min_in_ratio`: the monitors mark no more OSDs out once fewer than this share of them would be in. */
const MIN_IN_RATIO = 0.75;

/** How long an OSD marked down while running takes to notice and boot again, in ms. */
const REBOOT_MS = 5000;

/** Runs `run` at stream time `at` (the simulation's scheduler). */
export type Schedule = (at: number, run: (now: number) => void) => void;

/**
 * The cluster as its monitors keep it: the OSD map and its epochs, pools and their PGs' peering, OSD failures and
 * boots as the monitors see them, mon commands, the central config, health and the cluster log. Whatever it
 * changes it writes down as events (maps as JSON Patches, health, clog lines, daemon sessions), taken by the
 * simulation's clock with {@link take}.
 */
export class ClusterModel {
  readonly doc: OsdMapDoc;
  readonly pools = new Map<number, PoolPgs>();
  /**
   * The pools the simulated clients write to: those the cluster started with and its own file system's. A pool
   * made later (`osd pool create`, a module's) has no such clients: it holds what is written to it through RADOS.
   */
  readonly clientPools = new Set<number>();
  readonly engine: PgEngine;
  readonly reporter: OsdReporter;
  readonly counters: OsdCounters;
  /** What the daemons report of their health (slow ops). */
  readonly daemonHealth = new DaemonHealth();
  /** The OSDs' counts for the manager's OSD perf queries (none until it registers any). */
  readonly osdPerf: OsdPerfReports;
  /** How full the OSDs and pools are, and the steps that fill them. */
  readonly fullness: FullnessMonitor;
  /** The OSDs' heartbeat times to their peers, and the hosts' network delays. */
  readonly pings: HeartbeatPings;
  /** What each OSD's BlueStore finds wrong with its device. */
  readonly bluestore: BlueStoreAlerts;
  /** The OSDs' scrubs, and the damage they find. */
  readonly scrubber: PgScrubber;
  private readonly scrubHealth: ScrubHealth;
  /** The manager's crash, devicehealth and cephadm modules, as far as their health checks go. */
  readonly mgrModules: MgrModules;
  private readonly fsid: string;
  private readonly createdMs: number;
  private crush: CrushMap;
  /** Set when the CRUSH map changed: the next OSD map epoch carries it whole. */
  private crushDue = false;
  private readonly monMap: MonMap;
  private readonly mons: MonQuorum;
  /** The monitors' data disks (`MON_DISK_LOW`) and the leader's time checks (`MON_CLOCK_SKEW`). */
  private readonly monDisks: MonDataDisks;
  private readonly timecheck: MonTimecheck;
  private readonly mgrMap: MgrMap;
  private readonly log: ClusterLog;
  private health: HealthMap;
  private healthKey: string;
  /** Set by changes the monitors re-check health for at once (OSD up/down/in/out, flags, pools). */
  private healthDue = false;
  private pgTempVersion = 0;
  /** Whether each OSD's process runs (it may be down in the map while it does, or up while it does not). */
  private readonly alive: Uint8Array;
  private readonly nonceNext: Int32Array;
  private readonly downSince: Float64Array;
  private readonly down = new Set<number>();
  /** When OSDs that kept running were marked down (`osd_max_markdown_count` in `osd_max_markdown_period`). */
  private readonly markdowns = new OsdMarkdownLog();
  /** When OSDs created while the cluster runs were made (their metadata's `created_at`). */
  private readonly createdAt = new Map<number, number>();
  private readonly settings = new Map<string, Map<string, string>>();
  /** The file systems: none until one is created (`fs volume create`, or the `fs` option at the start). */
  private readonly fsMap = new FsMapDoc();
  /** The MDS daemons and the RGW daemons, when the options ask for them. */
  private readonly mds: MdsDaemons | undefined;
  private readonly rgw: RgwDaemons | undefined;
  private out: ClusterEvent[] = [];

  constructor(
    readonly config: SimConfig,
    readonly topo: Topology,
    private readonly startMs: number,
    private readonly periodMs: number,
    private readonly schedule: Schedule,
  ) {
    const n = topo.osds;
    this.fsid = uuidOf(config.seed, 0xf51d);
    this.createdMs = startMs - 30 * 86_400_000 - (hash32(config.seed, 0xc7) % 86_400_000);
    const epoch = Math.min(100_000, 20 + 3 * n);
    const specs: PoolSpec[] = config.pgNums.map((pgNum, i) => ({
      id: i + 1,
      name: poolKind(i).name,
      size: config.poolSize,
      minSize: config.poolMinSize,
      pgNum,
      application: poolKind(i).application,
      epoch: 10 + i,
      createdMs: this.createdMs + 600_000 + i * 60_000,
    }));
    this.doc = new OsdMapDoc({
      topo,
      fsid: this.fsid,
      seed: config.seed,
      epoch,
      createdMs: this.createdMs,
      nowMs: startMs,
      pools: specs,
    });
    this.crush = buildCrushMap(topo);
    this.monMap = buildMonMap(topo, this.fsid, this.createdMs, config.mons);
    this.mons = new MonQuorum(this.monMap, startMs);
    const monNames = this.monMap.mons.map((m) => m.name);
    this.monDisks = new MonDataDisks(monNames, config.seed);
    this.timecheck = new MonTimecheck(
      monNames,
      config.seed,
      {
        quorum: () => this.mons.quorum,
        option: (name) => configNumber(this.settings, 'mon', name),
        schedule,
        clog: (now, priority, message) => this.clog(now, priority, message),
        changed: () => this.recheckHealth(),
      },
      startMs - 3_600_000,
      startMs,
    );
    this.mgrMap = buildMgrMap(topo, startMs - 3_600_000, epoch, 1000 + (hash32(config.seed, 0x3a) % 9000));
    this.log = new ClusterLog(monAddrs(topo, 0), 1000 + (hash32(config.seed, 0xc109) % 100_000));
    this.counters = new OsdCounters(topo.capacity);
    this.alive = new Uint8Array(topo.capacity).fill(1, 0, n);
    this.nonceNext = new Int32Array(topo.capacity);
    this.downSince = new Float64Array(topo.capacity);
    // Recovery is paced to the duration so that the scenario's steps each play out before the next.
    const slot = Math.max(config.duration * 1000 * 0.08, 2 * periodMs);
    const timing: PgTiming = { peerMs: [1000, 3000], waitMs: [0, slot * 0.25], workMs: [slot * 0.2, slot * 0.7] };
    this.engine = new PgEngine(topo, this.doc, config.seed, timing, this.counters);
    this.pings = new HeartbeatPings(topo, config.seed, startMs);
    this.bluestore = new BlueStoreAlerts((o) => topo.osdBytes[o]!);
    this.osdPerf = new OsdPerfReports(initialRbdImages(config.seed, config.pgNums.length, n));
    this.reporter = new OsdReporter(
      topo,
      this.doc,
      this.pools,
      this.engine,
      this.counters,
      config.fullStats,
      this.daemonHealth,
      this.osdPerf,
      {
        alerts: (o, t) =>
          this.bluestore.report(o, t, this.osdSetting(o, 'bluestore_warn_on_spurious_read_errors') !== 'false'),
        // An OSD stops pinging a peer the map has down.
        pingTimes: (o, peers, t) =>
          this.pings.report(
            o,
            peers.filter((p) => this.doc.up[p] === 1),
            t,
          ),
      },
    );
    for (const spec of specs) this.addPool(spec, poolKind(spec.id - 1), false, epoch);
    this.scrubber = new PgScrubber({
      doc: this.doc,
      pools: this.pools,
      engine: this.engine,
      counters: this.counters,
      seed: config.seed,
      durationS: config.duration,
      recheckHealth: () => this.recheckHealth(),
    });
    this.scrubHealth = new ScrubHealth(this.scrubber, this.pools, this.counters.shardsRepaired);
    this.fullness = new FullnessMonitor({
      topo,
      doc: this.doc,
      pools: this.pools,
      reporter: this.reporter,
      reporting: (o) => this.reporting(o),
      clog: (now, priority, message) => this.clog(now, priority, message),
      monSetting: (name) => this.settings.get('mon')?.get(name),
      write: (pool, ps, bytes) =>
        writeBulk(pool, ps, bytes, this.doc.epoch, {
          engine: this.engine,
          counters: this.counters,
          perf: this.osdPerf.active ? this.osdPerf : undefined,
        }),
    });
    // The clients of a cluster of this size: a mount per 8 OSDs or so, each busy with metadata and objects.
    const clients = Math.min(64, Math.max(2, Math.round(n / 8)));
    this.mds = config.mds ? this.createMds(config.mds, clients) : undefined;
    this.rgw = config.rgw
      ? new RgwDaemons(config.rgw, topo, config.seed, startMs, Math.min(1500, 60 + 10 * clients), config.rgwZones)
      : undefined;
    // Ceph ships with pool deletion off; the scenario deletes a pool, so this cluster was set up to allow it.
    this.settings.set('mon', new Map([['mon_allow_pool_delete', 'true']]));
    this.mgrModules = new MgrModules({
      topo,
      seed: config.seed,
      startMs,
      schedule,
      setting: (who, name) => this.settings.get(who)?.get(name),
      isIn: (o) => this.doc.in[o] === 1,
      numPgs: (o) => this.reporter.usage().numPgs[o] ?? 0,
      command: (cmd, now, entity) => this.runCommand(cmd, now, entity),
      running: (o) => this.running(o),
      stopOsd: (o, now) => this.failOsd(o, now),
      startOsd: (o, now) => this.bootOsd(o, now),
      recheckHealth: () => this.recheckHealth(),
    });
    this.health = this.evaluateHealth();
    this.healthKey = JSON.stringify(this.health);
  }

  /** OSD `o`'s value of a config option set in the monitors' config (`osd.<id>`, then `osd`, then `global`). */
  private osdSetting(o: number, name: string): string | undefined {
    return (
      this.settings.get(`osd.${o}`)?.get(name) ??
      this.settings.get('osd')?.get(name) ??
      this.settings.get('global')?.get(name)
    );
  }

  /** Whether OSD `o` sends reports: its process runs and the map has it up. */
  reporting(o: number): boolean {
    return this.alive[o] === 1 && this.doc.up[o] === 1;
  }

  /** The events written down since the last call. */
  take(): ClusterEvent[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private emit(e: ClusterEvent): void {
    this.out.push(e);
  }

  private clog(now: number, priority: ClogPriority, message: string): void {
    this.emit({ v: 1, t: now, kind: 'clog', entry: this.log.cluster(now, priority, message) });
  }

  /** What a manager learns first: the maps as they are, the health, the config, and every OSD's session. */
  emitInitial(now: number): void {
    this.emit({ v: 1, t: now, kind: 'mon_map', epoch: this.monMap.epoch, map: structuredClone(this.monMap) });
    this.emit({ v: 1, t: now, kind: 'mgr_map', epoch: this.mgrMap.epoch, map: structuredClone(this.mgrMap) });
    this.emit({
      v: 1,
      t: now,
      kind: 'osd_map',
      epoch: this.doc.epoch,
      map: this.doc.snapshot(),
      crush: structuredClone(this.crush),
    });
    this.emit({ v: 1, t: now, kind: 'health', map: structuredClone(this.health) });
    const changes = [...this.settings].flatMap(([who, m]) => [...m].map(([name, value]) => ({ who, name, value })));
    this.emit({ v: 1, t: now, kind: 'config', changes });
    for (let o = 0; o < this.topo.osds; o++) this.emitDaemonOpen(o, now);
    for (const e of monOpenEvents(this.topo, this.monMap, now)) this.emit(e);
    this.mds?.startAll(now);
    for (const e of this.rgw?.openEvents(now) ?? []) this.emit(e);
  }

  private createMds(count: number, clients: number): MdsDaemons {
    // A failed rank's new holder replays the journal, waits for the clients to reconnect (up to
    // mds_reconnect_timeout, 45 s) and rejoins the cache: paced to the duration, as recovery is.
    const d = this.config.duration * 1000;
    const stage = (share: number, max: number) => Math.min(max, Math.max(1000, Math.round(d * share)));
    return new MdsDaemons(
      count,
      this.topo,
      this.config.seed,
      { creating: 1000, replay: stage(0.03, 60_000), reconnect: stage(0.02, 45_000), rejoin: stage(0.01, 20_000) },
      { clients, requestsPerSec: Math.min(3000, 50 + 40 * clients) },
      {
        fsMap: this.fsMap,
        emit: (e) => this.emit(e),
        clog: (now, priority, message) => this.clog(now, priority, message),
        schedule: this.schedule,
        recheckHealth: () => this.recheckHealth(),
      },
    );
  }

  /** The reports of the MDS and RGW daemons that run, at `now` (none when the cluster has none). */
  serviceReports(now: number): ClusterEvent[] {
    if (this.mds === undefined && this.rgw === undefined) return [];
    return [...(this.mds?.reports(now, this.periodMs) ?? []), ...(this.rgw?.reports(now, this.periodMs) ?? [])];
  }

  /** Rank 0 of the first file system has damaged metadata (`damaged`) or not any more; false without MDS daemons. */
  setMdsDamaged(damaged: boolean): boolean {
    if (this.mds === undefined) return false;
    this.mds.setRank0Damaged(damaged);
    return true;
  }

  /**
   * MDS daemon `name` (`a`) stops (`run` false) or starts again: a rank it held fails and a standby takes it; started,
   * it joins as a standby, or takes a rank no standby could. False when the cluster has no such daemon.
   */
  setMdsRunning(name: string, run: boolean, now: number): boolean {
    if (this.mds === undefined || !this.mds.names().includes(name)) return false;
    if (run) this.mds.start(name, now);
    else this.mds.stop(name, now);
    return true;
  }

  /** The report of its counters and health metrics of each monitor that runs (a stopped one sends none), at `now`. */
  monReports(now: number): ClusterEvent[] {
    const mons = this.monMap.mons;
    const running = new Set(this.mons.quorum);
    return mons
      .filter((m) => running.has(m.rank))
      .map((m) => monReport(m.name, m.rank, mons.length, this.topo.osds, now - this.createdMs, now, this.daemonHealth));
  }

  /** Whether the cluster has daemon `name` (`osd.<id>`, `mon.<name>`). */
  hasDaemon(name: string): boolean {
    if (name.startsWith('osd.')) {
      const o = Number(name.slice(4));
      return Number.isInteger(o) && o >= 0 && o < this.topo.osds && String(o) === name.slice(4);
    }
    return name.startsWith('mon.') && this.monMap.mons.some((m) => `mon.${m.name}` === name);
  }

  /** Something the health checks depend on changed outside the maps: the monitors check health at the next tick. */
  recheckHealth(): void {
    this.healthDue = true;
  }

  private emitDaemonOpen(o: number, now: number): void {
    this.emit({
      v: 1,
      t: now,
      kind: 'daemon_open',
      daemon: `osd.${o}`,
      hostname: this.topo.hostNames[this.topo.osdHost[o]!]!,
      metadata: osdMetadata(
        this.topo,
        o,
        this.nonceNext[o] || this.doc.nonce[o]!,
        this.config.seed,
        this.createdAt.get(o) ?? this.createdMs,
      ),
      perf_schema: structuredClone(OSD_PERF_SCHEMA),
    });
  }

  /** Publishes the pending OSD map epoch, and the health when the map changed or on the stats period. */
  publish(now: number, periodic: boolean): void {
    if (periodic && this.fullness.update(now)) this.healthDue = true;
    if (this.engine.pgTempVersion !== this.pgTempVersion) {
      this.pgTempVersion = this.engine.pgTempVersion;
      const entries = [...this.engine.pgTemp]
        .sort((a, b) => a[0] - b[0])
        .map(([key, osds]) => ({ pgid: `${Math.floor(key / 0x100000)}.${(key % 0x100000).toString(16)}`, osds }));
      this.doc.setPgTemp(entries);
    }
    const committed = this.doc.commit(now);
    if (committed !== null) {
      const crush = this.crushDue ? { crush: structuredClone(this.crush) } : {};
      this.crushDue = false;
      this.emit({ v: 1, t: now, kind: 'osd_map', epoch: committed.epoch, patch: committed.patch, ...crush });
    }
    // After the OSD map: a file system's new pools are in the map by the time its fs_map arrives.
    this.mds?.tick(now);
    const fs = this.fsMap.commit();
    if (fs !== null) this.emit({ v: 1, t: now, kind: 'fs_map', epoch: fs.epoch, map: fs });
    if (!periodic && !this.healthDue) return;
    this.healthDue = false;
    const next = this.evaluateHealth(now);
    const key = JSON.stringify(next);
    if (key === this.healthKey) return;
    for (const [priority, message] of healthChangeLog(this.health, next)) this.clog(now, priority, message);
    this.health = next;
    this.healthKey = key;
    this.emit({ v: 1, t: now, kind: 'health', map: structuredClone(next) });
  }

  private evaluateHealth(now = this.startMs): HealthMap {
    return evaluateHealth({
      topo: this.topo,
      doc: this.doc,
      unclean: this.uncleanPgs(),
      now,
      stuckThresholdS: configNumber(this.settings, 'mon', 'mon_pg_stuck_threshold'),
      totalCopies: this.reporter.usage().totalCopies,
      monDown: this.mons.healthCheck(),
      // A stopped OSD sends no report: the manager drops its slow ops.
      daemonChecks: this.daemonHealth.checks(now, (d) => !d.startsWith('osd.') || this.reporting(Number(d.slice(4)))),
      fullness: this.fullness.checks(),
      // Only with MDS daemons: a file system without any (the fs option alone) keeps the health it had before them.
      fsChecks:
        this.mds === undefined ? undefined : { ...fsHealthChecks(this.fsMap.snapshot()), ...this.mds.healthChecks() },
      monChecks: {
        ...this.monDisks.checks(this.mons.quorum, {
          warn: configNumber(this.settings, 'mon', 'mon_data_avail_warn'),
          crit: configNumber(this.settings, 'mon', 'mon_data_avail_crit'),
        }),
        ...this.timecheck.healthChecks(),
      },
      pgCountChecks: tooManyPgsChecks(
        this.pools.values(),
        this.inCount(),
        configNumber(this.settings, 'mgr', 'mon_max_pg_per_osd'),
      ),
      osdChecks: this.osdChecks(now),
      scrubChecks: this.scrubHealth.checks(now, this.reporter.usage().totalObjects, this.topo.osds),
      mgrChecks: this.mgrModules.checks(now),
      pgFull: pgFullChecks(this.engine.activities.values()),
    });
  }

  /** What the monitors' PGMap makes of the OSDs' last reports: slow heartbeats, BlueStore's alerts. */
  private osdChecks(now: number): Record<string, HealthCheck> {
    for (let o = 0; o < this.topo.osds; o++) {
      if (this.doc.in[o] === 1) continue;
      this.pings.forget(o);
      this.bluestore.forget(o);
    }
    const rack = (o: number) =>
      this.topo.racks > 0 ? this.topo.rackNames[this.topo.hostRack[this.topo.osdHost[o]!]!]! : '';
    return { ...this.pings.checks(now, (o) => this.doc.up[o] === 0, rack), ...this.bluestore.checks() };
  }

  /** The PGs that are not active+clean: those peering or recovering, and those with unfound objects. */
  private uncleanPgs(): Iterable<PgRef> {
    const extra = this.scrubber.unclean();
    if (extra.length === 0) return this.engine.activities.values();
    const seen = new Map<number, PgRef>(this.engine.activities);
    for (const r of extra) if (!seen.has(pgKey(r.pool.id, r.ps))) seen.set(pgKey(r.pool.id, r.ps), r);
    return seen.values();
  }

  // ---- fullness ----

  /** File system `name` is the cluster's own from its start: its clients write to its pools as to the others. */
  serveFsClients(name: string): void {
    const fs = this.fsMap.get(name);
    if (fs === undefined) return;
    for (const id of [fs.mdsmap.metadata_pool, ...fs.mdsmap.data_pools]) this.clientPools.add(id);
  }

  /** Sets a quota on pool `name` of `headroom` over what it holds, as an operator's `osd pool set-quota`. */
  setQuotaOver(name: string, headroom: number, now: number): void {
    const pool = [...this.pools.values()].find((p) => p.name === name);
    if (pool === undefined) return;
    const bytes = this.fullness.poolUses().get(pool.id)?.bytes ?? 0;
    const val = String(Math.ceil(bytes * (1 + headroom)));
    this.runCommand({ prefix: 'osd pool set-quota', pool: name, field: 'max_bytes', val }, now, 'client.admin');
  }

  // ---- monitors ----

  private inCount(): number {
    let n = 0;
    for (let o = 0; o < this.topo.osds; o++) n += this.doc.in[o]!;
    return n;
  }

  /** Monitor `rank`'s data disk has `percent` available (`null`: as usual again); the leader hears at its next tick. */
  setMonDiskAvail(rank: number, percent: number | null): void {
    if (this.monDisks.set(rank, percent)) this.healthDue = true;
  }

  /** Monitor `rank`'s clock drifts at `ppm` parts per million from now, or (`null`) is stepped back to true time. */
  setMonClockDrift(rank: number, ppm: number | null, now: number): void {
    this.timecheck.drift(rank, ppm, now);
  }

  /**
   * An operator sets `mon_max_pg_per_osd` (`config set global`) to `share` of the PGs per OSD in now, rounded down
   * to a multiple of 10 when that leaves one; `null`: removes it again (`config rm`).
   */
  setPgLimit(share: number | null, now: number): void {
    if (share === null) {
      this.runCommand({ prefix: 'config rm', who: 'global', name: 'mon_max_pg_per_osd' }, now, 'client.admin');
      return;
    }
    const want = Math.max(1, Math.floor(pgsPerOsd(this.pools.values(), this.inCount()) * share));
    const value = want >= 10 ? want - (want % 10) : want;
    this.runCommand(
      { prefix: 'config set', who: 'global', name: 'mon_max_pg_per_osd', value: String(value) },
      now,
      'client.admin',
    );
  }

  private upCount(): number {
    let up = 0;
    for (let o = 0; o < this.topo.osds; o++) up += this.doc.up[o]!;
    return up;
  }

  /**
   * Monitor `rank` stops (`run` false) or starts again: the others hold an election and the quorum changes, the
   * mon map does not; the health follows at once.
   */
  setMonRunning(rank: number, run: boolean, now: number): void {
    const lines = this.mons.set(rank, run, now);
    if (lines.length === 0) return;
    for (const line of lines) this.clog(now, '[INF]', line);
    this.timecheck.election(now);
    // Sent from the first change on only, so that a run without one gives the same events as before mon_status was
    // simulated.
    this.emit({ v: 1, t: now, kind: 'mon_status', map: this.mons.status(now, this.upCount()) });
    this.healthDue = true;
  }

  // ---- OSD lifecycle, as the monitors see it ----

  private remapAll(now: number): void {
    for (const p of this.pools.values()) this.engine.remap(p, now);
    this.reporter.placementChanged();
  }

  /** An OSD process dies: its peers report it, and the monitors mark it down (unless `nodown`). */
  failOsd(o: number, now: number): void {
    if (this.alive[o] === 0) return;
    this.alive[o] = 0;
    this.emit({ v: 1, t: now, kind: 'daemon_close', daemon: `osd.${o}` });
    if (this.doc.up[o] === 0 || this.doc.flags.has('nodown')) return;
    const by = (o + 1 + (hash32(this.config.seed, o, now) % Math.max(1, this.topo.osds - 1))) % this.topo.osds;
    this.clog(
      now,
      '[INF]',
      `osd.${o} failed (${crushLocation(this.topo, o)}) (connection refused reported by osd.${by})`,
    );
    this.markDownNow(o, now);
  }

  /**
   * OSD `o`, still running, stops answering its peers' heartbeats (a flaky link): past the heartbeat grace (20 s)
   * two of them on other hosts report it and the monitors mark it down (unless `nodown`). It sees it was wrongly
   * marked down, tells the monitors it is dead as of that epoch, and boots again once its own heartbeats are healthy,
   * `downMs` later; marked down more than `osd_max_markdown_count` times in `osd_max_markdown_period`, it shuts
   * down instead.
   */
  heartbeatFailOsd(o: number, downMs: number, now: number): void {
    if (this.alive[o] === 0 || this.doc.up[o] === 0 || this.doc.flags.has('nodown')) return;
    const h = hash32(this.config.seed, o, now);
    const failedFor = 20 + (h % 3_000_000) / 1_000_000;
    this.clog(
      now,
      '[INF]',
      `osd.${o} failed (${crushLocation(this.topo, o)}) (2 reporters from different host after ${failedFor.toFixed(6)} >= grace 20.000000)`,
    );
    const epoch = this.doc.next;
    this.markDownNow(o, now);
    this.schedule(now + 1000, (t) => {
      if (this.alive[o] === 1 && this.doc.up[o] === 0) {
        this.clog(t, '[INF]', `osd.${o} marked itself dead as of e${epoch}`);
      }
    });
    this.wronglyMarkedDown(o, now, downMs);
  }

  /**
   * A running OSD sees it was marked down: it boots again `bootMs` later or, marked down once too often in
   * `osd_max_markdown_period`, shuts down (`OSD::_committed_osd_maps`).
   */
  private wronglyMarkedDown(o: number, now: number, bootMs: number): void {
    if (!this.markdowns.note(o, now)) {
      this.schedule(now + bootMs, (t) => this.bootAgain(o, t));
      return;
    }
    this.schedule(now + 1000, (t) => {
      if (this.alive[o] === 0 || this.doc.up[o] === 1) return;
      this.alive[o] = 0;
      this.emit({ v: 1, t, kind: 'daemon_close', daemon: `osd.${o}` });
    });
  }

  private markDownNow(o: number, now: number): void {
    this.healthDue = true;
    this.doc.markDown(o, now);
    this.down.add(o);
    this.downSince[o] = now;
    this.engine.osdChanged(this.pools.values(), o, now);
  }

  /** An OSD process starts: it reconnects to the manager and, unless `noup`, the monitors mark it up. */
  bootOsd(o: number, now: number): void {
    if (this.alive[o] === 1 && this.doc.up[o] === 1) return;
    this.alive[o] = 1;
    // A new process: what it counted since it last started is gone.
    this.counters.shardsRepaired[o] = 0;
    this.nonceNext[o] = 1000 + (hash32(this.config.seed, o, now) % 60_000);
    this.bluestore.mounted(o, now);
    this.emitDaemonOpen(o, now);
    if (!this.doc.flags.has('noup')) this.markUpNow(o, now);
  }

  private markUpNow(o: number, now: number): void {
    const nonce = this.nonceNext[o] || this.doc.nonce[o]! + 1;
    this.healthDue = true;
    this.pings.booted(o, now);
    this.doc.markUp(o, now, nonce);
    this.down.delete(o);
    this.reporter.booted(o);
    const ip = this.topo.hostAddrs[this.topo.osdHost[o]!]!;
    const k = driveOfOsd(this.topo, o);
    const port = 6800 + 8 * k;
    this.clog(now, '[INF]', `osd.${o} [v2:${ip}:${port}/${nonce},v1:${ip}:${port + 1}/${nonce}] boot`);
    this.engine.osdChanged(this.pools.values(), o, now);
    if (this.doc.isAutoOut(o) && !this.doc.flags.has('noin')) {
      this.doc.markIn(o, now);
      this.remapAll(now);
    }
  }

  /**
   * An orchestrator deploys an OSD on the next free drive of host `h`: the new id joins the CRUSH map under its host
   * and the OSD map up and in, its daemon connects, and PGs CRUSH now maps to it backfill onto it. Returns the id, or
   * -1 when the host has no free drive.
   */
  createOsd(h: number, now: number): number {
    const o = addOsd(this.topo, h);
    if (o < 0) return -1;
    this.crush = buildCrushMap(this.topo);
    this.crushDue = true;
    this.createdAt.set(o, now - o);
    this.alive[o] = 1;
    const nonce = 1000 + (hash32(this.config.seed, o, now) % 60_000);
    this.nonceNext[o] = nonce;
    this.doc.addOsd(o, now, nonce);
    this.healthDue = true;
    this.reporter.booted(o);
    this.emitDaemonOpen(o, now);
    const ip = this.topo.hostAddrs[h]!;
    const port = 6800 + 8 * driveOfOsd(this.topo, o);
    this.clog(now, '[INF]', `osd.${o} [v2:${ip}:${port}/${nonce},v1:${ip}:${port + 1}/${nonce}] boot`);
    this.remapAll(now);
    this.reporter.dataChanged();
    return o;
  }

  /** Whether OSD `o`'s process runs. */
  running(o: number): boolean {
    return this.alive[o] === 1;
  }

  /**
   * `mon_osd_down_out_interval`: a down OSD is marked out after the interval, unless `noout`, or unless fewer than
   * `mon_osd_min_in_ratio` (0.75) of the OSDs would stay in (`OSDMonitor::can_mark_out`).
   */
  markDownOsdsOut(now: number): void {
    if (this.doc.flags.has('noout')) return;
    const limit = this.config.downOutInterval * 1000;
    let numIn = -1;
    for (const o of [...this.down].sort((a, b) => a - b)) {
      if (this.doc.in[o] === 0 || now - this.downSince[o]! < limit) continue;
      if (numIn < 0) {
        numIn = 0;
        for (let i = 0; i < this.topo.osds; i++) numIn += this.doc.in[i]!;
      }
      if (numIn / this.topo.osds < MIN_IN_RATIO) continue;
      numIn--;
      this.clog(
        now,
        '[INF]',
        `Marking osd.${o} out (has been down for ${Math.floor((now - this.downSince[o]!) / 1000)} seconds)`,
      );
      this.doc.markOut(o, now, true);
      this.healthDue = true;
      for (const p of this.pools.values()) this.engine.remap(p, now, o);
      this.reporter.placementChanged();
    }
  }

  // ---- pools ----

  private addPool(spec: PoolSpec, kind: PoolKind, creating: boolean, epoch: number): PoolPgs {
    const pool = new PoolPgs({
      id: spec.id,
      name: spec.name,
      kind,
      size: spec.size,
      minSize: spec.minSize,
      pgNum: spec.pgNum,
      pgpNum: spec.pgNum,
      createdEpoch: spec.epoch,
    });
    this.pools.set(spec.id, pool);
    if (!creating) {
      this.clientPools.add(spec.id);
      const weights = this.config.pgNums.map((n, i) => n * poolKind(i).dataShare);
      const share = (pool.pgNum * pool.kind.dataShare) / weights.reduce((a, b) => a + b, 0);
      const rawBytes = this.topo.osdBytes.reduce((a, b) => a + b, 0);
      fillPool(pool, { seed: this.config.seed, bytes: rawBytes * INITIAL_FILL * share, startMs: this.startMs, epoch });
    } else {
      const c = pool.cols;
      c.created.fill(spec.epoch);
      c.versionEpoch.fill(spec.epoch);
      c.lastChange.fill(spec.createdMs);
      c.scrubStamp.fill(spec.createdMs);
      c.deepScrubStamp.fill(spec.createdMs);
    }
    // As the manager registers a new pool's PGs: stamped with the map's time, so one that never goes active is stuck
    // inactive from then on, not "since forever".
    pool.cols.lastActive.fill(creating ? spec.createdMs : this.startMs);
    this.engine.placeNew(pool, 0, creating ? spec.createdMs : this.startMs, creating);
    if (!creating) pool.cols.mappingEpoch.fill(Math.max(1, epoch - 3));
    this.reporter.placementChanged();
    return pool;
  }

  private nextPoolId(): number {
    return (this.doc.map.pool_max ?? 0) + 1;
  }

  // ---- commands ----

  /** Applies a mon command at `now` from `entity`, with the audit log lines Ceph writes for a change. */
  runCommand(cmd: MonCommand, now: number, entity: string): CommandResult {
    const write =
      WRITE_PREFIXES.has(cmd.prefix) || FS_WRITE_PREFIXES.has(cmd.prefix) || MGR_MODULE_WRITE_PREFIXES.has(cmd.prefix);
    const mgr = entity === 'mgr' || entity.startsWith('mgr.');
    const name = entity === 'mgr' ? `mgr.${MGR_NAME}` : entity;
    const from = mgr
      ? `mgr.${this.mgrMap.active_gid} ${this.topo.hostAddrs[0]}:0/${this.mgrMap.active_addrs?.addrvec[0]?.nonce ?? 0}`
      : `client.? ${this.topo.hostAddrs[0]}:0/${hash32(this.config.seed, now, 0xc1) % 4_000_000_000}`;
    const [dispatch, finished] = this.log.audit(now, from, name, cmd);
    if (write) this.emit({ v: 1, t: now, kind: 'clog', entry: dispatch });
    const result =
      this.timeSyncStatus(cmd) ??
      runScrubCommand(this.scrubTarget(now), cmd) ??
      runHostAgentCommand(this.hostAgent(now), cmd) ??
      runMgrModuleCommand(this.mgrModules.target(now), cmd) ??
      runFsCommand(this.fsTarget(now), cmd, (id) => this.pools.get(id)?.name ?? String(id)) ??
      runMonCommand(this.target(now, name), cmd);
    if (write && result.retval === 0) this.healthDue = true;
    if (write && result.retval === 0) this.emit({ v: 1, t: now, kind: 'clog', entry: finished });
    return result;
  }

  /** `time-sync-status`, which the monitors answer from the leader's last time check. */
  private timeSyncStatus(cmd: MonCommand): CommandResult | undefined {
    if (cmd.prefix !== 'time-sync-status') return undefined;
    return { retval: 0, outb: JSON.stringify(this.timecheck.syncStatus(this.mons.epoch)), outs: '' };
  }

  private scrubTarget(now: number): ScrubCommandTarget {
    const s = this.scrubber;
    return {
      pool: (name) => [...this.pools.values()].find((p) => p.name === name),
      poolById: (id) => this.pools.get(id),
      connected: (o) => this.reporting(o),
      osdCount: () => this.topo.osds,
      poolOption: (pool, name) => s.poolOption(pool, name),
      setPoolOption: (pool, name, seconds) => this.setPoolOption(pool, name, seconds),
      request: (pool, ps, op) => s.request(pool, ps, op),
      revertUnfound: (pool, ps) => s.revertUnfound(pool, ps, now),
      clearShardsRepaired: (o) => s.clearShardsRepaired(o),
    };
  }

  /** Sets a pool option in the OSD map's pool `options` (0 removes it, as Ceph's `osd pool set` does). */
  private setPoolOption(pool: number, name: ScrubPoolOption, value: number): void {
    const entry = this.doc.map.pools.find((p) => p.pool === pool);
    const options: Record<string, number | string> = { ...(entry?.options ?? {}) };
    if (value === 0) delete options[name];
    else options[name] = value;
    this.doc.setPool(pool, { options });
  }

  private hostAgent(now: number): HostAgentTarget {
    return {
      topo: this.topo,
      createOsd: (h) => this.createOsd(h, now),
      running: (o) => this.running(o),
      stopOsd: (o) => this.failOsd(o, now),
      startOsd: (o) => this.bootOsd(o, now),
    };
  }

  private fsTarget(now: number): FsCommandTarget {
    return {
      fs: this.fsMap,
      now: () => now,
      poolId: (name) => [...this.pools.values()].find((p) => p.name === name)?.id,
      createPool: (name, pgNum) => this.createPool(name, pgNum, 'cephfs', now),
      removePool: (name) =>
        runMonCommand(this.target(now), {
          prefix: 'osd pool rm',
          pool: name,
          pool2: name,
          yes_i_really_really_mean_it: true,
        }),
    };
  }

  /** A pool made while the cluster runs, in the pending OSD map epoch; its id. */
  private createPool(name: string, pgNum: number, application: string, now: number): number {
    const spec: PoolSpec = {
      id: this.nextPoolId(),
      name,
      size: this.config.poolSize,
      minSize: this.config.poolMinSize,
      pgNum,
      application,
      epoch: this.doc.next,
      createdMs: now,
    };
    this.doc.addPool(spec);
    this.addPool(spec, createdPoolKind(name), true, this.doc.next);
    return spec.id;
  }

  private target(now: number, entity = 'client.admin'): MonCommandTarget {
    return {
      osdCount: () => this.topo.osds,
      isUp: (o) => this.doc.up[o] === 1,
      isIn: (o) => this.doc.in[o] === 1,
      markOut: (o) => {
        const wasUp = this.doc.up[o] === 1;
        const since = Math.floor((now - this.downSince[o]!) / 1000);
        this.doc.markOut(o, now, false);
        this.clog(
          now,
          '[INF]',
          `Client ${entity} marked osd.${o} out, ${wasUp ? 'while it was still marked up' : `after it was down for ${since} seconds`}`,
        );
        for (const p of this.pools.values()) this.engine.remap(p, now, o);
        this.reporter.placementChanged();
      },
      markIn: (o) => {
        this.doc.markIn(o, now);
        this.remapAll(now);
      },
      markDown: (o) => {
        this.markDownNow(o, now);
        // The daemon is still running: it sees itself marked down and boots again.
        if (this.alive[o] === 1) this.wronglyMarkedDown(o, now, REBOOT_MS);
      },
      reweight: (o, w16) => {
        const lower = w16 <= this.doc.reweight[o]!;
        this.doc.setReweight(o, w16, now);
        if (lower) for (const p of this.pools.values()) this.engine.remap(p, now, o);
        else this.remapAll(now);
        this.reporter.placementChanged();
      },
      setFlag: (key, on) => this.setFlag(key, on, now),
      pool: (name) => {
        const p = [...this.pools.values()].find((x) => x.name === name);
        return p && { id: p.id, size: p.size, minSize: p.minSize, pgNum: p.pgNum, pgpNum: p.pgpNum };
      },
      createPool: (name, pgNum) => {
        this.createPool(name, pgNum, 'rbd', now);
      },
      fsUsing: (pool) => this.fsMap.poolUser(pool),
      removePool: (id) => {
        this.doc.removePool(id);
        this.pools.delete(id);
        this.engine.dropPool(id);
        this.reporter.dataChanged();
        this.reporter.placementChanged();
      },
      setPoolVar: (id, v, value) => this.setPoolVar(this.pools.get(id)!, v, value, now),
      poolQuota: (id) => {
        const entry = this.doc.map.pools.find((p) => p.pool === id);
        const use = this.fullness.poolUses().get(id);
        return {
          maxBytes: entry?.quota_max_bytes ?? 0,
          maxObjects: entry?.quota_max_objects ?? 0,
          bytes: use?.bytes ?? 0,
          objects: use?.objects ?? 0,
        };
      },
      setPoolQuota: (id, field, value) =>
        this.doc.setPool(id, field === 'max_bytes' ? { quota_max_bytes: value } : { quota_max_objects: value }),
      config: (who, name) => this.settings.get(who)?.get(name),
      checkPgNum: (pool, pgNum, size = this.config.poolSize) =>
        checkPgNum(
          this.doc.map.pools.map((p) => ({ id: p.pool, pgNum: p.pg_num_target ?? p.pg_num, size: p.size })),
          pool,
          pgNum,
          size,
          this.inCount(),
          configNumber(this.settings, 'mon', 'mon_max_pg_per_osd'),
        ),
      setConfig: (who, name, value) => {
        let m = this.settings.get(who);
        if (m === undefined) {
          m = new Map();
          this.settings.set(who, m);
        }
        if (value === null) m.delete(name);
        else m.set(name, value);
        this.emit({ v: 1, t: now, kind: 'config', changes: [{ who, name, value }] });
      },
      read: (cmd) =>
        readCommand(
          {
            now,
            fsid: this.fsid,
            osdMap: () => this.doc.map,
            crush: this.crush,
            health: this.health,
            monMap: this.mons.dump(),
            monStatus: () => this.mons.status(now, this.upCount()),
            mgrMap: this.mgrMap,
            pools: [...this.pools.values()],
            usage: () => this.reporter.usage(),
            osdStat: (o) => this.reporter.osdStat(o),
            settings: this.settings,
          },
          cmd,
        ),
    };
  }

  private bootAgain(o: number, now: number): void {
    if (this.alive[o] === 1 && this.doc.up[o] === 0 && !this.doc.flags.has('noup')) {
      this.nonceNext[o] = 1000 + (hash32(this.config.seed, o, now) % 60_000);
      this.markUpNow(o, now);
    }
  }

  private setFlag(key: SettableFlag, on: boolean, now: number): boolean {
    const flags = flagsOfKey(key);
    if (flags.every((f) => this.doc.flags.has(f) === on)) return false;
    for (const f of flags) this.doc.setFlag(f, on);
    if (!on && key === 'noup') {
      for (let o = 0; o < this.topo.osds; o++) if (this.alive[o] === 1 && this.doc.up[o] === 0) this.markUpNow(o, now);
    }
    return true;
  }

  private setPoolVar(pool: PoolPgs, v: string, n: number, now: number): void {
    const id = pool.id;
    if (v === 'size') {
      if (n > pool.stride) pool.resize(pool.pgNum, n);
      pool.size = n;
      this.doc.setPool(id, { size: n });
      this.engine.remap(pool, now, -1, true);
    } else if (v === 'min_size') {
      pool.minSize = n;
      this.doc.setPool(id, { min_size: n });
      this.engine.remap(pool, now, -1, true);
    } else if (v === 'pgp_num') {
      pool.pgpNum = n;
      this.doc.setPool(id, { pg_placement_num: n, pg_placement_num_target: n });
      this.engine.remap(pool, now);
    } else if (n > pool.pgNum) {
      const old = pool.pgNum;
      pool.resize(n);
      this.doc.setPool(id, { pg_num: n, pg_num_target: n, pg_num_pending: n, pg_placement_num_target: n });
      this.engine.split(pool, old, now);
      // The manager then walks pgp_num up to match, and the new PGs move to their own OSDs.
      this.schedule(now + 2 * this.periodMs, (t) => {
        if (this.pools.get(id) !== pool || pool.pgpNum >= pool.pgNum) return;
        pool.pgpNum = pool.pgNum;
        this.doc.setPool(id, { pg_placement_num: pool.pgNum });
        this.engine.remap(pool, t);
        this.reporter.placementChanged();
      });
    } else if (n < pool.pgNum) {
      pool.pgpNum = Math.min(pool.pgpNum, n);
      this.engine.merge(pool, n, now);
      this.doc.setPool(id, {
        pg_num: n,
        pg_num_target: n,
        pg_num_pending: n,
        pg_placement_num: pool.pgpNum,
        pg_placement_num_target: pool.pgpNum,
      });
      this.engine.remap(pool, now);
    }
    this.reporter.dataChanged();
    this.reporter.placementChanged();
  }
}
