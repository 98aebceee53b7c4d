import type { ClusterEvent, JournaledEvent } from '../schemas/event.ts';
import type { ClusterState } from '../src/state/cluster-state.ts';
import { foldBatch } from '../src/state/fold.ts';
/** One measured operation: time per call over many batches, as median and p99 of the batch means. */
export interface Measurement {
  name: string;
  medianNs: number;
  p99Ns: number;
  batches: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Times `fn`: it is called in batches sized to take about `batchMs` each, `batches` times, after a warm-up.
 * `sink` keeps the results alive so that the engine cannot drop the calls.
 */
export function measure(
  name: string,
  fn: () => unknown,
  options: { batches?: number; batchMs?: number } = {},
): Measurement {
  const batches = options.batches ?? 40;
  const batchMs = options.batchMs ?? 10;
  let sink: unknown;
  let perBatch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) sink = fn();
    if (performance.now() - t0 >= batchMs) break;
    perBatch *= 2;
  }
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) sink = fn();
    means.push(Number(process.hrtime.bigint() - t0) / perBatch);
  }
  (globalThis as { __benchSink?: unknown }).__benchSink = sink;
  means.sort((a, b) => a - b);
  return { name, medianNs: percentile(means, 50), p99Ns: percentile(means, 99), batches };
}

/** A duration for people: ns, µs or ms as fits. */
export function formatNs(ns: number): string {
  if (ns < 1000) return `${ns.toFixed(1)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

/** Folds `events` onto `state` in batches of 2048, as a replay under load does: the last state and what it took. */
export function foldInBatches(
  state: ClusterState,
  events: readonly ClusterEvent[],
): { state: ClusterState; accepted: JournaledEvent[] } {
  const accepted: JournaledEvent[] = [];
  for (let i = 0; i < events.length; i += 2048) {
    const r = foldBatch(
      state,
      events.slice(i, i + 2048).map((event, ref) => ({ event, ref })),
    );
    state = r.state;
    for (const a of r.accepted) accepted.push(a.event);
  }
  return { state, accepted };
}
