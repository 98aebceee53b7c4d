import type { MgrError } from '../errors.ts';
import type { ModuleHealthCheck } from '../health/health-checks.ts';

/** `MGR_STORE_WRITE_FAILED`: the store refuses writes; the daemon holds new events and tries again. */
export function storeHealthChecks(error: MgrError): Record<string, ModuleHealthCheck> {
  return {
    MGR_STORE_WRITE_FAILED: {
      severity: 'error',
      summary: `mgr ${error.message}`,
      detail: [
        'new events are held and committed again every few seconds; commands that write (config set, config-key set) fail',
        'modules and commands go on reading the last committed state',
      ],
    },
  };
}
