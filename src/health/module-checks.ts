import type { ModuleHealthCheck } from './health-checks.ts';

/** What the host knows of a module's health. */
export interface ModuleCondition {
  readonly name: string;
  readonly status: string;
  readonly error: string;
}

function check(severity: 'warning' | 'error', lines: string[], many: string): ModuleHealthCheck {
  return { severity, summary: lines.length === 1 ? lines[0]! : many, count: lines.length, detail: lines };
}

/**
 * The host's own checks, worded as Ceph's `PyModuleRegistry::get_health_checks`: `MGR_MODULE_ERROR` for enabled
 * modules that failed to load or failed (constructor or `serve()` raised, a command prefix already served),
 * `MGR_MODULE_DEPENDENCY` for enabled modules that cannot run. An exception in `notify` or a command handler does
 * not fail a module, in Ceph as here: it is the command's error, logged and counted.
 */
export function moduleHealthChecks(modules: Iterable<ModuleCondition>): Record<string, ModuleHealthCheck> {
  const failed: string[] = [];
  const cannot: string[] = [];
  for (const m of modules) {
    if (m.status === 'failed' || m.status === 'load-error') failed.push(`Module '${m.name}' has failed: ${m.error}`);
    if (m.status === 'cannot-run') cannot.push(`Module '${m.name}' has failed dependency: ${m.error}`);
  }
  const checks: Record<string, ModuleHealthCheck> = {};
  if (failed.length > 0) checks.MGR_MODULE_ERROR = check('error', failed, `${failed.length} mgr modules have failed`);
  if (cannot.length > 0) {
    checks.MGR_MODULE_DEPENDENCY = check('warning', cannot, `${cannot.length} mgr modules have failed dependencies`);
  }
  return checks;
}
