import type { HealthChecks, ModuleHealthCheck } from '../health/health-checks.ts';

/** How long a refused connection shows in health. */
export const REFUSALS_KEPT_MS = 10 * 60_000;
/** How long the bridge may be without a recorder before health says so. */
export const BRIDGE_DOWN_AFTER_MS = 30_000;

/**
 * The bridge's own health checks (source `bridge`): `MGRKIT_BRIDGE_REFUSED` while a peer was refused in the last ten
 * minutes, and `MGRKIT_BRIDGE_DOWN` once no recorder has been connected for 30 s (the cluster is not followed, and
 * calls to it wait, then fail). They show in `mgrkit` health, and reach the cluster's own once a recorder is back.
 */
export class BridgeHealth {
  #health: HealthChecks | null = null;
  #refusals: Array<{ at: number; line: string }> = [];
  #refusalTimer: NodeJS.Timeout | undefined;
  #downSince: number | null = null;
  #down = false;
  #downTimer: NodeJS.Timeout | undefined;
  #mgr = '';

  /** Starts raising checks in `health`; until a recorder connects, it counts as away from now. */
  attach(health: HealthChecks): void {
    this.#health = health;
    this.changed(false, '');
  }

  refused(peer: string, why: string): void {
    const now = Date.now();
    this.#refusals = [
      ...this.#refusals.filter((r) => r.at > now - REFUSALS_KEPT_MS),
      { at: now, line: `${peer}: ${why}` },
    ];
    clearTimeout(this.#refusalTimer);
    this.#refusalTimer = setTimeout(() => {
      this.#refusals = [];
      this.#raise();
    }, REFUSALS_KEPT_MS);
    this.#refusalTimer.unref();
    this.#raise();
  }

  /** A recorder said hello (`up`, in `mgr`) or went away. */
  changed(up: boolean, mgr: string): void {
    clearTimeout(this.#downTimer);
    if (up) {
      this.#mgr = mgr;
      this.#downSince = null;
      this.#down = false;
    } else {
      this.#downSince ??= Date.now();
      this.#downTimer = setTimeout(() => {
        this.#down = true;
        this.#raise();
      }, BRIDGE_DOWN_AFTER_MS);
      this.#downTimer.unref();
    }
    this.#raise();
  }

  stop(): void {
    clearTimeout(this.#refusalTimer);
    clearTimeout(this.#downTimer);
  }

  #raise(): void {
    const checks: Record<string, ModuleHealthCheck> = {};
    const n = this.#refusals.length;
    if (n > 0) {
      checks.MGRKIT_BRIDGE_REFUSED = {
        severity: 'warning',
        summary: `${n} connection${n === 1 ? '' : 's'} to the bridge refused in the last 10 minutes (no proof of the shared secret)`,
        count: n,
        detail: this.#refusals.slice(-10).map((r) => r.line),
      };
    }
    if (this.#down && this.#downSince !== null) {
      const who = this.#mgr === '' ? 'no recorder has connected' : `the recorder in mgr.${this.#mgr} went away`;
      checks.MGRKIT_BRIDGE_DOWN = {
        severity: 'warning',
        summary: `${who}: the cluster is not followed and calls to it fail`,
        count: 1,
        detail: [
          `without a recorder since ${new Date(this.#downSince).toISOString()}; check ceph mgrkit_recorder status and its output option`,
        ],
      };
    }
    this.#health?.set('bridge', checks);
  }
}
