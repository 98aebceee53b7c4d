import { createHash } from 'node:crypto';
import type { HealthCheck } from '../../schemas/maps/health.ts';
import { cephStampZ } from '../cluster/ceph-time.ts';

/** A crash report as `ceph crash info ID` prints it: `crash_id`, `timestamp`, `entity_name`, ... */
export type CrashReport = Readonly<Record<string, string | readonly string[]>>;

/** The crash module's `mgr/crash/warn_recent_interval` default: two weeks, in seconds. */
export const WARN_RECENT_INTERVAL = 60 * 60 * 24 * 14;

/** `ceph-crash` scans a host's crash directory every 10 minutes (its `--delay`) and posts what it finds. */
export const CRASH_SCAN_MS = 600_000;

/** The sanitised frames and assert message a crash's `stack_sig` hashes, as the crash module's `calc_sig`. */
function stackSig(backtrace: readonly string[], assertMsg: string | undefined): string {
  const sig = createHash('sha256');
  for (const frame of backtrace) {
    const cut = frame.lastIndexOf(' ');
    const funcPlusOffset = (cut < 0 ? frame : frame.slice(0, cut)).slice(1, -1);
    sig.update(funcPlusOffset.split('+')[0]!);
  }
  if (assertMsg !== undefined) {
    const m = /^([\s\S]*) thread .* time .*(: .*)\n/.exec(assertMsg);
    if (m !== null) sig.update(m[1]! + m[2]!);
  }
  return sig.digest('hex');
}

const plainTime = (ms: number) => cephStampZ(ms).replace('T', ' ').slice(0, -1);

/**
 * The crash module of the simulated cluster's manager: the reports `ceph-crash` posts (`crash post`), archived by
 * `crash archive`/`archive-all`, and the `RECENT_CRASH` / `RECENT_MGR_MODULE_CRASH` checks of those not archived and
 * younger than `warn_recent_interval`, in the module's words.
 */
export class CrashReports {
  private readonly reports = new Map<string, Record<string, string | readonly string[]>>();

  /** `crash post`: adds a report (with its `stack_sig`), once per `crash_id`. */
  post(report: CrashReport): void {
    const id = report.crash_id as string;
    if (this.reports.has(id)) return;
    const meta: Record<string, string | readonly string[]> = { ...report };
    const bt = report.backtrace;
    if (Array.isArray(bt)) meta.stack_sig = stackSig(bt, report.assert_msg as string | undefined);
    this.reports.set(id, meta);
  }

  /** A report by id, as `crash info` prints it (keys sorted), or undefined. */
  info(id: string): CrashReport | undefined {
    const r = this.reports.get(id);
    if (r === undefined) return undefined;
    return Object.fromEntries(
      Object.keys(r)
        .sort()
        .map((k) => [k, r[k]!]),
    );
  }

  /** The reports by id (`crash ls`), or only those not archived (`crash ls-new`). */
  list(onlyNew: boolean): CrashReport[] {
    return [...this.reports.keys()]
      .sort()
      .map((id) => this.info(id)!)
      .filter((r) => !onlyNew || r.archived === undefined);
  }

  /** `crash archive ID`: false when there is no such report. */
  archive(id: string, now: number): boolean {
    const r = this.reports.get(id);
    if (r === undefined) return false;
    if (r.archived === undefined) r.archived = plainTime(now);
    return true;
  }

  /** `crash archive-all`: every report not archived yet is. */
  archiveAll(now: number): void {
    for (const id of this.reports.keys()) this.archive(id, now);
  }

  /** The checks of the reports not archived whose timestamp is within `warnRecentSec` of `now`. */
  checks(now: number, warnRecentSec = WARN_RECENT_INTERVAL): Record<string, HealthCheck> {
    const cutoff = now - warnRecentSec * 1000;
    const daemons: string[] = [];
    const modules: string[] = [];
    for (const r of this.reports.values()) {
      if (r.archived !== undefined || Date.parse(r.timestamp as string) <= cutoff) continue;
      const who = r.entity_name ?? 'unidentified daemon';
      const host = r.utsname_hostname ?? '(unknown)';
      const at = r.timestamp ?? 'unknown time';
      if (r.mgr_module !== undefined) {
        modules.push(`mgr module ${r.mgr_module} crashed in daemon ${who} on host ${host} at ${at}`);
      } else daemons.push(`${who} crashed on host ${host} at ${at}`);
    }
    const out: Record<string, HealthCheck> = {};
    const check = (summary: string, detail: string[]): HealthCheck => {
      const shown = detail.length > 30 ? [...detail.slice(0, 30), `and ${detail.length - 30} more`] : detail;
      return {
        severity: 'HEALTH_WARN',
        summary: { message: summary, count: detail.length },
        detail: shown.map((message) => ({ message })),
        muted: false,
      };
    };
    if (daemons.length > 0) out.RECENT_CRASH = check(`${daemons.length} daemons have recently crashed`, daemons);
    if (modules.length > 0) {
      out.RECENT_MGR_MODULE_CRASH = check(`${modules.length} mgr modules have recently crashed`, modules);
    }
    return out;
  }
}
