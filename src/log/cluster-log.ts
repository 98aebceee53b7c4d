import type { ClogEntry } from '../../schemas/daemon/index.ts';
import { MgrError } from '../errors.ts';

/**
 * Cluster log priorities as Ceph's `MgrModule.ClusterLogPrio` numbers them (its `clog_type`), for
 * `cluster_log(channel, priority, message)`.
 *
 * @example
 * ```ts
 * await this.cluster_log('cluster', ClusterLogPrio.WARN, 'pool "rbd" is nearly full');
 * ```
 */
export const ClusterLogPrio = { DEBUG: 0, INFO: 1, SEC: 2, WARN: 3, ERROR: 4 } as const;
export type ClusterLogPrioName = keyof typeof ClusterLogPrio;

/** How each priority prints in a log entry, by `ClusterLogPrio` number. */
export const CLOG_PRIORITIES = ['[DBG]', '[INF]', '[SEC]', '[WRN]', '[ERR]'] as const;
/** A priority as a log entry prints it (`[WRN]`). */
export type ClogPriority = (typeof CLOG_PRIORITIES)[number];

/** The level names of `log last [<level>]`, by `ClusterLogPrio` number. */
export const CLOG_LEVELS = ['debug', 'info', 'sec', 'warn', 'error'] as const;
/** A level name of `log last [<level>]` (`warn`). */
export type ClogLevel = (typeof CLOG_LEVELS)[number];

/** What `cluster_log` takes as a priority: Ceph's number or name, a `log last` level, or the printed form. */
export type ClusterLogPriority = number | ClusterLogPrioName | ClogLevel | ClogPriority;

/** The printed priority (`[WRN]`) of any accepted spelling; anything else is a typed error listing the choices. */
export function clogPriority(priority: ClusterLogPriority): ClogPriority {
  if (typeof priority === 'number') {
    const p = CLOG_PRIORITIES[priority];
    if (Number.isInteger(priority) && p !== undefined) return p;
  } else if (typeof priority === 'string') {
    if ((CLOG_PRIORITIES as readonly string[]).includes(priority)) return priority as ClogPriority;
    const n = ClusterLogPrio[priority.toUpperCase() as ClusterLogPrioName];
    if (n !== undefined) return CLOG_PRIORITIES[n];
  }
  throw new MgrError(
    'MGR_ERR_CLUSTER_LOG_ARGS',
    `unknown cluster log priority ${JSON.stringify(priority)}: one of ${Object.entries(ClusterLogPrio)
      .map(([name, n]) => `${n} (${name})`)
      .join(', ')}`,
  );
}

/** The rank of a printed priority; an unknown one (a trace may hold anything) ranks with `[INF]`. */
function rank(priority: string): number {
  const n = (CLOG_PRIORITIES as readonly string[]).indexOf(priority);
  return n === -1 ? ClusterLogPrio.INFO : n;
}

/** One entry as `ceph log last` prints it: `<stamp> <name> (<rank>) <seq> : <channel> <prio> <message>`. */
export function formatClogEntry(e: ClogEntry): string {
  return `${e.stamp} ${e.name} (${e.rank}) ${e.seq} : ${e.channel} ${e.priority} ${e.message}`;
}

/**
 * The last `num` entries at or above `level` on `channel` (`*` for every channel), oldest first, as the monitors'
 * `log last` picks them.
 */
export function lastClogEntries(
  entries: readonly ClogEntry[],
  num = 20,
  level: ClogLevel = 'info',
  channel = 'cluster',
): ClogEntry[] {
  const min = CLOG_LEVELS.indexOf(level);
  const matching = entries.filter((e) => (channel === '*' || e.channel === channel) && rank(e.priority) >= min);
  return matching.slice(Math.max(0, matching.length - num));
}
