import { z } from 'zod';

/** One health check as a module raises it (`set_health_checks`). */
export const ModuleHealthCheckSchema = z.object({
  severity: z.enum(['warning', 'error']),
  summary: z.string(),
  count: z.number().int().nonnegative().optional(),
  detail: z.array(z.string()).default([]),
});
/** A health check as a module passes it to `set_health_checks` (`count` and `detail` may be left out). */
export type ModuleHealthCheck = z.input<typeof ModuleHealthCheckSchema>;

/** A health check as cluster health shows it (`ceph health detail -f json`). */
export interface ClusterHealthCheck {
  severity: 'HEALTH_WARN' | 'HEALTH_ERR';
  summary: { message: string; count: number };
  detail: Array<{ message: string }>;
}

/**
 * The health checks raised inside the manager, by source (each module, and the host itself as `mgr`). A source's
 * set replaces its previous one; an empty set clears it.
 */
export class HealthChecks {
  private readonly bySource = new Map<string, Record<string, ClusterHealthCheck>>();
  private readonly listeners = new Set<() => void>();
  /** Grows with every change, so a view built from the checks can tell when to rebuild. */
  version = 0;

  set(source: string, checks: Record<string, ModuleHealthCheck>): void {
    this.version++;
    const out: Record<string, ClusterHealthCheck> = {};
    for (const [code, raw] of Object.entries(checks)) {
      const c = ModuleHealthCheckSchema.parse(raw);
      out[code] = {
        severity: c.severity === 'error' ? 'HEALTH_ERR' : 'HEALTH_WARN',
        summary: { message: c.summary, count: c.count ?? c.detail.length },
        detail: c.detail.map((message) => ({ message })),
      };
    }
    if (Object.keys(out).length === 0) this.bySource.delete(source);
    else this.bySource.set(source, out);
    for (const l of this.listeners) l();
  }

  /** Every raised check, merged across sources (a code raised twice keeps the later source's). */
  all(): Record<string, ClusterHealthCheck> {
    const out: Record<string, ClusterHealthCheck> = {};
    for (const checks of this.bySource.values()) Object.assign(out, checks);
    return out;
  }

  of(source: string): Record<string, ClusterHealthCheck> {
    return this.bySource.get(source) ?? {};
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
