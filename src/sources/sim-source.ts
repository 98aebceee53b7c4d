import { constants } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Observable } from 'rxjs';
import type { ClusterCommander, ClusterReply } from '../cluster/cluster-commander.ts';
import { MgrError } from '../errors.ts';
import type { Source, SourceItem } from '../ingest/source-item.ts';
import { checkScenario, parseScenario } from '../sim/scenario.ts';
// The steps registered beside the built-in ones (`registerScenarioStep`) join on its import: named here before the
// worker that plays them starts.
import '../sim/simulated-cluster.ts';
import { type SimOptionsInput, SimOptionsSchema } from '../sim/sim-options.ts';
import { unpackSimBatch } from './sim-batch.ts';
import type { SimEventsMessage, SimWorkerData, SimWorkerMessage, SimWorkerRequest } from './sim-worker.ts';

/** At full speed, how many monitor ticks the cluster may make before the consumer has taken the first. */
const TICKS_AHEAD = 2;

const NUMERIC = new Set([
  'osds',
  'hosts',
  'mons',
  'pools',
  'pgs',
  'duration',
  'seed',
  'statsPeriod',
  'downOutInterval',
  'mds',
  'rgw',
]);

/**
 * Parses a `--source sim:osds=100,hosts=10,seed=3,...` spec into simulator options (names as `mgrkit simulate`'s,
 * `stats-period` or `statsPeriod`, `scenario=off` for client I/O only, `scenario=osd-fail,mon-down` (or
 * `osd-fail+mon-down`) for named steps, `fs=NAME` for a CephFS file system from the start, `mds=N` and `rgw=N` for
 * MDS and RGW daemons), with an error naming the bad part.
 */
export function parseSimSpec(spec: string): SimOptionsInput {
  if (!spec.startsWith('sim:')) throw new MgrError('MGR_ERR_USAGE', `not a simulated source: ${spec}`);
  const out: Record<string, unknown> = {};
  let scenario: string | undefined;
  let lastKey = '';
  for (const part of spec
    .slice(4)
    .split(',')
    .filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    // The scenario's steps are separated by commas too: a bare name after `scenario=` is its next step.
    if (eq < 0 && lastKey === 'scenario') {
      scenario = `${scenario},${part}`;
      continue;
    }
    if (eq < 0) throw new MgrError('MGR_ERR_USAGE', `${spec}: "${part}" is not key=value`);
    const key = part.slice(0, eq).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const raw = part.slice(eq + 1);
    lastKey = key;
    if (key === 'scenario') scenario = raw;
    else if (key === 'fs') out.fs = raw;
    else if (NUMERIC.has(key)) out[key] = Number(raw);
    else
      throw new MgrError(
        'MGR_ERR_USAGE',
        `${spec}: unknown option "${key}" (one of: ${[...NUMERIC, 'scenario', 'fs'].join(', ')})`,
      );
  }
  if (scenario !== undefined) {
    try {
      out.scenario = parseScenario(scenario);
    } catch (e) {
      throw new MgrError('MGR_ERR_USAGE', `${spec}: ${(e as Error).message}`);
    }
  }
  const parsed = SimOptionsSchema.safeParse(out);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MgrError('MGR_ERR_USAGE', `${spec}: ${issue.path.join('.') || 'options'}: ${issue.message}`);
  }
  try {
    checkScenario(out as SimOptionsInput);
  } catch (e) {
    throw new MgrError('MGR_ERR_USAGE', `${spec}: ${(e as Error).message}`);
  }
  return out as SimOptionsInput;
}

/** A simulated cluster run on the wall clock: its events as a source, and the commander its monitors answer. */
export interface LiveSim {
  /** Stream time of the cluster's first event. */
  readonly startMs: number;
  /** How many OSDs it has. */
  readonly osds: number;
  readonly commander: ClusterCommander;
  /** The events as the clock reaches them, already typed; `gate` applies the consumer's back-pressure. */
  readonly source: Source;
  /**
   * The cluster's clock as this thread knows it: where the wall clock (times the speed) has taken it, or at full
   * speed, the time of the last tick it made. How far a published state trails the cluster is this less its stamp.
   */
  clock(): number;
  /** Asks the cluster's thread how far it has made events (its own clock, at the moment it answers). */
  madeUpTo(): Promise<number>;
  /** Ends the source: what was emitted is folded and the consumer completes; the cluster's thread ends. */
  stop(): void;
}

/**
 * The worker's code, beside this file: compiled (dist), or the TypeScript source, loaded through tsx, registered
 * first (a worker inherits neither the loader hooks its parent registered nor, on Node 20, those of an `--import`).
 */
function startWorker(workerData: SimWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./sim-worker.js', import.meta.url), { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./sim-worker.ts', import.meta.url).href);
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${entry}); });`, {
    eval: true,
    workerData,
  });
}

/**
 * Runs a simulated cluster in real time (or `speed` times it), starting now, on a thread of its own, so that making
 * the events and folding them use two cores. The thread advances the cluster to the clock a monitor tick at a time
 * and posts the events it made, typed, with their JSON text for the journal. A command goes to the thread, is
 * applied at once, and its events are posted before its answer, so the OSD map it made follows the answer closely.
 * `nowMs` gives the wall clock at the start; the thread follows `Date.now()` from there.
 *
 * At full speed (`Infinity`, `--speed max`) there is no wall clock to follow: the cluster is advanced one monitor
 * tick at a time, at most {@link TICKS_AHEAD} ticks ahead of the last one whose events have all passed the
 * consumer's gate, so it runs as fast as the fold takes its events and never much further ahead than its queue.
 *
 * Should the thread fail, the source fails with the reason, and commands are answered with `ENOTCONN`.
 */
export function liveSim(options: SimOptionsInput, speed = 1, nowMs: () => number = Date.now): LiveSim {
  if (!(speed > 0)) throw new MgrError('MGR_ERR_USAGE', `a speed is a positive number or Infinity, not ${speed}`);
  const parsed = SimOptionsSchema.parse(options);
  const fullSpeed = speed === Number.POSITIVE_INFINITY;
  const wallStart = nowMs();
  const startMs = options.start ?? wallStart;
  const worker = startWorker({
    options: { ...options, start: startMs },
    speed,
    wallStart: Date.now(),
    window: TICKS_AHEAD,
  });
  worker.unref();
  let madeUpTo = startMs;
  let failure: MgrError | null = null;
  let ended = false;
  const queue: SimEventsMessage[] = [];
  let wake: (() => void) | null = null;
  let onFailure: ((e: MgrError) => void) | null = null;
  let end: (() => void) | null = null;
  let nextId = 0;
  const replies = new Map<number, (m: SimWorkerMessage) => void>();
  const send = (req: SimWorkerRequest) => {
    if (!ended && failure === null) worker.postMessage(req);
  };
  const ask = (req: (id: number) => SimWorkerRequest): Promise<SimWorkerMessage | null> => {
    if (ended || failure !== null) return Promise.resolve(null);
    const id = nextId++;
    return new Promise((resolve) => {
      replies.set(id, resolve);
      worker.postMessage(req(id));
    });
  };
  const gone = (): string => (failure !== null ? failure.message : 'the simulated cluster was stopped');
  const fail = (e: MgrError) => {
    if (ended || failure !== null) return;
    failure = e;
    for (const r of replies.values()) r({ type: 'failed', error: e.message });
    replies.clear();
    void worker.terminate();
    onFailure?.(e);
  };
  worker.on('message', (m: SimWorkerMessage) => {
    if (m.type === 'events') {
      madeUpTo = Math.max(madeUpTo, m.now);
      queue.push(m);
      wake?.();
    } else if (m.type === 'failed') {
      fail(new MgrError('MGR_ERR_SIM_WORKER', `the simulated cluster failed: ${m.error}`));
    } else {
      const r = replies.get(m.id);
      replies.delete(m.id);
      r?.(m);
    }
  });
  worker.on('error', (e) => fail(new MgrError('MGR_ERR_SIM_WORKER', `the simulated cluster failed: ${e.message}`)));
  worker.on('exit', (code) => {
    fail(new MgrError('MGR_ERR_SIM_WORKER', `the simulated cluster's thread exited (code ${code})`));
  });

  const commander: ClusterCommander = {
    async command(target, cmd) {
      if (target.type !== 'mon') {
        return { retval: -95, outb: '', outs: `the simulated cluster answers mon commands only, not ${target.type}` };
      }
      const m = await ask((id) => ({ type: 'command', id, cmd }));
      if (m === null || m.type === 'failed') {
        return { retval: -constants.errno.ENOTCONN, outb: '', outs: gone() };
      }
      if (m.type !== 'reply') throw new MgrError('MGR_ERR_SIM_WORKER', `unexpected answer ${m.type}`);
      if ('error' in m) throw new Error(m.error);
      return { ...m.result, ...(m.osdEpoch !== undefined ? { osdEpoch: m.osdEpoch } : {}) } satisfies ClusterReply;
    },
    clientIo: (io) => send({ type: 'clientIo', io }),
  };

  let line = 0;
  const source: Source = (gate) =>
    new Observable<SourceItem>((subscriber) => {
      let stopped = false;
      worker.ref();
      const emit = async (m: SimEventsMessage) => {
        for (const { event, text } of unpackSimBatch(m.batch)) {
          const item: SourceItem = { kind: 'event', event, text, line: line + 1, end: line + 1 };
          const wait = gate(item);
          if (wait !== undefined) await wait;
          if (stopped) return;
          line++;
          subscriber.next(item);
        }
        if (m.tick) send({ type: 'taken' });
      };
      const drain = async () => {
        while (!stopped) {
          const m = queue.shift();
          if (m === undefined) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
            continue;
          }
          await emit(m);
        }
      };
      const halt = () => {
        stopped = true;
        worker.unref();
        onFailure = null;
        end = null;
        wake?.();
      };
      onFailure = (e) => {
        halt();
        subscriber.error(e);
      };
      end = () => {
        halt();
        subscriber.complete();
      };
      if (failure !== null) onFailure(failure);
      else
        void drain().catch((e) =>
          onFailure?.(e instanceof MgrError ? e : new MgrError('MGR_ERR_SIM_WORKER', String(e))),
        );
      return halt;
    });
  return {
    startMs,
    osds: parsed.osds,
    commander,
    source,
    clock: () => (fullSpeed ? madeUpTo : startMs + (nowMs() - wallStart) * speed),
    madeUpTo: async () => {
      const m = await ask((id) => ({ type: 'time', id }));
      return m !== null && m.type === 'time' ? m.now : madeUpTo;
    },
    stop: () => {
      end?.();
      if (ended) return;
      ended = true;
      for (const r of replies.values()) r({ type: 'failed', error: gone() });
      replies.clear();
      worker.unref();
      void worker.terminate();
    },
  };
}
