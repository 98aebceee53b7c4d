import type { HealthCheck } from '../../schemas/maps/health.ts';
import { cephStamp } from '../cluster/ceph-time.ts';

const DAY_S = 86_400;

/** The devicehealth module's option defaults (`mgr/devicehealth/...`), in seconds. */
export const DEVICEHEALTH_DEFAULTS = {
  mark_out_threshold: DAY_S * 14 * 2,
  warn_threshold: DAY_S * 14 * 6,
  sleep_interval: 600,
} as const;

/** An OSD's device, as `ceph device ls` names it: `<model>_<serial>`, on `host:dev`. */
export interface OsdDevice {
  readonly devid: string;
  readonly host: string;
  readonly dev: string;
  readonly path: string;
}

/** What `check_health` reads: the OSD map's in/out, each OSD's PG count and device, and the config it uses. */
export interface DeviceCheckInput {
  readonly now: number;
  readonly osds: number;
  isIn(osd: number): boolean;
  numPgs(osd: number): number;
  device(osd: number): OsdDevice;
  /** `mon_osd_min_in_ratio` (0.75 by default). */
  readonly minInRatio: number;
  readonly selfHeal: boolean;
  readonly markOutThresholdSec: number;
  readonly warnThresholdSec: number;
}

/** What one `check_health` pass found: the module's health checks, and the OSDs it marks out (`osd out`). */
export interface DeviceCheckResult {
  readonly checks: Record<string, HealthCheck>;
  readonly markOut: readonly number[];
}

const warn = (message: string, count: number, detail: readonly string[]): HealthCheck => ({
  severity: 'HEALTH_WARN',
  summary: { message, count },
  detail: detail.map((m) => ({ message: m })),
  muted: false,
});

/**
 * The devicehealth module of the simulated cluster's manager: the life expectancy predicted for OSDs' devices, and
 * its `check_health` pass, as Ceph's: `DEVICE_HEALTH` for each device expected to fail within `warn_threshold`;
 * with `self_heal`, the OSDs on devices failing within `mark_out_threshold` marked out (next to fail first) as long
 * as the share of OSDs in stays at `mon_osd_min_in_ratio` or above, else `DEVICE_HEALTH_TOOMANY`; and
 * `DEVICE_HEALTH_IN_USE` for such an OSD already out that still holds PGs.
 */
export class DeviceFailures {
  /** OSD -> stream time its device is expected to fail by (`life_expectancy_max`). */
  private readonly expected = new Map<number, number>();
  /** OSD -> when the prediction was made (`life_expectancy_stamp`). */
  private readonly stamps = new Map<number, number>();
  private current: Record<string, HealthCheck> = {};

  /** OSD `osd`'s device is predicted at `now` to fail by stream time `byMs`. */
  predict(osd: number, byMs: number, now: number): void {
    this.expected.set(osd, byMs);
    this.stamps.set(osd, now);
  }

  /** OSD `osd`'s device was replaced: no prediction for it any more. */
  replace(osd: number): void {
    this.expected.delete(osd);
    this.stamps.delete(osd);
  }

  /**
   * `device ls` (JSON) of the devices of OSDs `0..osds-1`, by device id, as the manager's `DeviceState` dumps them:
   * with the life expectancy of those predicted to fail.
   */
  list(osds: number, device: (osd: number) => OsdDevice): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (let o = 0; o < osds; o++) {
      const d = device(o);
      const by = this.expected.get(o);
      const life =
        by === undefined
          ? {}
          : {
              life_expectancy_min: cephStamp(by),
              life_expectancy_max: cephStamp(by),
              life_expectancy_stamp: cephStamp(this.stamps.get(o)!),
            };
      out.push({
        devid: d.devid,
        location: [{ host: d.host, dev: d.dev, path: d.path }],
        daemons: [`osd.${o}`],
        ...life,
      });
    }
    return out.sort((a, b) => ((a.devid as string) < (b.devid as string) ? -1 : 1));
  }

  /** The stream time OSD `osd`'s device is expected to fail by, or undefined. */
  lifeExpectancy(osd: number): number | undefined {
    return this.expected.get(osd);
  }

  /** The checks the last {@link check} set (the module's `set_health_checks`). */
  checks(): Record<string, HealthCheck> {
    return this.current;
  }

  /** One `check_health` pass: sets the module's checks and returns them with the OSDs to mark out. */
  check(h: DeviceCheckInput): DeviceCheckResult {
    const inUse: string[] = [];
    const failing: string[] = [];
    const osdsIn: Array<[number, number]> = [];
    const osdsOut: number[] = [];
    for (const [osd, byMs] of [...this.expected].sort((a, b) => a[0] - b[0])) {
      if (osd >= h.osds) continue;
      const left = (byMs - h.now) / 1000;
      if (left <= h.markOutThresholdSec && h.selfHeal) {
        if (h.isIn(osd)) osdsIn.push([osd, byMs]);
        else osdsOut.push(osd);
      }
      if (left <= h.warnThresholdSec) {
        const d = h.device(osd);
        const stamp = cephStamp(byMs);
        failing.push(
          `${d.devid} (${d.host}:${d.dev}); daemons osd.${osd}; life expectancy between ${stamp} and ${stamp}`,
        );
      }
    }
    for (const osd of osdsOut) {
      const n = h.numPgs(osd);
      if (n > 0) inUse.push(`osd.${osd} is marked out but still has ${n} PG(s)`);
    }
    const checks: Record<string, HealthCheck> = {};
    const markOut: number[] = [];
    if (osdsIn.length > 0) {
      let numIn = 0;
      for (let o = 0; o < h.osds; o++) if (h.isIn(o)) numIn++;
      const bad = osdsIn.sort((a, b) => a[1] - b[1]);
      for (const [osd] of bad) {
        const ratio = (numIn - markOut.length - 1) / h.osds;
        if (ratio < h.minInRatio) {
          const finalRatio = (numIn - bad.length) / h.osds;
          checks.DEVICE_HEALTH_TOOMANY = warn('Too many daemons are expected to fail soon', 0, [
            `${bad.length - markOut.length} OSDs with failing device(s) would bring "in" ratio to ` +
              `${finalRatio.toFixed(6)} < mon_osd_min_in_ratio ${h.minInRatio.toFixed(6)}`,
          ]);
          break;
        }
        markOut.push(osd);
      }
    }
    if (failing.length > 0) {
      checks.DEVICE_HEALTH = warn(`${failing.length} device(s) expected to fail soon`, failing.length, failing);
    }
    if (inUse.length > 0) {
      checks.DEVICE_HEALTH_IN_USE = warn(
        `${inUse.length} daemon(s) expected to fail soon and still contain data`,
        inUse.length,
        inUse,
      );
    }
    this.current = Object.fromEntries(
      Object.keys(checks)
        .sort()
        .map((k) => [k, checks[k]!]),
    );
    return { checks: this.current, markOut };
  }
}
