import { stateAt } from '../src/store/recovery.ts';
import { Store } from '../src/store/store.ts';
import { readerOn } from './accessors.bench.ts';

/**
 * Run in a fresh process by the scale benchmark: opens the store at argv[2], recovers its latest state, serves one
 * `get('osd_map')` from a module, and prints how long that took and the process's resident memory then.
 */
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const store = Store.open(process.argv[2]!, { readOnly: true });
const state = stateAt(store);
const { module, host } = await readerOn(state);
module.get('osd_map');
const ms = performance.now() - t0;
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({ ms, rssMiB: rss / 2 ** 20, baseRssMiB: rssBefore / 2 ** 20, heapMiB: heapUsed / 2 ** 20, seq: state.seq })}\n`,
);
await host.stop();
await store.close();
