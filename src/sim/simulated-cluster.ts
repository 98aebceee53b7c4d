import type { OsdPerfMetricQuery } from '../../schemas/daemon/index.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import { type ClientWrite, recordClientWrite, runClientIo } from './client-io.ts';
import { ClusterModel } from './cluster-model.ts';
import './mgr-steps.ts';
import type { CommandResult } from './mon-commands.ts';
import { NodeHosts, type NodeLoad } from './node-hosts.ts';
import { playNodeStep } from './node-steps.ts';
import { createRng, type Rng } from './rng.ts';
import './osd-health-steps.ts';
import { type MonCommand, type ScenarioStep, scenarioSteps } from './scenario.ts';
import { playScrubStep } from './scrub-steps.ts';
import { resolveSimOptions, type SimConfig, type SimOptionsInput } from './sim-options.ts';
import './pg-steps.ts';
import { setSlowOps } from './slow-ops.ts';
import './mon-steps.ts';
import { createTopology, type Topology } from './topology.ts';

/** The simulation's step: the monitors' tick, and the granularity of stream time. */
export const TICK_MS = 1000;

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
 * Time moves in monitor ticks of {@link TICK_MS}: at each tick the due scenario steps run, down OSDs past the
 * down-out interval are marked out, PGs move on with peering and recovery, and a changed OSD map is published as the
 * next epoch; each OSD reports once per stats period, the OSDs spread evenly over it.
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
  /** The hosts as their node exporters see them (`nodeExposition`). */
  readonly nodes: NodeHosts;
  private readonly model: ClusterModel;
  private readonly nodeLoad: NodeLoad;
  private readonly ioRng: Rng;
  private readonly periodMs: number;
  private readonly actions: Action[] = [];
  private actionSeq = 0;
  /** Events made but not handed out yet by {@link advanceTo}, in time order. */
  private queue: ClusterEvent[] = [];
  private clock: number;
  private nextTick: number;
  private started = false;

  constructor(options: SimOptionsInput) {
    const config = resolveSimOptions(options);
    this.config = config;
    this.topo = createTopology(config);
    this.startMs = config.start;
    this.endMs = config.start + Math.round(config.duration * 1000);
    this.clock = this.startMs;
    this.nextTick = this.startMs;
    this.periodMs = config.statsPeriod * 1000;
    this.ioRng = createRng(config.seed ^ 0x10);
    this.model = new ClusterModel(config, this.topo, this.startMs, this.periodMs, (at, run) => this.schedule(at, run));
    this.nodes = new NodeHosts(this.topo, this.startMs, config.seed);
    const model = this.model;
    this.nodeLoad = {
      counters: model.counters,
      reporting: (o) => model.reporting(o),
      poolSize: config.poolSize,
      mons: config.mons,
    };
    const fs = config.fs;
    if (fs !== undefined) {
      this.schedule(this.startMs, (t) => {
        this.model.runCommand({ prefix: 'fs volume create', name: fs }, t, 'client.admin');
        this.model.serveFsClients(fs);
      });
    }
    for (const { at, step } of scenarioSteps(config, this.topo, this.startMs)) {
      this.schedule(at, (t) => this.play(step, t));
    }
  }

  /** The stream time events have been handed out up to. */
  get now(): number {
    return this.clock;
  }

  /** The OSD map epoch published last. */
  get epoch(): number {
    return this.model.doc.epoch;
  }

  /** How many PGs the pools have now. */
  get pgCount(): number {
    let n = 0;
    for (const p of this.model.pools.values()) n += p.pgNum;
    return n;
  }

  /**
   * Runs the cluster up to stream time `tMs` and returns the events up to it, in order (none twice). Events of a
   * monitor tick that fall after `tMs` wait for the next call.
   */
  advanceTo(tMs: number): ClusterEvent[] {
    const out: ClusterEvent[] = [];
    this.advance(tMs, (e) => out.push(e));
    return out;
  }

  /**
   * As {@link advanceTo}, handing each event to `emit` as soon as it is made and due: a monitor tick of a large
   * cluster makes thousands, which a consumer can take while the rest are being made.
   */
  advance(tMs: number, emit: (event: ClusterEvent) => void): void {
    const q = this.queue;
    // What waits was made before the next tick: due before any event of it.
    let i = 0;
    while (i < q.length && q[i]!.t <= tMs) emit(q[i++]!);
    q.splice(0, i);
    while (this.nextTick <= tMs) {
      for (const e of this.tick()) {
        if (q.length === 0 && e.t <= tMs) emit(e);
        else q.push(e);
      }
    }
    this.clock = Math.max(this.clock, tMs);
    i = 0;
    while (i < q.length && q[i]!.t <= tMs) emit(q[i++]!);
    q.splice(0, i);
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
   * `osd set|unset`, `osd pool create|rm|set|set-quota`, `config set|rm`, and read commands (`osd dump`, `pg dump`,
   * `status`, `health detail`, `osd pool get-quota`, ...) answered in `outb` as JSON. Errors come back as a negative errno with Ceph's message in
   * `outs`. What the command changed comes back as events from the next {@link advanceTo}.
   */
  command(cmd: MonCommand, options: CommandOptions = {}): CommandResult {
    const now = this.clock;
    this.start(now);
    const result = this.model.runCommand(cmd, now, options.entity ?? 'client.admin');
    this.model.publish(now, false);
    const events = this.model.take();
    let i = 0;
    while (i < this.queue.length && this.queue[i]!.t <= now) i++;
    this.queue.splice(i, 0, ...events);
    return result;
  }

  /**
   * A client outside the simulation (a manager module's `this.rados`) wrote to a pool: the change shows in the
   * pool's stats from the next report of the PG's primary. A pool that is gone is ignored: the write raced its
   * deletion.
   */
  clientWrite(w: ClientWrite): void {
    const pool = this.model.pools.get(w.pool);
    if (pool === undefined) return;
    recordClientWrite(pool, w, this.model.doc.epoch);
    this.model.reporter.dataChanged();
  }

  /**
   * The manager's OSD perf queries changed (its `MMgrConfigure`): each OSD's next report counts for these, from the
   * client IO after now.
   */
  setOsdPerfQueries(queries: readonly OsdPerfMetricQuery[]): void {
    this.model.osdPerf.setQueries(queries);
  }

  /**
   * Daemon `name` (`osd.<id>`, `mon.<name>`) reports `count` slow ops from now on (0: none again), in its reports'
   * health metrics and in the `SLOW_OPS` health check; false for a daemon the cluster does not have.
   */
  setSlowOps(name: string, count: number): boolean {
    this.start(this.clock);
    return setSlowOps(this.model, name, count, this.clock);
  }

  private start(now: number): void {
    if (this.started) return;
    this.started = true;
    this.model.emitInitial(now);
  }

  private schedule(at: number, run: (now: number) => void): void {
    const a = { at, seq: this.actionSeq++, run };
    let i = this.actions.length;
    while (i > 0 && this.actions[i - 1]!.at > at) i--;
    this.actions.splice(i, 0, a);
  }

  private play(step: ScenarioStep, now: number): void {
    if (playScrubStep(this.model, step, now)) return;
    if (playNodeStep(this.nodes, step, now)) return;
    if (step.kind === 'command') this.model.runCommand(step.cmd, now, 'client.admin');
    else if (step.kind === 'fail') this.model.failOsd(step.osd, now);
    else if (step.kind === 'boot') this.model.bootOsd(step.osd, now);
    else if (step.kind === 'slow-ops') setSlowOps(this.model, step.daemon, step.count, now);
    else if (step.kind === 'fill') {
      this.model.fullness.fillOsd(step.pool, step.osd, step.ratio, step.rampMs);
      this.model.recheckHealth();
    } else if (step.kind === 'quota') this.model.setQuotaOver(step.pool, step.headroom, now);
    else if (step.kind === 'grow') {
      this.model.fullness.growPool(step.pool, step.factor, step.rampMs);
      this.model.recheckHealth();
    } else if (step.kind === 'mds-damage') this.model.setMdsDamaged(step.damaged);
    else if (step.kind === 'mon-disk') this.model.setMonDiskAvail(step.rank, step.availPercent);
    else if (step.kind === 'mon-clock') this.model.setMonClockDrift(step.rank, step.driftPpm, now);
    else if (step.kind === 'pg-limit') this.model.setPgLimit(step.share, now);
    else if (step.kind === 'daemon-crash') this.model.mgrModules.crashOsd(step.osd, now);
    else if (step.kind === 'mgr-module-crash') this.model.mgrModules.crashModule(step.module, now);
    else if (step.kind === 'device-life') {
      const { devices } = this.model.mgrModules;
      if (step.days === null) devices.replace(step.osd);
      else devices.predict(step.osd, now + step.days * 86_400_000, now);
    } else if (step.kind === 'cephadm-daemon') {
      this.model.mgrModules.setDaemonFailed(step.name, step.host, step.failed, now);
    } else if (step.kind === 'mds-stop' || step.kind === 'mds-start') {
      this.model.setMdsRunning(step.daemon, step.kind === 'mds-start', now);
    } else if (step.kind === 'heartbeat-fail') this.model.heartbeatFailOsd(step.osd, step.downMs, now);
    else if (step.kind === 'net-delay') this.model.pings.setDelay(step.host, step.iface, step.ms, now);
    else if (step.kind === 'read-retries') this.model.bluestore.setReadRetries(step.osd, step.perMinute, now);
    else if (step.kind === 'device-size') this.model.bluestore.setDeviceBytes(step.osd, step.bytes);
    else if (step.kind === 'mon-start' || step.kind === 'mon-stop') {
      this.model.setMonRunning(step.rank, step.kind === 'mon-start', now);
    }
  }

  private *tick(): Generator<ClusterEvent> {
    const s = this.nextTick;
    this.nextTick += TICK_MS;
    this.start(s);
    const m = this.model;
    while (this.actions.length > 0 && this.actions[0]!.at <= s) this.actions.shift()!.run(s);
    m.mgrModules.tick(s);
    m.markDownOsdsOut(s);
    m.fullness.tick(TICK_MS);
    m.engine.tick(s, TICK_MS);
    m.scrubber.tick(s);
    const phase = (s - this.startMs) % this.periodMs;
    m.publish(s, phase === 0);
    yield* m.take();
    if (phase === 0) {
      yield { v: 1, t: s, kind: 'heartbeat' };
      yield* m.monReports(s);
      yield* m.serviceReports(s);
      this.clientIo();
    }
    this.nodes.advance(s, this.nodeLoad);
    // OSD o reports at offset o/n of each period: this tick covers the OSDs whose offset falls within it.
    const n = this.topo.osds;
    const from = Math.floor((phase * n + this.periodMs - 1) / this.periodMs);
    const to = Math.min(n, Math.floor(((phase + TICK_MS) * n + this.periodMs - 1) / this.periodMs));
    for (let o = from; o < to; o++) {
      if (!m.reporting(o)) continue;
      const t = s + Math.floor((o * this.periodMs) / n) - phase;
      yield m.reporter.pgStats(o, t);
      yield m.reporter.daemonReport(o, t);
    }
  }

  private clientIo(): void {
    const { doc, pools, clientPools, engine, counters, reporter } = this.model;
    reporter.dataChanged();
    let active = 0;
    for (let o = 0; o < this.topo.osds; o++) if (doc.up[o] === 1 && doc.in[o] === 1) active++;
    const f = doc.flags;
    runClientIo(
      [...pools.values()].filter((p) => clientPools.has(p.id)),
      this.periodMs,
      active,
      doc.epoch,
      this.ioRng,
      engine,
      counters,
      {
        reads: f.has('pauserd'),
        writes: f.has('pausewr') || f.has('full'),
        fullPools: this.model.fullness.fullPools(),
      },
      this.model.osdPerf.active ? this.model.osdPerf : undefined,
    );
  }
}
