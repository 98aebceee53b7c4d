// The live simulated cluster's thread: it advances the cluster on the clock and posts its events (see sim-source.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { OsdPerfMetricQuery } from '../../schemas/daemon/index.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { ClientIo } from '../cluster/cluster-commander.ts';
import type { CommandResult } from '../sim/mon-commands.ts';
import { nodeExposition } from '../sim/node-exposition.ts';
import type { SimOptionsInput } from '../sim/sim-options.ts';
import { SimulatedCluster, TICK_MS } from '../sim/simulated-cluster.ts';
import { serveNodeExporter } from './node-exporter-server.ts';
import { packSimBatch, type SimBatch, simBatchBuffers } from './sim-batch.ts';

/** What the thread is started with. */
export interface SimWorkerData {
  /** The cluster's options, its `start` set. */
  readonly options: SimOptionsInput & { readonly start: number };
  /** Times real time, or `Infinity`: a monitor tick at a time, at most `window` ticks not yet taken. */
  readonly speed: number;
  /** The wall clock (`Date.now()`) at `options.start`. */
  readonly wallStart: number;
  readonly window: number;
}

/** What the consumer sends the thread. */
export type SimWorkerRequest =
  | { readonly type: 'taken' }
  | { readonly type: 'command'; readonly id: number; readonly cmd: Readonly<Record<string, unknown>> }
  | { readonly type: 'clientIo'; readonly io: ClientIo }
  | { readonly type: 'osdPerfQueries'; readonly queries: readonly OsdPerfMetricQuery[] }
  | { readonly type: 'time'; readonly id: number };

/**
 * Events, in order (see {@link SimBatch}). `tick` marks the last message of a tick made at full speed, which the consumer
 * answers with `taken` once it has passed its events on.
 */
export interface SimEventsMessage {
  readonly type: 'events';
  readonly batch: SimBatch;
  /** The cluster's clock once these were made. */
  readonly now: number;
  readonly tick: boolean;
}

/** What the thread posts. */
export type SimWorkerMessage =
  | SimEventsMessage
  | { readonly type: 'reply'; readonly id: number; readonly result: CommandResult; readonly osdEpoch?: number }
  | { readonly type: 'reply'; readonly id: number; readonly error: string }
  | { readonly type: 'time'; readonly id: number; readonly now: number }
  | { readonly type: 'failed'; readonly error: string };

/** Events of one message at most: the consumer decodes a message at once, so a burst is cut into pieces. */
const EVENTS_PER_MESSAGE = 256;
/** How often the cluster is advanced to the wall clock once it has caught up with it. */
const PUMP_MS = 200;

/** Posts events in messages of {@link EVENTS_PER_MESSAGE} as they come; `end` posts the rest. */
class Poster {
  private pending: ClusterEvent[] = [];

  constructor(
    private readonly port: NonNullable<typeof parentPort>,
    private readonly now: () => number,
  ) {}

  readonly add = (event: ClusterEvent): void => {
    this.pending.push(event);
    if (this.pending.length >= EVENTS_PER_MESSAGE) this.flush(false);
  };

  /** Posts what is left; with `tick`, even nothing, marked as the end of a tick. */
  end(tick: boolean): void {
    if (this.pending.length > 0 || tick) this.flush(tick);
  }

  private flush(tick: boolean): void {
    const events = this.pending;
    this.pending = [];
    postSlice(this.port, events, this.now(), tick);
  }
}

function postSlice(port: NonNullable<typeof parentPort>, events: ClusterEvent[], now: number, tick: boolean): void {
  const batch = packSimBatch(events);
  const message: SimEventsMessage = { type: 'events', batch, now, tick };
  port.postMessage(message, simBatchBuffers(batch));
}

function run(port: NonNullable<typeof parentPort>, data: SimWorkerData): void {
  const cluster = new SimulatedCluster(data.options);
  const fullSpeed = data.speed === Number.POSITIVE_INFINITY;
  const streamNow = () => cluster.startMs + (Date.now() - data.wallStart) * data.speed;
  const poster = new Poster(port, () => cluster.now);
  let untaken = 0;
  let scheduled = false;
  // One monitor tick per turn of the event loop, so commands are answered between ticks even in a burst.
  const step = (): void => {
    scheduled = false;
    if (fullSpeed) {
      if (untaken >= data.window) return;
      untaken++;
      cluster.advance(cluster.now + TICK_MS, poster.add);
      poster.end(true);
    } else {
      const target = streamNow();
      if (cluster.now >= target) return;
      cluster.advance(Math.min(target, cluster.now + TICK_MS), poster.add);
      poster.end(false);
    }
    schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(step);
  };
  port.on('message', (req: SimWorkerRequest) => {
    if (req.type === 'taken') {
      untaken--;
      schedule();
    } else if (req.type === 'command') {
      let reply: SimWorkerMessage;
      try {
        const before = cluster.epoch;
        const result = cluster.command(req.cmd as Parameters<SimulatedCluster['command']>[0], { entity: 'mgr' });
        reply = { type: 'reply', id: req.id, result, ...(cluster.epoch > before ? { osdEpoch: cluster.epoch } : {}) };
      } catch (e) {
        reply = { type: 'reply', id: req.id, error: (e as Error).message ?? String(e) };
      }
      // What the command changed goes out before its answer, so the epoch it names is on its way.
      cluster.advance(cluster.now, poster.add);
      poster.end(false);
      port.postMessage(reply);
    } else if (req.type === 'clientIo') {
      cluster.clientWrite(req.io);
    } else if (req.type === 'osdPerfQueries') {
      cluster.setOsdPerfQueries(req.queries);
    } else {
      port.postMessage({ type: 'time', id: req.id, now: cluster.now } satisfies SimWorkerMessage);
    }
  });
  if (!fullSpeed) setInterval(schedule, PUMP_MS);
  schedule();
  const where = data.options.nodeExporter;
  // The hosts' node exporters answer from this thread, with the cluster as its clock has made it.
  if (where !== undefined) {
    serveNodeExporter(where, () => nodeExposition(cluster.nodes, cluster.now)).catch((e: Error) =>
      port.postMessage({ type: 'failed', error: e.message } satisfies SimWorkerMessage),
    );
  }
}

const port = parentPort;
if (port !== null) {
  try {
    run(port, workerData as SimWorkerData);
  } catch (e) {
    port.postMessage({ type: 'failed', error: (e as Error).stack ?? String(e) } satisfies SimWorkerMessage);
  }
}
