import type { HealthCheck } from '../../schemas/maps/health.ts';
import { CephadmState } from './cephadm-state.ts';
import { mgrModuleDump, osdAssertDump } from './crash-dumps.ts';
import { CRASH_SCAN_MS, type CrashReport, CrashReports } from './crash-reports.ts';
import { DEVICEHEALTH_DEFAULTS, DeviceFailures } from './device-failures.ts';
import type { MgrModuleTarget } from './mgr-module-commands.ts';
import type { CommandResult } from './mon-commands.ts';
import { osdDevice } from './osd-device.ts';
import { hash32 } from './rng.ts';
import type { MonCommand } from './scenario.ts';
import { MGR_NAME } from './service-maps.ts';
import type { Topology } from './topology.ts';

/** systemd's `RestartSec=10` for a crashed Ceph daemon, and the OSD's start until its boot. */
const OSD_RESTART_MS = 15_000;

/** What the manager's modules reach of the cluster. */
export interface MgrModulesHost {
  readonly topo: Topology;
  readonly seed: number;
  readonly startMs: number;
  schedule(at: number, run: (now: number) => void): void;
  /** A central config value (`config set WHO NAME VALUE`), or undefined. */
  setting(who: string, name: string): string | undefined;
  isIn(osd: number): boolean;
  /** PGs whose acting set holds OSD `osd` (its `num_pgs`). */
  numPgs(osd: number): number;
  /** A command sent to the monitors, from `entity`. */
  command(cmd: MonCommand, now: number, entity: string): CommandResult;
  /** Whether OSD `osd`'s process runs. */
  running(osd: number): boolean;
  stopOsd(osd: number, now: number): void;
  startOsd(osd: number, now: number): void;
  /** Something the health depends on changed: the monitors check it at the next tick. */
  recheckHealth(): void;
}

/**
 * The simulated cluster's manager (`mgr.x`) as far as three of its modules go: crash (the reports `ceph-crash`
 * posts), devicehealth (its `check_health` every `sleep_interval`, marking OSDs out) and cephadm (pause, failed
 * daemons, upgrades). Their health checks reach the monitors' health (`checks`); their commands are answered
 * through {@link target}.
 */
export class MgrModules {
  readonly crashes = new CrashReports();
  readonly devices = new DeviceFailures();
  readonly cephadm = new CephadmState();
  /** When devicehealth's serve loop runs `check_health` next. */
  private nextDeviceCheck: number;

  constructor(private readonly h: MgrModulesHost) {
    this.nextDeviceCheck = h.startMs + (hash32(h.seed, 0xde71) % (DEVICEHEALTH_DEFAULTS.sleep_interval * 1000));
  }

  /** A module option (`config set mgr mgr/<module>/<name>`) as a number, or undefined. */
  private option(module: string, name: string): number | undefined {
    const v = this.h.setting('mgr', `mgr/${module}/${name}`);
    return v === undefined || Number.isNaN(Number(v)) ? undefined : Number(v);
  }

  /** The modules' health checks at `now`. */
  checks(now: number): Record<string, HealthCheck> {
    return {
      ...this.crashes.checks(now, this.option('crash', 'warn_recent_interval')),
      ...this.devices.checks(),
      ...this.cephadm.checks(now),
    };
  }

  /** The modules' own loops: devicehealth's `check_health` every `sleep_interval`. */
  tick(now: number): void {
    if (now < this.nextDeviceCheck) return;
    const sleep = this.option('devicehealth', 'sleep_interval') ?? DEVICEHEALTH_DEFAULTS.sleep_interval;
    this.nextDeviceCheck = now + Math.max(1, sleep) * 1000;
    this.checkDeviceHealth(now);
  }

  /** devicehealth's `check_health`: its checks, and with `self_heal` the OSDs it marks out (as `mgr.x`). */
  checkDeviceHealth(now: number): void {
    const h = this.h;
    const minIn = h.setting('mon', 'mon_osd_min_in_ratio') ?? h.setting('global', 'mon_osd_min_in_ratio') ?? '0.75';
    const before = JSON.stringify(this.devices.checks());
    const { markOut } = this.devices.check({
      now,
      osds: h.topo.osds,
      isIn: (o) => h.isIn(o),
      numPgs: (o) => h.numPgs(o),
      device: (o) => osdDevice(h.topo, o, h.seed),
      minInRatio: Number(minIn),
      selfHeal: (h.setting('mgr', 'mgr/devicehealth/self_heal') ?? 'true') === 'true',
      markOutThresholdSec:
        this.option('devicehealth', 'mark_out_threshold') ?? DEVICEHEALTH_DEFAULTS.mark_out_threshold,
      warnThresholdSec: this.option('devicehealth', 'warn_threshold') ?? DEVICEHEALTH_DEFAULTS.warn_threshold,
    });
    if (JSON.stringify(this.devices.checks()) !== before) h.recheckHealth();
    if (markOut.length > 0) {
      h.command({ prefix: 'osd out', format: 'json', ids: markOut.map(String) }, now, `mgr.${MGR_NAME}`);
    }
  }

  /** `ceph-crash` on host `host` posts `report` at its next scan of the crash directory (every 10 minutes). */
  private postAtNextScan(host: number, report: CrashReport, now: number): void {
    const { seed, startMs } = this.h;
    const phase = hash32(seed, host, 0xc4a5) % CRASH_SCAN_MS;
    const at = startMs + phase + (Math.floor((now - startMs - phase) / CRASH_SCAN_MS) + 1) * CRASH_SCAN_MS;
    this.h.schedule(at, () => {
      this.crashes.post(report);
      this.h.recheckHealth();
    });
  }

  /**
   * OSD `o`'s process hits a failed assert and aborts: the monitors mark it down, systemd starts it again
   * (`RestartSec=10`, then its boot) and it is marked up; the dump it left is posted at `ceph-crash`'s next scan.
   */
  crashOsd(o: number, now: number): void {
    const h = this.h;
    if (!h.running(o)) return;
    const host = h.topo.osdHost[o]!;
    h.stopOsd(o, now);
    h.schedule(now + OSD_RESTART_MS, (t) => h.startOsd(o, t));
    this.postAtNextScan(host, osdAssertDump(o, h.topo.hostNames[host]!, now, h.seed), now);
  }

  /** A command handler of module `module` raises: the manager's dump is posted at the next scan of its host. */
  crashModule(module: string, now: number): void {
    this.postAtNextScan(0, mgrModuleDump(MGR_NAME, module, this.h.topo.hostNames[0]!, now, this.h.seed), now);
  }

  /** cephadm's daemon `name` on host `host` (index) fails (its systemd unit gave up), or runs again. */
  setDaemonFailed(name: string, host: number, failed: boolean, now: number): void {
    this.cephadm.setFailed(name, this.h.topo.hostNames[host]!, failed, now);
  }

  /** What the modules' commands act on, at `now`. */
  target(now: number): MgrModuleTarget {
    const { topo, seed } = this.h;
    return {
      now,
      crashes: this.crashes,
      cephadm: this.cephadm,
      checkDeviceHealth: () => this.checkDeviceHealth(now),
      devices: () => this.devices.list(topo.osds, (o) => osdDevice(topo, o, seed)),
      restartDaemon: (name) => {
        const host = this.cephadm.failedHost(name);
        if (host !== undefined) this.cephadm.setFailed(name, host, false, now);
        return host;
      },
      // The target image's inspection gave no Ceph version; `_do_upgrade` reads it as a string.
      upgradeException: () => "'NoneType' object has no attribute 'startswith'",
    };
  }
}
