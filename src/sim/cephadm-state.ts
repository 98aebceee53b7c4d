import type { HealthCheck } from '../../schemas/maps/health.ts';

/** cephadm's serve loop wakes at least this often (here: what it notices shows from its next pass). */
export const CEPHADM_LOOP_MS = 60_000;

interface Upgrade {
  readonly image: string;
  readonly startedMs: number;
  /** The exception `_do_upgrade` hits at its first pass, as `str(e)`. */
  readonly exception: string;
}

const check = (severity: HealthCheck['severity'], message: string, detail: readonly string[]): HealthCheck => ({
  severity,
  summary: { message, count: 1 },
  detail: detail.map((m) => ({ message: m })),
  muted: false,
});

/**
 * The cephadm orchestrator module of the simulated cluster's manager, as far as its health checks go:
 * `orch pause`/`resume` (`CEPHADM_PAUSED`), daemons whose systemd unit failed (`CEPHADM_FAILED_DAEMON`, seen at the
 * serve loop's next pass) and an upgrade whose `_do_upgrade` raised (`UPGRADE_EXCEPTION`, an error, until
 * `orch upgrade stop`), with cephadm's codes and words.
 */
export class CephadmState {
  paused = false;
  private readonly failed = new Map<string, { host: string; seenMs: number }>();
  private upgrade: Upgrade | null = null;

  /** Daemon `name` on `host` is in error state from `now` (cephadm sees it at its next pass); false: running again. */
  setFailed(name: string, host: string, failed: boolean, now: number): void {
    if (failed) this.failed.set(name, { host, seenMs: now + CEPHADM_LOOP_MS });
    else this.failed.delete(name);
  }

  /** The host of a daemon in error state, or undefined. */
  failedHost(name: string): string | undefined {
    return this.failed.get(name)?.host;
  }

  /** `orch upgrade start`: the first pass (a loop later) hits `exception`. */
  startUpgrade(image: string, now: number, exception: string): void {
    this.upgrade = { image, startedMs: now, exception };
  }

  /** `orch upgrade stop`: the target image, or undefined when none was in progress. */
  stopUpgrade(): string | undefined {
    const image = this.upgrade?.image;
    this.upgrade = null;
    return image;
  }

  /** `orch upgrade status`, as cephadm prints it. */
  upgradeStatus(now: number): Record<string, unknown> {
    const u = this.upgrade;
    const failed = u !== null && now >= u.startedMs + CEPHADM_LOOP_MS;
    return {
      target_image: u?.image ?? null,
      in_progress: u !== null,
      which: u === null ? '<unknown>' : 'Upgrading all daemon types on all hosts',
      services_complete: [],
      progress: u === null ? null : '0/0 daemons upgraded',
      message: failed ? 'Error: UPGRADE_EXCEPTION: Upgrade: failed due to an unexpected exception' : '',
      is_paused: failed,
    };
  }

  /** The module's checks at `now`. */
  checks(now: number): Record<string, HealthCheck> {
    const out: Record<string, HealthCheck> = {};
    if (this.paused)
      out.CEPHADM_PAUSED = check('HEALTH_WARN', 'cephadm background work is paused', ["'ceph orch resume' to resume"]);
    const failed = [...this.failed]
      .filter(([, f]) => now >= f.seenMs)
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([name, f]) => `daemon ${name} on ${f.host} is in error state`);
    if (failed.length > 0) {
      out.CEPHADM_FAILED_DAEMON = {
        ...check('HEALTH_WARN', `${failed.length} failed cephadm daemon(s)`, failed),
        summary: { message: `${failed.length} failed cephadm daemon(s)`, count: failed.length },
      };
    }
    const u = this.upgrade;
    if (u !== null && now >= u.startedMs + CEPHADM_LOOP_MS) {
      out.UPGRADE_EXCEPTION = check('HEALTH_ERR', 'Upgrade: failed due to an unexpected exception', [
        `Unexpected exception occurred during upgrade process: ${u.exception}`,
      ]);
    }
    return out;
  }
}
