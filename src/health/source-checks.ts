import type { HealthChecks, ModuleHealthCheck } from './health-checks.ts';

/** The key the source's checks are kept under: not a module name (a folder name has no `/`), nor the host's `mgr`. */
const SOURCE = 'mgrkit/source';

/**
 * What went wrong with the source a running host ingests, as health checks (mgrkit's own, named in Ceph's style):
 * `MGR_SOURCE_FAILED` (error) once the source stopped on an error, with the reason; `MGR_SOURCE_BAD_LINES` (warning)
 * with how many lines it rejected, and the last rejection in the detail. They last as long as the run: the lines
 * were skipped and the stream did end, which no later event undoes.
 */
export class SourceChecks {
  private readonly health: HealthChecks;
  private readonly spec: string;
  private rejected = 0;
  private lastRejection = '';
  private failure = '';

  constructor(health: HealthChecks, spec: string) {
    this.health = health;
    this.spec = spec;
  }

  /** A line the source rejected (formatted as `file:line: path: reason`). */
  rejection(text: string): void {
    this.rejected++;
    this.lastRejection = text;
    this.publish();
  }

  /** The source stopped on an error. */
  failed(reason: string): void {
    this.failure = reason;
    this.publish();
  }

  get rejections(): number {
    return this.rejected;
  }

  private publish(): void {
    const checks: Record<string, ModuleHealthCheck> = {};
    if (this.failure !== '') {
      checks.MGR_SOURCE_FAILED = {
        severity: 'error',
        summary: `Source '${this.spec}' has failed: ${this.failure}`,
        count: 1,
        detail: [this.failure],
      };
    }
    if (this.rejected > 0) {
      checks.MGR_SOURCE_BAD_LINES = {
        severity: 'warning',
        summary: `${this.rejected} ${this.rejected === 1 ? 'line' : 'lines'} of source '${this.spec}' rejected`,
        count: this.rejected,
        detail: [`last: ${this.lastRejection}`],
      };
    }
    this.health.set(SOURCE, checks);
  }
}
