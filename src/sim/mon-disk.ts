import type { HealthCheck } from '../../schemas/maps/health.ts';
import { hash32 } from './rng.ts';

/** The thresholds of `HealthMonitor::check_member_health`, in percent available (`mon_data_avail_warn`, `_crit`). */
export interface MonDiskThresholds {
  readonly warn: number;
  readonly crit: number;
}

/**
 * The file systems of the monitors' data directories (`mon_data`, `/var/lib/ceph/mon/ceph-<id>`): how much of each
 * is available, in whole percent as `get_fs_stats` reports it. Each monitor in quorum checks its own at every tick
 * and tells the leader, which merges them into `MON_DISK_LOW` / `MON_DISK_CRIT` as Ceph's `HealthMonitor` does.
 */
export class MonDataDisks {
  private readonly avail: number[];
  private readonly usual: number[];

  constructor(
    private readonly names: readonly string[],
    seed: number,
  ) {
    // A monitor's store is small next to the host's root file system it usually shares.
    this.usual = names.map((_, rank) => 78 + (hash32(seed, 0xd15c, rank) % 12));
    this.avail = [...this.usual];
  }

  /** Monitor `rank`'s data disk has `percent` available; `null`: what filled it is removed (back to its usual). */
  set(rank: number, percent: number | null): boolean {
    if (rank < 0 || rank >= this.avail.length) return false;
    const next = percent === null ? this.usual[rank]! : Math.max(0, Math.min(100, Math.floor(percent)));
    if (next === this.avail[rank]) return false;
    this.avail[rank] = next;
    return true;
  }

  /** Monitor `rank`'s available space, in percent. */
  availPercent(rank: number): number {
    return this.avail[rank] ?? 0;
  }

  /**
   * `MON_DISK_CRIT` (at or below `crit`, an error) and `MON_DISK_LOW` (at or below `warn`) of the monitors in
   * `quorum` (the leader drops what a monitor out of it reported): "mon c is low on available space",
   * "mons a,c are ...", a detail line per monitor "mon.c has 24% avail".
   */
  checks(quorum: readonly number[], t: MonDiskThresholds): Record<string, HealthCheck> {
    const crit: number[] = [];
    const low: number[] = [];
    for (const rank of quorum) {
      const a = this.avail[rank]!;
      if (a <= t.crit) crit.push(rank);
      else if (a <= t.warn) low.push(rank);
    }
    const out: Record<string, HealthCheck> = {};
    if (crit.length > 0) out.MON_DISK_CRIT = this.check('HEALTH_ERR', 'very low on available space', crit);
    if (low.length > 0) out.MON_DISK_LOW = this.check('HEALTH_WARN', 'low on available space', low);
    return out;
  }

  private check(severity: HealthCheck['severity'], what: string, ranks: number[]): HealthCheck {
    // The leader fills in the names as a std::set<string> prints: sorted, comma-separated.
    const names = ranks.map((r) => this.names[r]!).sort();
    const many = names.length > 1;
    return {
      severity,
      summary: {
        message: `mon${many ? 's' : ''} ${names.join(',')} ${many ? 'are' : 'is'} ${what}`,
        count: ranks.length,
      },
      detail: ranks.map((r) => ({ message: `mon.${this.names[r]} has ${this.avail[r]}% avail` })),
      muted: false,
    };
  }
}
