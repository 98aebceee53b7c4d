import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { ClusterEvent, JournaledEvent } from '../schemas/event.ts';
import { createNotifyBus } from '../src/bus/emitter.ts';
import type { NotifyType } from '../src/bus/notify-types.ts';
import { MgrHost } from '../src/host/host.ts';
import { describeModule } from '../src/host/loader.ts';
import { createRootLogger } from '../src/log/logger.ts';
import { MgrModule } from '../src/module/mgr-module.ts';
import { type ClusterState, createEmptyState } from '../src/state/cluster-state.ts';
import { foldBatch } from '../src/state/fold.ts';
import { formatNs } from './harness.ts';

export interface NotifyRow {
  modules: number;
  cues: number;
  medianNs: number;
  p99Ns: number;
  baseline: { medianNs: number; p99Ns: number };
  /** How many times the host's delivery costs over the baseline (a bare mitt emit to a handler). */
  ratio: number;
}

function stats(samples: number[]): { medianNs: number; p99Ns: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { medianNs: s[Math.floor(s.length / 2)]!, p99Ns: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]! };
}

/** Each step of a trace as published: the snapshot after the event, and the event. */
function steps(tracePath: string): Array<{ state: ClusterState; events: JournaledEvent[] }> {
  const events = gunzipSync(readFileSync(tracePath))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ClusterEvent);
  let state = createEmptyState();
  return events.map((event, ref) => {
    const r = foldBatch(state, [{ event, ref }]);
    state = r.state;
    return { state, events: r.accepted.map((a) => a.event) };
  });
}

const entered: number[] = [];

class Listener extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map', 'health', 'clog'];
  notify(): void {
    entered.push(performance.now());
  }
}

/**
 * From a snapshot published to each module's `notify` being entered, with 1, 10 and 50 modules taking `osd_map`,
 * `health` and `clog` cues over the trace's events. Baseline in the same run: a bare mitt emit to as many handlers.
 */
export async function benchNotify(tracePath: string, counts = [1, 10, 50], rounds = 5): Promise<NotifyRow[]> {
  const all = steps(tracePath);
  const rows: NotifyRow[] = [];
  for (const n of counts) {
    const preloaded = Array.from({ length: n }, (_, i) => describeModule(`listener${i}`, '<bench>', Listener, null));
    const host = await MgrHost.create({
      preloaded,
      builtinModules: false,
      logger: createRootLogger({ file: '/dev/null' }),
    });
    host.modules.use(preloaded.map((p) => p.name));
    host.start();
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      host.feed.adopt(createEmptyState());
      for (const { state, events } of all) {
        entered.length = 0;
        const t0 = performance.now();
        host.feed.publish(state, events);
        await host.idle();
        for (const t of entered) samples.push((t - t0) * 1e6);
      }
    }
    await host.stop();
    const bus = createNotifyBus();
    const base: number[] = [];
    const got: number[] = [];
    for (let i = 0; i < n; i++) bus.on('osd_map', () => got.push(performance.now()));
    for (let i = 0; i < samples.length / n; i++) {
      got.length = 0;
      const t0 = performance.now();
      bus.emit('osd_map', { type: 'osd_map', id: '', seq: i });
      await Promise.resolve();
      for (const t of got) base.push((t - t0) * 1e6);
    }
    const s = stats(samples);
    const b = stats(base);
    rows.push({ modules: n, cues: samples.length, ...s, baseline: b, ratio: s.medianNs / Math.max(b.medianNs, 1) });
  }
  return rows;
}

export function printNotify(rows: NotifyRow[]): void {
  console.log('\nnotify latency: snapshot published → notify() entered (median / p99 over every cue delivered)');
  console.log(
    `${'modules'.padEnd(10)} ${'cues'.padStart(8)} ${'median'.padStart(10)} ${'p99'.padStart(10)} ${'bare emit'.padStart(10)} ${'x bare'.padStart(8)}`,
  );
  for (const r of rows) {
    console.log(
      `${String(r.modules).padEnd(10)} ${String(r.cues).padStart(8)} ${formatNs(r.medianNs).padStart(10)} ${formatNs(r.p99Ns).padStart(10)} ${formatNs(r.baseline.medianNs).padStart(10)} ${r.ratio.toFixed(1).padStart(8)}`,
    );
  }
}
