import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { ClusterEvent } from '../schemas/event.ts';
import { parseTraceLine } from '../src/ingest/parse-line.ts';
import { type ClusterState, createEmptyState } from '../src/state/cluster-state.ts';
import { foldBatch } from '../src/state/fold.ts';
import { type Measurement, measure } from './harness.ts';

export interface FoldRow {
  name: string;
  eventsPerSec: number;
  baselineEventsPerSec: number;
  /** Batched fold throughput over one `produce` per event. */
  ratio: number;
  median: Measurement;
}

function events(path: string): ClusterEvent[] {
  return gunzipSync(readFileSync(path))
    .toString('utf8')
    .split('\n')
    .map((l, i) => parseTraceLine(l, path, i + 1))
    .flatMap((p) => (p !== null && 'event' in p ? [p.event] : []));
}

function foldAll(evs: ClusterEvent[], batch: number): ClusterState {
  let s = createEmptyState();
  for (let i = 0; i < evs.length; i += batch) {
    s = foldBatch(
      s,
      evs.slice(i, i + batch).map((event, ref) => ({ event, ref })),
    ).state;
  }
  return s;
}

/** Fold throughput of a whole trace, batched 256 events per `produce`, against one `produce` per event. */
export function benchFold(paths: string[]): FoldRow[] {
  return paths.map((path) => {
    const evs = events(path);
    const name = path.split('/').pop()!;
    const batched = measure(`fold ${name} (batches of 256)`, () => foldAll(evs, 256), { batches: 10, batchMs: 1 });
    const single = measure(`fold ${name} (1 per produce)`, () => foldAll(evs, 1), { batches: 10, batchMs: 1 });
    const eps = (m: Measurement) => evs.length / (m.medianNs / 1e9);
    return {
      name,
      eventsPerSec: eps(batched),
      baselineEventsPerSec: eps(single),
      ratio: single.medianNs / batched.medianNs,
      median: batched,
    };
  });
}

export function printFold(rows: FoldRow[]): void {
  console.log('\nfold throughput (whole trace folded in memory; baseline: one produce per event)');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(36)} ${Math.round(r.eventsPerSec).toLocaleString('en-US').padStart(10)} events/s batched, ${Math.round(r.baselineEventsPerSec).toLocaleString('en-US').padStart(10)} one at a time: ${r.ratio.toFixed(2)}x`,
    );
  }
}
