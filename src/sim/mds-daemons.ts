import type { DaemonMetadata } from '../../schemas/daemon/perf.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { MdsInfo } from '../../schemas/maps/fs-map.ts';
import type { HealthCheck } from '../../schemas/maps/health.ts';
import type { ClogPriority } from './cluster-log.ts';
import type { FsMapDoc } from './fs-map-doc.ts';
import { daemonMetadata } from './host-metadata.ts';
import { MDS_PERF_SCHEMA, MdsCounters } from './mds-counters.ts';
import { hash32 } from './rng.ts';
import { MON_NAMES } from './sim-options.ts';
import type { Topology } from './topology.ts';

/** What the MDS daemons reach of the cluster: the file system map, and the monitors' log, clock and health. */
export interface MdsHost {
  readonly fsMap: FsMapDoc;
  emit(e: ClusterEvent): void;
  clog(now: number, priority: ClogPriority, message: string): void;
  schedule(at: number, run: (now: number) => void): void;
  /** The file system map changed in a way its health checks see. */
  recheckHealth(): void;
}

/** How long a rank's new holder spends in each state before the next, in ms. */
export interface MdsStageTimes {
  readonly creating: number;
  readonly replay: number;
  readonly reconnect: number;
  readonly rejoin: number;
}

/** A Pacific MDS's feature bits, as `ceph fs dump` prints them. */
const MDS_FEATURES = Number('4540138297136906239');
/** Where the MDS daemons' ports start on their hosts (above the OSDs' 6800 + 8 a drive). */
const BASE_PORT = 7000;

interface MdsDaemon {
  readonly name: string;
  readonly index: number;
  readonly host: number;
  /** Times it was started: each start is a new gid and nonce. */
  starts: number;
  gid: number;
  nonce: number;
  running: boolean;
  /** Since when it is active in its rank, or -1. */
  activeSince: number;
  counters: MdsCounters;
}

/**
 * The cluster's MDS daemons (`mds.a`, `mds.b`, ...), each on a host from the last: they join the file system map as
 * standbys, and the monitors give each rank of a file system that has none a standby (`FSMap::promote`). A rank's
 * new holder goes through `up:creating` (a new rank), `up:starting` (a stopped one) or `up:replay`, `up:reconnect`
 * and `up:rejoin` (a failed one) to `up:active`, one map epoch a state, with the monitors' log lines; a rank beyond
 * `max_mds` goes `up:stopping` and its daemon respawns as a standby. Each daemon has a session with the manager and
 * reports its counters every stats period: the active ones serve client requests, the others nothing.
 */
export class MdsDaemons {
  private readonly daemons: MdsDaemon[];
  /** By `fs/rank`: the journal events its last holder left, which the next one replays. */
  private readonly journals = new Map<string, number>();
  /** The ranks (`fs/rank`) whose damage table has entries: their holders report it. */
  private readonly damaged = new Set<string>();

  constructor(
    count: number,
    private readonly topo: Topology,
    private readonly seed: number,
    private readonly stages: MdsStageTimes,
    /** Client sessions each active rank holds, and their requests a second. */
    private readonly load: { readonly clients: number; readonly requestsPerSec: number },
    private readonly host: MdsHost,
  ) {
    this.daemons = Array.from({ length: count }, (_, index) => ({
      name: MON_NAMES[index]!,
      index,
      host: topo.hosts - 1 - (index % topo.hosts),
      starts: 0,
      gid: 0,
      nonce: 0,
      running: false,
      activeSince: -1,
      counters: new MdsCounters(),
    }));
  }

  /** The daemons' names, in order. */
  names(): string[] {
    return this.daemons.map((d) => d.name);
  }

  /** Whether daemon `name` (`a`) runs. */
  running(name: string): boolean {
    return this.find(name)?.running === true;
  }

  /** The daemon holding rank 0 of the first file system, if one does. */
  rankHolder(): string | undefined {
    const f = this.host.fsMap.list()[0];
    const gid = f?.mdsmap.up.mds_0;
    return this.daemons.find((d) => d.running && d.gid === gid)?.name;
  }

  /** Every daemon starts (the cluster's start): sessions with the manager, standbys in the map. */
  startAll(now: number): void {
    for (const d of this.daemons) this.start(d.name, now);
  }

  /** Daemon `name` starts: a new session with the manager, and it joins the map as a standby. */
  start(name: string, now: number): void {
    const d = this.find(name);
    if (d === undefined || d.running) return;
    d.starts++;
    d.gid = 14_100 + 10_000 * (d.starts - 1) + 17 * d.index;
    d.nonce = 1000 + (hash32(this.seed, 0x3d5, d.index, d.starts) % 4_000_000_000);
    d.running = true;
    d.activeSince = -1;
    d.counters = new MdsCounters();
    this.host.emit({
      v: 1,
      t: now,
      kind: 'daemon_open',
      daemon: `mds.${d.name}`,
      hostname: this.topo.hostNames[d.host]!,
      metadata: this.metadata(d),
      perf_schema: structuredClone(MDS_PERF_SCHEMA),
    });
    this.host.fsMap.addStandby(this.info(d));
    this.host.recheckHealth();
  }

  /**
   * Daemon `name`'s process stops: its session with the manager closes and the monitors take it out of the map (it
   * says so as it goes down); a rank it held is failed until a standby takes it.
   */
  stop(name: string, now: number): void {
    const d = this.find(name);
    if (d === undefined || !d.running) return;
    d.running = false;
    d.activeSince = -1;
    this.host.emit({ v: 1, t: now, kind: 'daemon_close', daemon: `mds.${d.name}` });
    const role = this.host.fsMap.removeDaemon(d.gid);
    if (role !== undefined) this.journals.set(`${role.fs}/${role.rank}`, d.counters.journalEvents());
    this.host.recheckHealth();
  }

  /**
   * The monitors' tick (`MDSMonitor::tick`): each rank that is in but has no daemon (a new file system's, a failed
   * one) gets the first standby (`maybe_promote_standby`); then, one rank a tick, a file system with fewer ranks in
   * than its `max_mds` gets a standby for its next rank, and one with more stops its last (`maybe_resize_cluster`).
   */
  tick(now: number): void {
    const fsMap = this.host.fsMap;
    for (const f of fsMap.list()) {
      const m = f.mdsmap;
      for (const rank of m.in) {
        if (m.up[`mds_${rank}`] !== undefined) continue;
        const failed = m.failed.includes(rank);
        if (!this.promote(m.fs_name, rank, now, failed ? 'Standby daemon' : 'daemon', '')) break;
      }
      if (m.in.length < m.max_mds) {
        let rank = 0;
        while (m.in.includes(rank)) rank++;
        this.promote(m.fs_name, rank, now, 'daemon', ` (now has ${m.in.length + 1} ranks)`);
      } else if (m.in.length > m.max_mds) {
        const rank = Math.max(...m.in);
        const gid = m.up[`mds_${rank}`];
        const d = this.daemons.find((x) => x.running && x.gid === gid);
        if (d !== undefined && m.info[`gid_${gid}`]?.state === 'up:active') {
          this.host.clog(now, '[INF]', `stopping daemon mds.${d.name}`);
          fsMap.setState(d.gid, 'up:stopping');
          d.activeSince = -1;
          this.host.recheckHealth();
          this.finishStopping(d, m.fs_name, rank, now + this.stages.rejoin);
        }
      }
    }
  }

  /** The first standby takes `rank` of file system `fs`; false when there is none. */
  private promote(fs: string, rank: number, now: number, who: string, ranks: string): boolean {
    const fsMap = this.host.fsMap;
    const standby = fsMap.standbys()[0];
    if (standby === undefined) return false;
    const m = fsMap.get(fs)!.mdsmap;
    const failed = m.failed.includes(rank);
    const d = this.daemons.find((x) => x.running && x.gid === standby.gid)!;
    this.host.clog(now, '[INF]', `${who} mds.${d.name} assigned to filesystem ${fs} as rank ${rank}${ranks}`);
    fsMap.promote(standby.gid, fs, rank);
    this.host.recheckHealth();
    const s = this.stages;
    if (!failed) {
      const first = fsMap.get(fs)!.mdsmap.info[`gid_${d.gid}`]!.state;
      this.step(d, first, 'up:active', now + s.creating);
    } else {
      d.counters.replay(this.journals.get(`${fs}/${rank}`) ?? 0);
      this.step(d, 'up:replay', 'up:reconnect', now + s.replay);
      this.step(d, 'up:reconnect', 'up:rejoin', now + s.replay + s.reconnect);
      this.step(d, 'up:rejoin', 'up:active', now + s.replay + s.reconnect + s.rejoin);
    }
    return true;
  }

  /** Daemon `d` has stopped `rank` at `at`: the rank leaves the file system, and the daemon respawns as a standby. */
  private finishStopping(d: MdsDaemon, fs: string, rank: number, at: number): void {
    const gid = d.gid;
    this.host.schedule(at, (t) => {
      const f = this.host.fsMap.get(fs);
      if (!d.running || d.gid !== gid || f?.mdsmap.info[`gid_${gid}`]?.state !== 'up:stopping') return;
      this.host.fsMap.finishStopping(gid);
      this.host.clog(
        t,
        '[INF]',
        `daemon mds.${d.name} finished stopping rank ${rank} in filesystem ${fs} (now has ${f.mdsmap.in.length} ranks)`,
      );
      this.stop(d.name, t);
      this.start(d.name, t);
    });
  }

  /**
   * A scrub of rank 0 of the first file system finds damaged metadata (`damaged` true), or its damage table is
   * cleared (`damage rm`): its holder reports `MDS_HEALTH_DAMAGE` in its beacon while there is damage.
   */
  setRank0Damaged(damaged: boolean): void {
    const f = this.host.fsMap.list()[0];
    if (f === undefined) return;
    const key = `${f.mdsmap.fs_name}/0`;
    if (damaged === this.damaged.has(key)) return;
    if (damaged) this.damaged.add(key);
    else this.damaged.delete(key);
    this.host.recheckHealth();
  }

  /**
   * The checks the monitors raise from the daemons' beacons (`MDSMonitor`'s `pending_daemon_health`): `MDS_DAMAGE`,
   * an error, from each holder of a damaged rank.
   */
  healthChecks(): Record<string, HealthCheck> {
    const detail: string[] = [];
    for (const key of this.damaged) {
      const [fs, rank] = [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)];
      const gid = this.host.fsMap.get(fs)?.mdsmap.up[`mds_${rank}`];
      const d = this.daemons.find((x) => x.running && x.gid === gid);
      if (d !== undefined) detail.push(`mds.${d.name}(mds.${rank}): Metadata damage detected`);
    }
    if (detail.length === 0) return {};
    return {
      MDS_DAMAGE: {
        severity: 'HEALTH_ERR',
        summary: { message: `${detail.length} MDSs report damaged metadata`, count: detail.length },
        detail: detail.map((message) => ({ message })),
        muted: false,
      },
    };
  }

  /** Each running daemon's report of its counters at `now`, covering the `periodMs` before it. */
  reports(now: number, periodMs: number): ClusterEvent[] {
    const out: ClusterEvent[] = [];
    for (const d of this.daemons) {
      if (!d.running) continue;
      const role = this.host.fsMap.roleOf(d.gid);
      const state = role && this.host.fsMap.get(role.fs)?.mdsmap.info[`gid_${d.gid}`]?.state;
      if (state === 'up:active') {
        if (d.activeSince < 0) d.activeSince = now;
        const noise = 0.85 + (hash32(this.seed, 0x3d5e, d.index, Math.floor(now / periodMs)) % 1000) / 3333;
        const n = Math.round(this.load.requestsPerSec * (periodMs / 1000) * noise);
        d.counters.serve(n, periodMs / 1000, (now - d.activeSince) / 1000);
      } else {
        d.counters.idle();
      }
      out.push({ v: 1, t: now, kind: 'daemon_report', daemon: `mds.${d.name}`, counters: d.counters.report() });
    }
    return out;
  }

  /** Daemon `d`, holding a rank in state `from`, reports `to` at `at` (if it still holds it in that state then). */
  private step(d: MdsDaemon, from: string, to: string, at: number): void {
    const gid = d.gid;
    this.host.schedule(at, (t) => {
      const role = this.host.fsMap.roleOf(gid);
      const info = role && this.host.fsMap.get(role.fs)?.mdsmap.info[`gid_${gid}`];
      if (!d.running || d.gid !== gid || role === undefined || info?.state !== from) return;
      this.host.fsMap.setState(gid, to);
      this.host.recheckHealth();
      // The clients mount a new file system's rank 0, and reconnect to a failed rank's new holder.
      if (to === 'up:reconnect' || (to === 'up:active' && from === 'up:creating' && role.rank === 0)) {
        d.counters.open(this.load.clients);
      }
      if (to === 'up:active') {
        d.activeSince = t;
        this.host.clog(t, '[INF]', `daemon mds.${d.name} is now active in filesystem ${role.fs} as rank ${role.rank}`);
      }
    });
  }

  private find(name: string): MdsDaemon | undefined {
    return this.daemons.find((d) => d.name === name);
  }

  private port(d: MdsDaemon): number {
    return BASE_PORT + 2 * d.index;
  }

  /** The daemon as `ceph fs dump` lists it. */
  private info(d: MdsDaemon): MdsInfo {
    const ip = this.topo.hostAddrs[d.host]!;
    const port = this.port(d);
    return {
      gid: d.gid,
      name: d.name,
      rank: -1,
      incarnation: 0,
      state: 'up:standby',
      state_seq: 1,
      addr: `${ip}:${port + 1}/${d.nonce}`,
      addrs: {
        addrvec: [
          { type: 'v2', addr: `${ip}:${port}`, nonce: d.nonce },
          { type: 'v1', addr: `${ip}:${port + 1}`, nonce: d.nonce },
        ],
      },
      join_fscid: -1,
      export_targets: [],
      features: MDS_FEATURES,
      flags: 0,
    };
  }

  /** `ceph mds metadata <name>` (all strings). */
  private metadata(d: MdsDaemon): DaemonMetadata {
    const ip = this.topo.hostAddrs[d.host]!;
    const port = this.port(d);
    return daemonMetadata(this.topo.hostNames[d.host]!, {
      addr: `[v2:${ip}:${port}/${d.nonce},v1:${ip}:${port + 1}/${d.nonce}]`,
    });
  }
}
