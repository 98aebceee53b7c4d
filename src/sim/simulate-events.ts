import type { ClusterEvent } from '../../schemas/event.ts';
import type { SimOptionsInput } from './sim-options.ts';
import { SimulatedCluster } from './simulated-cluster.ts';

/**
 * The events of a simulated cluster from its start to the end of its duration, produced lazily: write them as they
 * come and a trace of millions of PG stats never sits in memory.
 *
 * @example
 * ```ts
 * for (const e of simulateEvents({ osds: 30, seed: 1, duration: 60 })) process.stdout.write(`${JSON.stringify(e)}\n`);
 * ```
 */
export function simulateEvents(options: SimOptionsInput): Iterable<ClusterEvent> {
  return new SimulatedCluster(options).events();
}
