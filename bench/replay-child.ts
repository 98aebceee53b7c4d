import { MgrHost } from '../src/host/host.ts';
import { createRootLogger } from '../src/log/logger.ts';
import { replayTrace } from '../src/run/replay.ts';
import { Store } from '../src/store/store.ts';

/**
 * Run in a fresh process by the targets benchmark (with `--expose-gc`): replays the trace at argv[2] into a new
 * store at argv[3] as `mgrkit replay` does (journal on, a host with no module), and prints when the stream's clock
 * passed the end of its start-up burst, the wall time per stream second after it, the whole wall time, the peak
 * resident memory and the heap the final state holds.
 */
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const BURST_MS = Number(process.argv[4] ?? 5000);
gc();
const heapBefore = process.memoryUsage().heapUsed;
const host = await MgrHost.create({ builtinModules: false, logger: createRootLogger({ file: '/dev/null' }) });
host.start();
const store = Store.open(process.argv[3]!);
const t0 = performance.now();
let firstStamp = 0;
let burst: { wall: number; stamp: number } | null = null;
let last = { wall: 0, stamp: 0 };
const publish = host.feed.publish.bind(host.feed);
host.feed.publish = (state, events) => {
  const wall = performance.now() - t0;
  if (firstStamp === 0) firstStamp = state.stamp;
  if (burst === null && state.stamp >= firstStamp + BURST_MS) burst = { wall, stamp: state.stamp };
  last = { wall, stamp: state.stamp };
  publish(state, events);
};
const { summary, state } = await replayTrace({ trace: process.argv[2]!, store, host });
const wallMs = performance.now() - t0;
await host.stop();
await store.close();
gc();
const stateHeapMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
const b = burst as { wall: number; stamp: number } | null;
process.stdout.write(
  `${JSON.stringify({
    events: summary.events.accepted,
    rejected: summary.events.rejected,
    seq: state.seq,
    wallMs,
    burstMs: b?.wall ?? null,
    steadyWallPerStreamS: b !== null && last.stamp > b.stamp ? (last.wall - b.wall) / (last.stamp - b.stamp) : null,
    finalMs: wallMs - last.wall,
    streamS: (last.stamp - firstStamp) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    stateHeapMiB,
    digest: summary.digest,
  })}\n`,
);
