import { MgrError } from '../errors.ts';
import type { Accessors } from '../module/accessors.ts';

/** The accessors `mgrkit call` can reach, with how many string arguments each takes. */
const ARITY = {
  get: [1, 1],
  get_metadata: [2, 3],
  get_daemon_status: [2, 2],
  get_counter: [3, 3],
  get_latest_counter: [3, 3],
  have_mon_connection: [0, 0],
  list_servers: [0, 0],
  get_server: [1, 1],
  get_perf_schema: [2, 2],
  get_all_perf_counters: [0, 1],
  get_daemon_health_metrics: [0, 0],
  get_ceph_option: [1, 1],
} as const satisfies Record<string, readonly [number, number]>;

export const CALLABLE = Object.keys(ARITY);

/** Calls a read accessor by name with string arguments, checking the name and the argument count. */
export function callAccessor(accessors: Accessors, method: string, args: string[]): unknown {
  if (!Object.hasOwn(ARITY, method)) {
    throw new MgrError('MGR_ERR_CALL_UNKNOWN_METHOD', `unknown accessor "${method}"; one of: ${CALLABLE.join(', ')}`);
  }
  const [min, max] = ARITY[method as keyof typeof ARITY];
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new MgrError('MGR_ERR_USAGE', `${method} takes ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
  const fn = accessors[method as keyof typeof ARITY] as (...a: unknown[]) => unknown;
  return fn.apply(accessors, method === 'get_all_perf_counters' ? args.map(Number) : args);
}
