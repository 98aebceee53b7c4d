import type { HealthCheck } from '../../schemas/maps/health.ts';
import type { EntityAddrVec, MonMap } from '../../schemas/maps/mon-map.ts';
import type { MonStatus } from '../../schemas/maps/mon-status.ts';

/** Pacific's monitor features, as a Pacific `mon_status` prints them. */
const MON_FEATURES = [
  'kraken',
  'luminous',
  'mimic',
  'osdmap-prune',
  'nautilus',
  'octopus',
  'pacific',
  'elector-pinging',
];
const LUMINOUS_FEATURES = { features: '0x3f01cfbdfffdffff', release: 'luminous' };

/** `entity_addrvec_t` as Ceph prints it: `[v2:10.0.0.3:3300/0,v1:10.0.0.3:6789/0]`. */
function addrvecString(v: EntityAddrVec | undefined): string {
  const parts = (v?.addrvec ?? []).map((a) => `${a.type}:${a.addr}/${a.nonce}`);
  return parts.length === 1 ? parts[0]! : `[${parts.join(',')}]`;
}

/**
 * The monitors as a quorum: which of the mon map's monitors run, and what follows from it. A monitor stopping or
 * starting changes the quorum, not the mon map (its epoch stays): the survivors hold an election, and the leader
 * raises `MON_DOWN` as Ceph's `HealthMonitor` words it.
 */
export class MonQuorum {
  private readonly running: boolean[];
  /** Bumped by 2 for each election (odd while electing, even once a quorum formed). */
  private electionEpoch = 6;
  private quorumSince: number;

  constructor(
    private readonly monMap: MonMap,
    startMs: number,
  ) {
    this.running = monMap.mons.map(() => true);
    this.quorumSince = startMs - 3_600_000;
  }

  /** The election epoch of the current quorum. */
  get epoch(): number {
    return this.electionEpoch;
  }

  /** The ranks in quorum, in order. */
  get quorum(): number[] {
    return this.monMap.mons.filter((m) => this.running[m.rank]).map((m) => m.rank);
  }

  /** The names of the monitors in quorum, by rank. */
  get quorumNames(): string[] {
    return this.quorum.map((r) => this.monMap.mons[r]!.name);
  }

  /** The monitors out of quorum, by name. */
  get outsideQuorum(): string[] {
    return this.monMap.mons.filter((m) => !this.running[m.rank]).map((m) => m.name);
  }

  /**
   * Monitor `rank` stops (`false`) or starts (`true`). Returns the cluster log lines of the election that follows, as
   * the leader (the lowest rank in quorum) writes them, or none when nothing changed.
   */
  set(rank: number, run: boolean, now: number): string[] {
    if (rank < 0 || rank >= this.running.length || this.running[rank] === run) return [];
    this.running[rank] = run;
    this.electionEpoch += 2;
    this.quorumSince = now;
    const q = this.quorum;
    if (q.length === 0) return [];
    const leader = this.monMap.mons[q[0]!]!.name;
    return [
      `mon.${leader} calling monitor election`,
      `mon.${leader} is new leader, mons ${this.quorumNames.join(',')} in quorum (ranks ${q.join(',')})`,
    ];
  }

  /** The mon map as `ceph mon dump` prints it: with the current quorum. */
  dump(): MonMap {
    return { ...this.monMap, quorum: this.quorum };
  }

  /**
   * `ceph mon_status` of the leader (what the manager's `get('mon_status')` carries): its quorum, the monitors out
   * of it, and the sessions it has (`osds` OSDs up, one manager).
   */
  status(now: number, osds: number): MonStatus {
    const q = this.quorum;
    const leader = this.monMap.mons[q[0] ?? 0]!;
    const { quorum: _, ...monmap } = this.monMap;
    return {
      name: leader.name,
      rank: leader.rank,
      state: 'leader',
      election_epoch: this.electionEpoch,
      quorum: q,
      quorum_age: Math.max(0, Math.floor((now - this.quorumSince) / 1000)),
      features: {
        required_con: '2449958747317026820',
        required_mon: [...MON_FEATURES],
        quorum_con: '4540138314316775423',
        quorum_mon: [...MON_FEATURES],
      },
      outside_quorum: this.outsideQuorum,
      extra_probe_peers: [],
      sync_provider: [],
      monmap: structuredClone(monmap),
      feature_map: {
        mon: [{ ...LUMINOUS_FEATURES, num: q.length - 1 }],
        osd: [{ ...LUMINOUS_FEATURES, num: osds }],
        mgr: [{ ...LUMINOUS_FEATURES, num: 1 }],
      },
      stretch_mode: false,
    };
  }

  /** `MON_DOWN` while a monitor is out of quorum: "1/3 mons down, quorum a,b", a detail line per monitor. */
  healthCheck(): HealthCheck | undefined {
    const max = this.monMap.mons.length;
    const down = this.monMap.mons.filter((m) => !this.running[m.rank]);
    if (down.length === 0) return undefined;
    return {
      severity: 'HEALTH_WARN',
      summary: { message: `${down.length}/${max} mons down, quorum ${this.quorumNames.join(',')}`, count: down.length },
      detail: down.map((m) => ({
        message: `mon.${m.name} (rank ${m.rank}) addr ${addrvecString(m.public_addrs)} is down (out of quorum)`,
      })),
      muted: false,
    };
  }
}
