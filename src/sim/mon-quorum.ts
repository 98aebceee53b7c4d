import type { HealthCheck } from '../../schemas/maps/health.ts';
import type { EntityAddrVec, MonMap } from '../../schemas/maps/mon-map.ts';

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

  constructor(private readonly monMap: MonMap) {
    this.running = monMap.mons.map(() => true);
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
  set(rank: number, run: boolean): string[] {
    if (rank < 0 || rank >= this.running.length || this.running[rank] === run) return [];
    this.running[rank] = run;
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
