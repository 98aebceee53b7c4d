import { Observable } from 'rxjs';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { ClusterCommander } from '../cluster/cluster-commander.ts';
import { MgrError } from '../errors.ts';
import type { Source, SourceItem } from '../ingest/source-item.ts';
import { type SimOptionsInput, SimOptionsSchema } from '../sim/sim-options.ts';
import { SimulatedCluster, TICK_MS } from '../sim/simulated-cluster.ts';

/** How often a live simulated cluster is advanced to the wall clock. */
const PUMP_MS = 200;

const NUMERIC = new Set(['osds', 'hosts', 'pools', 'pgs', 'duration', 'seed', 'statsPeriod', 'downOutInterval']);

/**
 * Parses a `--source sim:osds=100,hosts=10,seed=3,...` spec into simulator options (names as `mgrkit simulate`'s,
 * `stats-period` or `statsPeriod`, `scenario=off` for client I/O only), with an error naming the bad part.
 */
export function parseSimSpec(spec: string): SimOptionsInput {
  if (!spec.startsWith('sim:')) throw new MgrError('MGR_ERR_USAGE', `not a simulated source: ${spec}`);
  const out: Record<string, unknown> = {};
  for (const part of spec
    .slice(4)
    .split(',')
    .filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new MgrError('MGR_ERR_USAGE', `${spec}: "${part}" is not key=value`);
    const key = part.slice(0, eq).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const raw = part.slice(eq + 1);
    if (key === 'scenario') out.scenario = !['off', 'false', 'no', '0'].includes(raw);
    else if (NUMERIC.has(key)) out[key] = Number(raw);
    else
      throw new MgrError(
        'MGR_ERR_USAGE',
        `${spec}: unknown option "${key}" (one of: ${[...NUMERIC, 'scenario'].join(', ')})`,
      );
  }
  const parsed = SimOptionsSchema.safeParse(out);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MgrError('MGR_ERR_USAGE', `${spec}: ${issue.path.join('.') || 'options'}: ${issue.message}`);
  }
  return out as SimOptionsInput;
}

/** A simulated cluster run on the wall clock: its events as a source, and the commander its monitors answer. */
export interface LiveSim {
  readonly cluster: SimulatedCluster;
  readonly commander: ClusterCommander;
  /** The events as the clock reaches them, already typed; `gate` applies the consumer's back-pressure. */
  readonly source: Source;
  /** Ends the source: what was emitted is folded and the consumer completes. */
  stop(): void;
}

/**
 * Runs a simulated cluster in real time (or `speed` times it), starting now: every {@link PUMP_MS} the cluster is
 * advanced to the clock and what it produced is emitted. A command is applied at once and its events emitted right
 * away, so the OSD map it made follows its answer closely.
 *
 * At full speed (`Infinity`, `--speed max`) there is no wall clock to follow: the cluster is advanced one monitor
 * tick at a time, the next tick only once the last one's events have passed the consumer's gate, so it runs as
 * fast as the fold takes its events and never further ahead than the consumer's queue.
 */
export function liveSim(options: SimOptionsInput, speed = 1, nowMs: () => number = Date.now): LiveSim {
  if (!(speed > 0)) throw new MgrError('MGR_ERR_USAGE', `a speed is a positive number or Infinity, not ${speed}`);
  const fullSpeed = speed === Number.POSITIVE_INFINITY;
  const wallStart = nowMs();
  const cluster = new SimulatedCluster({ ...options, start: options.start ?? wallStart });
  // (A wall clock times Infinity is Infinity, or NaN at the first instant: at full speed the ticks set the pace.)
  const streamNow = () => (fullSpeed ? cluster.now + TICK_MS : cluster.startMs + (nowMs() - wallStart) * speed);
  let line = 0;
  let pump: (() => void) | null = null;
  let end: (() => void) | null = null;
  const commander: ClusterCommander = {
    async command(target, cmd) {
      if (target.type !== 'mon') {
        return { retval: -95, outb: '', outs: `the simulated cluster answers mon commands only, not ${target.type}` };
      }
      const before = cluster.epoch;
      const r = cluster.command(cmd as Parameters<SimulatedCluster['command']>[0], { entity: 'mgr' });
      pump?.();
      return { ...r, ...(cluster.epoch > before ? { osdEpoch: cluster.epoch } : {}) };
    },
    clientIo: (io) => cluster.clientWrite(io),
  };
  const source: Source = (gate) =>
    new Observable<SourceItem>((subscriber) => {
      let stopped = false;
      let busy = false;
      const emitAll = async (events: ClusterEvent[]) => {
        for (const event of events) {
          const item: SourceItem = { kind: 'event', event, line: line + 1, end: line + 1 };
          const wait = gate(item);
          if (wait !== undefined) await wait;
          if (stopped) return;
          line++;
          subscriber.next(item);
        }
      };
      const pending: ClusterEvent[][] = [];
      let next: ReturnType<typeof setImmediate> | undefined;
      const drain = async () => {
        if (busy) return;
        busy = true;
        try {
          while (pending.length > 0 && !stopped) await emitAll(pending.shift()!);
        } catch (e) {
          subscriber.error(e);
        } finally {
          busy = false;
        }
        // The next tick waits for a turn of the event loop, so the fold, commands and timers go on between ticks.
        if (fullSpeed && !stopped && next === undefined) {
          next = setImmediate(() => {
            next = undefined;
            pump?.();
          });
        }
      };
      pump = () => {
        pending.push(cluster.advanceTo(Math.max(cluster.now, streamNow())));
        void drain();
      };
      pump();
      const timer = fullSpeed ? undefined : setInterval(() => pump?.(), PUMP_MS);
      const halt = () => {
        stopped = true;
        pump = null;
        clearInterval(timer);
        if (next !== undefined) clearImmediate(next);
      };
      end = () => {
        halt();
        subscriber.complete();
      };
      return halt;
    });
  return { cluster, commander, source, stop: () => end?.() };
}
