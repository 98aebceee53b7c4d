import type { DaemonHealthMetric } from '../../schemas/daemon/perf.ts';
import type { HealthCheck } from '../../schemas/maps/health.ts';

interface SlowOps {
  readonly count: number;
  /** Since when the oldest of them is blocked. */
  readonly sinceMs: number;
}

/** Ceph's `DaemonKey` order: by type, then by id as a string (`osd.10` before `osd.2`). */
function byDaemonKey(a: string, b: string): number {
  const [ta, ia] = [a.slice(0, a.indexOf('.')), a.slice(a.indexOf('.') + 1)];
  const [tb, ib] = [b.slice(0, b.indexOf('.')), b.slice(b.indexOf('.') + 1)];
  return ta < tb ? -1 : ta > tb ? 1 : ia < ib ? -1 : ia > ib ? 1 : 0;
}

/**
 * What the simulated daemons report of their health with their stats (Ceph's `DaemonHealthMetric`): an OSD sends
 * `SLOW_OPS` and `PENDING_CREATING_PGS`, a monitor `SLOW_OPS`, each 0 unless told otherwise. The manager sums the
 * slow ops into the `SLOW_OPS` health check the monitors then show (`DaemonHealthMetricCollector`).
 */
export class DaemonHealth {
  private readonly slow = new Map<string, SlowOps>();

  /** Daemon `name` (`osd.3`, `mon.a`) has `count` slow ops from `now` on (0: none); false if that is no change. */
  setSlowOps(name: string, count: number, now: number): boolean {
    const was = this.slow.get(name);
    if ((was?.count ?? 0) === count) return false;
    if (count === 0) this.slow.delete(name);
    else this.slow.set(name, { count, sinceMs: was?.sinceMs ?? now });
    return true;
  }

  /** Slow ops daemon `name` reports now. */
  slowOps(name: string): number {
    return this.slow.get(name)?.count ?? 0;
  }

  /** An OSD's health metrics, as its report carries them. */
  osd(o: number): DaemonHealthMetric[] {
    return [
      { type: 'SLOW_OPS', value: this.slowOps(`osd.${o}`) },
      { type: 'PENDING_CREATING_PGS', value: 0 },
    ];
  }

  /** A monitor's health metrics, as its report carries them. */
  mon(name: string): DaemonHealthMetric[] {
    return [{ type: 'SLOW_OPS', value: this.slowOps(`mon.${name}`) }];
  }

  /** Forgets what a daemon reported (it stopped, or was removed). */
  forget(name: string): void {
    this.slow.delete(name);
  }

  /**
   * The `SLOW_OPS` check, in Ceph's words, of the daemons `reporting` says still send reports; none when no such
   * daemon has slow ops.
   */
  checks(now: number, reporting: (name: string) => boolean): Record<string, HealthCheck> {
    const daemons = [...this.slow.keys()].filter(reporting).sort(byDaemonKey);
    if (daemons.length === 0) return {};
    let count = 0;
    let oldest = now;
    for (const d of daemons) {
      const s = this.slow.get(d)!;
      count += s.count;
      oldest = Math.min(oldest, s.sinceMs);
    }
    const who =
      daemons.length === 1
        ? `${daemons[0]} has slow ops`
        : `daemons [${daemons.slice(0, 10).join(',')}]${daemons.length > 10 ? '...' : ''} have slow ops.`;
    const secs = Math.floor((now - oldest) / 1000);
    return {
      SLOW_OPS: {
        severity: 'HEALTH_WARN',
        summary: { message: `${count} slow ops, oldest one blocked for ${secs} sec, ${who}`, count: 1 },
        detail: [],
        muted: false,
      },
    };
  }
}
