import type { ClusterEvent } from '../../../schemas/event.ts';
import type { CrushMap, HealthMap, MgrMap, MonMap } from '../../../schemas/maps/index.ts';
import { runClientIo } from './client-io.ts';
import { ClusterLog, type ClogPriority } from './cluster-log.ts';
import { buildCrushMap } from './crush-map.ts';
import { evaluateHealth, healthChangeLog } from './monitor-health.ts';
import { type CommandResult, type MonCommandTarget, runMonCommand, WRITE_PREFIXES } from './mon-commands.ts';
import { flagsOfKey, type SettableFlag } from './osd-flags.ts';
import { OsdCounters, OSD_PERF_SCHEMA, osdMetadata } from './osd-daemon.ts';
import { OsdMapDoc, type PoolSpec, uuidOf } from './osd-map-doc.ts';
import {
  buildPrimaryIndex,
  computePeers,
  computeUsage,
  type OsdUsage,
  type PrimaryIndex,
} from './osd-pg-index.ts';
import { BLUESTORE_OVERHEAD_BYTES, osdStatOf } from './osd-stat.ts';
import { PgEngine, type PgTiming } from './pg-engine.ts';
import { pgStatOf } from './pg-stat.ts';
import { PoolPgs } from './pg-table.ts';
import { createdPoolKind, poolKind } from './pool-catalog.ts';
import { readCommand } from './read-commands.ts';
import { createRng, hash32, hashUnit, type Rng } from './rng.ts';
import { type MonCommand, scenarioSteps, type ScenarioStep } from './scenario.ts';
import { buildMgrMap, buildMonMap, MGR_NAME, monAddrs } from './service-maps.ts';
import { resolveSimOptions, type SimConfig, type SimOptionsInput } from './sim-options.ts';
import { createTopology, crushLocation, type Topology } from './topology.ts';

/** The simulation's step: the monitors' tick, and the granularity of stream time. */
export const TICK_MS = 1000;

/** How full the cluster starts, as a share of raw capacity. */
const INITIAL_FILL = 0.3;

/** Who sent a command, for the audit log. */
export interface CommandOptions {
  /** The sender's entity name; `client.admin` by default, `mgr` (or `mgr.<id>`) for a module's command. */
  readonly entity?: string;
}

interface Action {
  readonly at: number;
  readonly seq: number;
  readonly run: (now: number) => void;
}

/**
 * A Ceph cluster in a box: hosts, OSDs, pools and PGs, driven through stream time. It produces what a manager sees
 * (CONTRACT §1): whole maps at the start and JSON Patches after, `pg_stats` and `daemon_report` per OSD per stats
 * period, health from the monitors, cluster log lines, heartbeats. With the scenario on it also plays the scripted
 * failures and operator actions of {@link scenarioSteps}; at any time {@link command} applies a mon command the way
 * the monitors would, and the change comes back as new map events. Everything follows from the options and the
 * seed: the same inputs give the same events, byte for byte.
 *
 * @example
 * ```ts
 * const sim = new SimulatedCluster({ osds: 12, seed: 7 });
 * const first = sim.advanceTo(sim.startMs + 10_000);
 * const r = sim.command({ prefix: 'osd out', ids: ['3'] }); // {retval: 0, outs: 'marked out osd.3. ', ...}
 * const next = sim.advanceTo(sim.now + 1000); // includes the osd_map epoch with osd.3 out
 * ```
 */
export class SimulatedCluster {
  readonly config: SimConfig;
  readonly topo: Topology;
  /** Stream time of the first event. */
  readonly startMs: number;
  /** Where the configured duration ends (the scenario is laid out up to here). */
  readonly endMs: number;
  private readonly fsid: string;
  private readonly createdMs: number;
  private readonly doc: OsdMapDoc;
  private readonly crush: CrushMap;
  private readonly monMap: MonMap;
  private readonly mgrMap: MgrMap;
  private readonly pools = new Map<number, PoolPgs>();
  private readonly engine: PgEngine;
  private readonly counters: OsdCounters;
  private readonly log: ClusterLog;
  private readonly ioRng: Rng;
  private health: HealthMap;
  private healthKey: string;
  private readonly alive: Uint8Array;
  private readonly nonceNext: Int32Array;
  private readonly downSince: Float64Array;
  private readonly down = new Set<number>();
  private readonly reports: Float64Array;
  private readonly fullReport: Uint8Array;
  private readonly settings = new Map<string, Map<string, string>>();
  private readonly actions: Action[] = [];
  private actionSeq = 0;
  private out: ClusterEvent[] = [];
  private queue: ClusterEvent[] = [];
  private clock: number;
  private nextTick: number;
  private started = false;
  private primary: PrimaryIndex | null = null;
  private primaryVersion = -1;
  private usage: OsdUsage | null = null;
  private peers: Int32Array[] | null = null;
  private pgTempVersion = 0;
  /** Set by changes the monitors re-check health for at once (OSD up/down/in/out, flags, pools). */
  private healthDue = false;
  private readonly timing: PgTiming;
  private readonly periodMs: number;

  constructor(options: SimOptionsInput) {
    const config = resolveSimOptions(options);
    this.config = config;
    this.topo = createTopology(config);
    this.startMs = config.start;
    this.endMs = config.start + Math.round(config.duration * 1000);
    this.clock = this.startMs;
    this.nextTick = this.startMs;
    this.periodMs = config.statsPeriod * 1000;
    const n = this.topo.osds;
    this.fsid = uuidOf(config.seed, 0xf51d);
    this.createdMs = this.startMs - 30 * 86_400_000 - (hash32(config.seed, 0xc7) % 86_400_000);
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
      topo: this.topo,
      fsid: this.fsid,
      seed: config.seed,
      epoch,
      createdMs: this.createdMs,
      nowMs: this.startMs,
      pools: specs,
    });
    this.crush = buildCrushMap(this.topo);
    this.monMap = buildMonMap(this.topo, this.fsid, this.createdMs);
    this.mgrMap = buildMgrMap(this.topo, this.startMs - 3_600_000, epoch, 1000 + (hash32(config.seed, 0x3a) % 9000));
    this.log = new ClusterLog(monAddrs(this.topo, 0), 1000 + (hash32(config.seed, 0xc109) % 100_000));
    this.ioRng = createRng(config.seed ^ 0x10);
    this.counters = new OsdCounters(n);
    this.alive = new Uint8Array(n).fill(1);
    this.nonceNext = new Int32Array(n);
    this.downSince = new Float64Array(n);
    this.reports = new Float64Array(n);
    this.fullReport = new Uint8Array(n).fill(1);
    const slot = Math.max(config.duration * 1000 * 0.08, 2 * this.periodMs);
    this.timing = { peerMs: [1000, 3000], waitMs: [0, slot * 0.25], workMs: [slot * 0.2, slot * 0.7] };
    this.engine = new PgEngine(this.topo, this.doc, config.seed, this.timing, this.counters);
    for (const spec of specs) this.addPoolModel(spec, poolKind(spec.id - 1), false, epoch);
    this.settings.set('mon', new Map([['mon_allow_pool_delete', 'true']]));
    this.health = this.evaluateHealth();
    this.healthKey = JSON.stringify(this.health);
    for (const { at, step } of scenarioSteps(config, this.topo, this.startMs)) this.schedule(at, (t) => this.play(step, t));
  }

  /** The stream time events have been handed out up to. */
  get now(): number {
    return this.clock;
  }

  /** The OSD map epoch published last. */
  get epoch(): number {
    return this.doc.epoch;
  }

  /** How many PGs the pools have now. */
  get pgCount(): number {
    let n = 0;
    for (const p of this.pools.values()) n += p.pgNum;
    return n;
  }

  /**
   * Runs the cluster up to stream time `tMs` and returns the events up to it, in order (none twice). Events of a
   * monitor tick that fall after `tMs` wait for the next call.
   */
  advanceTo(tMs: number): ClusterEvent[] {
    while (this.nextTick <= tMs) for (const e of this.tick()) this.queue.push(e);
    this.clock = Math.max(this.clock, tMs);
    let i = 0;
    while (i < this.queue.length && this.queue[i]!.t <= tMs) i++;
    return this.queue.splice(0, i);
  }

  /**
   * The events from the start to the end of the configured duration, produced as they are consumed: a trace of any
   * size streams through without being held. Not to be mixed with {@link advanceTo} on the same cluster.
   */
  *events(): Generator<ClusterEvent> {
    while (this.nextTick < this.endMs) yield* this.tick();
    this.clock = Math.max(this.clock, this.endMs);
  }

  /**
   * Applies a mon command now (at {@link now}), as the monitors would: `osd out|in|down`, `osd reweight`,
   * `osd set|unset`, `osd pool create|rm|set`, `config set|rm`, and read commands (`osd dump`, `pg dump`, `status`,
   * `health detail`, ...) answered in `outb` as JSON. Errors come back as a negative errno with Ceph's message in
   * `outs`. What the command changed comes back as events from the next {@link advanceTo}.
   */
  command(cmd: MonCommand, options: CommandOptions = {}): CommandResult {
    const now = this.clock;
    if (!this.started) this.emitInitial(now);
    const result = this.runCommand(cmd, now, options.entity ?? 'client.admin');
    this.publish(now, false);
    const events = this.out;
    this.out = [];
    let i = 0;
    while (i < this.queue.length && this.queue[i]!.t <= now) i++;
    this.queue.splice(i, 0, ...events);
    return result;
  }

  private schedule(at: number, run: (now: number) => void): void {
    const a = { at, seq: this.actionSeq++, run };
    let i = this.actions.length;
    while (i > 0 && (this.actions[i - 1]!.at > at || (this.actions[i - 1]!.at === at && this.actions[i - 1]!.seq > a.seq))) i--;
    this.actions.splice(i, 0, a);
  }

  private play(step: ScenarioStep, now: number): void {
    if (step.kind === 'command') this.runCommand(step.cmd, now, 'client.admin');
    else if (step.kind === 'fail') this.failOsd(step.osd, now);
    else this.bootOsd(step.osd, now);
  }

  private emit(e: ClusterEvent): void {
    this.out.push(e);
  }

  private clog(now: number, priority: ClogPriority, message: string): void {
    this.emit({ v: 1, t: now, kind: 'clog', entry: this.log.cluster(now, priority, message) });
  }

  // ---- the monitors' tick ----

  private *tick(): Generator<ClusterEvent> {
    const s = this.nextTick;
    this.nextTick += TICK_MS;
    if (!this.started) this.emitInitial(s);
    while (this.actions.length > 0 && this.actions[0]!.at <= s) this.actions.shift()!.run(s);
    this.markDownOsdsOut(s);
    this.engine.tick(s, TICK_MS);
    const phase = (s - this.startMs) % this.periodMs;
    const periodStart = phase === 0;
    this.publish(s, periodStart);
    const ready = this.out;
    this.out = [];
    yield* ready;
    if (periodStart) {
      yield { v: 1, t: s, kind: 'heartbeat' };
      this.clientIo();
    }
    const n = this.topo.osds;
    const from = Math.floor((phase * n + this.periodMs - 1) / this.periodMs);
    const to = Math.min(n, Math.floor(((phase + TICK_MS) * n + this.periodMs - 1) / this.periodMs));
    for (let o = from; o < to; o++) {
      if (this.alive[o] === 0 || this.doc.up[o] === 0) continue;
      const t = s + Math.floor((o * this.periodMs) / n) - phase;
      yield this.pgStatsEvent(o, t);
      yield this.daemonReport(o, t);
    }
  }

  private emitInitial(now: number): void {
    this.started = true;
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
  }

  private emitDaemonOpen(o: number, now: number): void {
    this.emit({
      v: 1,
      t: now,
      kind: 'daemon_open',
      daemon: `osd.${o}`,
      hostname: this.topo.hostNames[this.topo.osdHost[o]!]!,
      metadata: osdMetadata(this.topo, o, this.nonceNext[o] || this.doc.nonce[o]!, this.config.seed, this.createdMs),
      perf_schema: structuredClone(OSD_PERF_SCHEMA),
    });
  }

  /** Publishes the pending OSD map epoch, and the health when the map changed or on the stats period. */
  private publish(now: number, periodic: boolean): void {
    if (this.engine.pgTempVersion !== this.pgTempVersion) {
      this.pgTempVersion = this.engine.pgTempVersion;
      const entries = [...this.engine.pgTemp]
        .sort((a, b) => a[0] - b[0])
        .map(([key, osds]) => ({ pgid: `${Math.floor(key / 0x100000)}.${(key % 0x100000).toString(16)}`, osds }));
      this.doc.setPgTemp(entries);
    }
    const committed = this.doc.commit(now);
    if (committed !== null) this.emit({ v: 1, t: now, kind: 'osd_map', epoch: committed.epoch, patch: committed.patch });
    if (!periodic && !this.healthDue) return;
    this.healthDue = false;
    const next = this.evaluateHealth();
    const key = JSON.stringify(next);
    if (key === this.healthKey) return;
    for (const [priority, message] of healthChangeLog(this.health, next)) this.clog(now, priority, message);
    this.health = next;
    this.healthKey = key;
    this.emit({ v: 1, t: now, kind: 'health', map: structuredClone(next) });
  }

  private evaluateHealth(): HealthMap {
    return evaluateHealth({
      topo: this.topo,
      doc: this.doc,
      unclean: this.engine.activities.values(),
      totalCopies: this.currentUsage().totalCopies,
    });
  }

  private clientIo(): void {
    this.usage = null;
    let active = 0;
    for (let o = 0; o < this.topo.osds; o++) if (this.doc.up[o] === 1 && this.doc.in[o] === 1) active++;
    const f = this.doc.flags;
    runClientIo([...this.pools.values()], this.periodMs, active, this.doc.epoch, this.ioRng, this.engine, this.counters, {
      reads: f.has('pauserd'),
      writes: f.has('pausewr') || f.has('full'),
    });
  }

  // ---- what OSDs report ----

  private poolList(): PoolPgs[] {
    return [...this.pools.values()];
  }

  private currentUsage(): OsdUsage {
    this.usage ??= computeUsage(this.topo.osds, this.poolList());
    return this.usage;
  }

  private currentPeers(): Int32Array[] {
    this.peers ??= computePeers(this.topo.osds, this.poolList());
    return this.peers;
  }

  private osdStat(o: number) {
    const usage = this.currentUsage();
    const ops = this.counters.opW[o]!;
    return osdStatOf({
      osd: o,
      upFrom: this.doc.upFrom[o]!,
      reports: this.reports[o]!,
      numPgs: usage.numPgs[o]!,
      totalBytes: this.topo.osdBytes[o]!,
      dataBytes: usage.dataBytes[o]!,
      hbPeers: Array.from(this.currentPeers()[o] ?? []),
      commitLatencyMs: ops > 0 ? Math.round(this.counters.wLatNs[o]! / ops / 1e6) : 0,
    });
  }

  private pgStatsEvent(o: number, t: number): ClusterEvent {
    if (this.primary === null || this.primaryVersion !== this.engine.actingVersion) {
      this.primary = buildPrimaryIndex(this.topo.osds, this.poolList());
      this.primaryVersion = this.engine.actingVersion;
    }
    const idx = this.primary;
    const full = this.fullReport[o] === 1;
    this.fullReport[o] = 0;
    const stats = [];
    for (let i = idx.start[o]!; i < idx.start[o + 1]!; i++) {
      const pool = this.pools.get(idx.pool[i]!)!;
      const ps = idx.ps[i]!;
      const c = pool.cols;
      if (!full && c.dirty[ps] === 0) continue;
      c.dirty[ps] = 0;
      c.reportedSeq[ps]!++;
      stats.push(pgStatOf(pool, ps, t, this.doc.epoch));
    }
    this.reports[o]!++;
    return { v: 1, t, kind: 'pg_stats', reporter: `osd.${o}`, epoch: this.doc.epoch, pg_stats: stats, osd_stat: this.osdStat(o) };
  }

  private daemonReport(o: number, t: number): ClusterEvent {
    const usage = this.currentUsage();
    const used = Math.min(this.topo.osdBytes[o]!, Math.round(usage.dataBytes[o]!) + BLUESTORE_OVERHEAD_BYTES);
    return {
      v: 1,
      t,
      kind: 'daemon_report',
      daemon: `osd.${o}`,
      counters: this.counters.report(o, usage.numPgs[o]!, 0, this.topo.osdBytes[o]!, used),
    };
  }

  // ---- OSD lifecycle, as the monitors see it ----

  private remapAll(now: number): void {
    for (const p of this.pools.values()) this.engine.remap(p, now);
    this.peers = null;
  }

  /** An OSD process dies: its peers report it, and the monitors mark it down (unless `nodown`). */
  private failOsd(o: number, now: number): void {
    if (this.alive[o] === 0) return;
    this.alive[o] = 0;
    this.emit({ v: 1, t: now, kind: 'daemon_close', daemon: `osd.${o}` });
    if (this.doc.up[o] === 0 || this.doc.flags.has('nodown')) return;
    const by = (o + 1 + (hash32(this.config.seed, o, now) % (this.topo.osds - 1))) % this.topo.osds;
    this.clog(now, '[INF]', `osd.${o} failed (${crushLocation(this.topo, o)}) (connection refused reported by osd.${by})`);
    this.markDownNow(o, now);
  }

  private markDownNow(o: number, now: number): void {
    this.healthDue = true;
    this.doc.markDown(o, now);
    this.down.add(o);
    this.downSince[o] = now;
    this.engine.osdChanged(this.pools.values(), o, now);
  }

  /** An OSD process starts: it reconnects to the manager and, unless `noup`, the monitors mark it up. */
  private bootOsd(o: number, now: number): void {
    if (this.alive[o] === 1 && this.doc.up[o] === 1) return;
    this.alive[o] = 1;
    this.nonceNext[o] = 1000 + (hash32(this.config.seed, o, now) % 60_000);
    this.emitDaemonOpen(o, now);
    if (!this.doc.flags.has('noup')) this.markUpNow(o, now);
  }

  private markUpNow(o: number, now: number): void {
    const nonce = this.nonceNext[o] || this.doc.nonce[o]! + 1;
    this.healthDue = true;
    this.doc.markUp(o, now, nonce);
    this.down.delete(o);
    this.reports[o] = 0;
    this.fullReport[o] = 1;
    const ip = this.topo.hostAddrs[this.topo.osdHost[o]!]!;
    const k = o - this.topo.hostOsds.items[this.topo.hostOsds.start[this.topo.osdHost[o]!]!]!;
    const port = 6800 + 8 * k;
    this.clog(now, '[INF]', `osd.${o} [v2:${ip}:${port}/${nonce},v1:${ip}:${port + 1}/${nonce}] boot`);
    this.engine.osdChanged(this.pools.values(), o, now);
    if (this.doc.isAutoOut(o) && !this.doc.flags.has('noin')) {
      this.doc.markIn(o, now);
      this.remapAll(now);
    }
  }

  /** `mon_osd_down_out_interval`: a down OSD is marked out after the interval, unless `noout`. */
  private markDownOsdsOut(now: number): void {
    if (this.doc.flags.has('noout')) return;
    const limit = this.config.downOutInterval * 1000;
    for (const o of [...this.down]) {
      if (this.doc.in[o] === 0 || now - this.downSince[o]! < limit) continue;
      this.clog(now, '[INF]', `Marking osd.${o} out (has been down for ${Math.floor((now - this.downSince[o]!) / 1000)} seconds)`);
      this.doc.markOut(o, now, true);
      this.healthDue = true;
      for (const p of this.pools.values()) this.engine.remap(p, now, o);
      this.peers = null;
    }
  }

  // ---- pools ----

  private addPoolModel(spec: PoolSpec, kind: ReturnType<typeof poolKind>, creating: boolean, epoch: number): PoolPgs {
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
    if (!creating) this.fillPool(pool, epoch);
    else {
      const c = pool.cols;
      c.created.fill(spec.epoch);
      c.versionEpoch.fill(spec.epoch);
      c.lastChange.fill(spec.createdMs);
      c.scrubStamp.fill(spec.createdMs);
      c.deepScrubStamp.fill(spec.createdMs);
    }
    this.engine.placeNew(pool, 0, creating ? spec.createdMs : this.startMs, creating);
    if (!creating) pool.cols.mappingEpoch.fill(Math.max(1, epoch - 3));
    this.peers = null;
    return pool;
  }

  /** The data a pool holds at the start: its share of the initial fill, spread over its PGs with some variance. */
  private fillPool(pool: PoolPgs, epoch: number): void {
    const seed = this.config.seed;
    const raw = this.topo.osdBytes.reduce((s, b) => s + b, 0);
    const weights = this.config.pgNums.map((n, i) => n * poolKind(i).dataShare);
    const share = (pool.pgNum * pool.kind.dataShare) / weights.reduce((s, w) => s + w, 0);
    const perPg = (raw * INITIAL_FILL * share) / pool.size / pool.pgNum;
    const c = pool.cols;
    const day = 86_400_000;
    for (let ps = 0; ps < pool.pgNum; ps++) {
      const u = (k: number) => hashUnit(seed, pool.id, ps, k);
      const bytes = Math.round(perPg * (0.85 + 0.3 * u(1)));
      const objects = Math.max(0, Math.round(bytes / pool.kind.objectBytes));
      const writes = objects + Math.round(objects * 3 * u(2));
      c.bytes[ps] = bytes;
      c.objects[ps] = objects;
      c.writes[ps] = writes;
      c.writeKb[ps] = Math.ceil(bytes / 1024) + Math.round(writes * 16 * u(3));
      c.reads[ps] = Math.round(writes * 4 * u(4));
      c.readKb[ps] = Math.round(c.reads[ps]! * 64 * u(5));
      c.versionEpoch[ps] = Math.max(1, epoch - (hash32(seed, pool.id, ps, 6) % 10));
      c.reportedSeq[ps] = 100 + (hash32(seed, pool.id, ps, 7) % 5000);
      c.created[ps] = pool.createdEpoch;
      c.lastEpochClean[ps] = epoch;
      c.lastChange[ps] = this.startMs - Math.round(day * u(8));
      c.lastBecameActive[ps] = c.lastChange[ps]!;
      c.scrubStamp[ps] = this.startMs - Math.round(day * u(9));
      c.deepScrubStamp[ps] = this.startMs - Math.round(7 * day * u(10));
      c.scrubWrites[ps] = Math.max(0, writes - (hash32(seed, pool.id, ps, 11) % 200));
    }
  }

  private nextPoolId(): number {
    return (this.doc.map.pool_max ?? 0) + 1;
  }

  // ---- commands ----

  private runCommand(cmd: MonCommand, now: number, entity: string): CommandResult {
    const write = WRITE_PREFIXES.has(cmd.prefix);
    const mgr = entity === 'mgr' || entity.startsWith('mgr.');
    const name = entity === 'mgr' ? `mgr.${MGR_NAME}` : entity;
    const from = mgr
      ? `mgr.${this.mgrMap.active_gid} ${this.topo.hostAddrs[0]}:0/${this.mgrMap.active_addrs?.addrvec[0]?.nonce ?? 0}`
      : `client.? ${this.topo.hostAddrs[0]}:0/${hash32(this.config.seed, now, 0xc1) % 4_000_000_000}`;
    const [dispatch, finished] = this.log.audit(now, from, name, cmd);
    if (write) this.emit({ v: 1, t: now, kind: 'clog', entry: dispatch });
    const result = runMonCommand(this.target(now), cmd);
    if (write && result.retval === 0) this.healthDue = true;
    if (write && result.retval === 0) this.emit({ v: 1, t: now, kind: 'clog', entry: finished });
    return result;
  }

  private target(now: number): MonCommandTarget {
    return {
      osdCount: () => this.topo.osds,
      isUp: (o) => this.doc.up[o] === 1,
      isIn: (o) => this.doc.in[o] === 1,
      markOut: (o) => {
        const wasUp = this.doc.up[o] === 1;
        const since = Math.floor((now - this.downSince[o]!) / 1000);
        this.doc.markOut(o, now, false);
        this.clog(now, '[INF]', `Client client.admin marked osd.${o} out, ${wasUp ? 'while it was still marked up' : `after it was down for ${since} seconds`}`);
        for (const p of this.pools.values()) this.engine.remap(p, now, o);
        this.peers = null;
      },
      markIn: (o) => {
        this.doc.markIn(o, now);
        this.remapAll(now);
      },
      markDown: (o) => {
        this.markDownNow(o, now);
        // The daemon is still running: it sees itself marked down and boots again.
        if (this.alive[o] === 1) this.schedule(now + 5 * TICK_MS, (t) => this.bootAgain(o, t));
      },
      reweight: (o, w16) => {
        const lower = w16 <= this.doc.reweight[o]!;
        this.doc.setReweight(o, w16, now);
        if (lower) for (const p of this.pools.values()) this.engine.remap(p, now, o);
        else this.remapAll(now);
        this.peers = null;
      },
      setFlag: (key, on) => this.setFlag(key, on, now),
      pool: (name) => {
        const p = [...this.pools.values()].find((x) => x.name === name);
        return p && { id: p.id, size: p.size, minSize: p.minSize, pgNum: p.pgNum, pgpNum: p.pgpNum };
      },
      createPool: (name, pgNum) => {
        const spec: PoolSpec = {
          id: this.nextPoolId(),
          name,
          size: this.config.poolSize,
          minSize: this.config.poolMinSize,
          pgNum,
          application: 'rbd',
          epoch: this.doc.next,
          createdMs: now,
        };
        this.doc.addPool(spec);
        this.addPoolModel(spec, createdPoolKind(name), true, this.doc.next);
      },
      removePool: (id) => {
        this.doc.removePool(id);
        this.pools.delete(id);
        this.engine.dropPool(id);
        this.usage = null;
        this.peers = null;
      },
      setPoolVar: (id, v, value) => this.setPoolVar(this.pools.get(id)!, v, value, now),
      config: (who, name) => this.settings.get(who)?.get(name),
      setConfig: (who, name, value) => {
        let m = this.settings.get(who);
        if (m === undefined) this.settings.set(who, (m = new Map()));
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
            monMap: this.monMap,
            mgrMap: this.mgrMap,
            pools: this.poolList(),
            usage: () => this.currentUsage(),
            osdStat: (o) => this.osdStat(o),
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
      this.engine.remap(pool, now);
    } else if (v === 'min_size') {
      pool.minSize = n;
      this.doc.setPool(id, { min_size: n });
      this.engine.remap(pool, now);
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
        this.peers = null;
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
    this.usage = null;
    this.peers = null;
  }
}
