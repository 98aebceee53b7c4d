import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { ClusterEvent, JournaledEvent } from '../../schemas/event.ts';
import type { Cue } from '../bus/cue.ts';
import type { ClusterCommander } from '../cluster/cluster-commander.ts';
import type { CommandTuple } from '../commands/result.ts';
import { MgrError } from '../errors.ts';
import { MgrHost } from '../host/host.ts';
import { describeModule, type LoadedModule, type ModuleClass, type StandbyModuleClass } from '../host/loader.ts';
import { validateEvent } from '../ingest/parse-line.ts';
import { formatRejection } from '../ingest/rejection.ts';
import { createRootLogger } from '../log/logger.ts';
import type { MgrModule } from '../module/mgr-module.ts';
import { type ClusterState, createEmptyState } from '../state/cluster-state.ts';
import { foldBatch } from '../state/fold.ts';

export interface HarnessOptions {
  /** The module under test: a class, or the name of a module on the module path. */
  readonly module: ModuleClass | string;
  /** The name it runs under (default: the class's name, or the given name). */
  readonly name?: string;
  /** Other modules to run beside it (classes by name, or names on the module path), e.g. for `remote`. */
  readonly others?: Readonly<Record<string, ModuleClass>> | readonly string[];
  readonly modulePaths?: readonly string[];
  /** Settings before the modules start (`mgr/<module>/<option>`, `mon_connection_timeout`, ...). */
  readonly config?: Readonly<Record<string, string>>;
  readonly mgrId?: string;
  readonly standby?: boolean;
  readonly StandbyModule?: StandbyModuleClass;
  /** Where the host logs (default: nowhere). */
  readonly logFile?: string;
  /** Each module's queue capacity before coalescing. */
  readonly queueCapacity?: number;
  /** How long `serve()` gets to return after `shutdown()`. */
  readonly shutdownDeadlineMs?: number;
  /** The cluster the module's `send_command` and `mon_command` reach (none by default: they fail with EOPNOTSUPP). */
  readonly commander?: ClusterCommander;
}

/** A notification as the module under test received it. */
export interface DeliveredCue {
  readonly type: Cue['type'];
  readonly id: Cue['id'];
  /** The seq of the current snapshot when `notify` was called. */
  readonly seq: number;
  /** Stream time then (ms): the stamp of the last event folded. */
  readonly t: number;
}

/** A module running in a host of its own, fed by hand: no daemon, no store, no socket. */
export interface ModuleHarness<M extends MgrModule = MgrModule> {
  readonly host: MgrHost;
  /** The running instance of the module under test. */
  readonly module: M;
  /** Every cue delivered to the module under test, in order, with the seq of the snapshot it could read. */
  readonly cues: DeliveredCue[];
  /** The current snapshot. */
  readonly state: ClusterState;
  /** Stream time now (ms): the stamp of the last event folded, 0 before any. */
  readonly now: number;
  /** Folds events (plain objects, validated like trace lines) as one batch, publishes, and waits for the module. */
  push(...events: object[]): Promise<JournaledEvent[]>;
  /** Pushes every event of a trace file (JSONL or gzip), `batch` events at a time. */
  replay(path: string, batch?: number): Promise<void>;
  /**
   * Runs a command as `mgrkit cmd` sends it for `client.admin`: its prefix and arguments as the dict the CLI makes of
   * the words (with `format` among them, if wanted), and `inbuf` as `-i` gives it. Answers Ceph's `[retval, stdout, stderr]`; a failure is a `-errno` retval.
   */
  command(prefix: string, args?: Readonly<Record<string, unknown>>, inbuf?: string): Promise<CommandTuple>;
  /**
   * Moves stream time on by `ms` (a heartbeat event stamped that much after the last event) and waits for the
   * module. Time in mgrkit comes from the stream, so this is what ages what is computed from it: rates and stats
   * periods. (`this.sleep` in `serve` is wall-clock time.)
   */
  advance(ms: number): Promise<void>;
  /** Ends the stream (as a finite source ends) and waits for the module under test. */
  end(): Promise<void>;
  /** Shuts the modules down. */
  stop(): Promise<void>;
}

/** A pushed event, checked as a trace line is; the error names it by its place among the pushed events. */
function validated(e: object, n: number): ClusterEvent {
  const r = validateEvent(e, 'pushed event', n);
  if ('rejection' in r) throw new MgrError(r.rejection.code, formatRejection(r.rejection));
  return r.event;
}

/**
 * Loads one module against events you give it, in a few lines:
 *
 * @example
 * ```ts
 * const h = await createModuleHarness({ module: Module });
 * await h.push({ kind: 'osd_map', t: 1, epoch: 1, map: osdMap });
 * assert.deepEqual(h.cues.map((c) => c.type), ['osd_map']);
 * assert.equal(h.module.get('osd_map')?.epoch, 1);
 * await h.stop();
 * ```
 */
export async function createModuleHarness<M extends MgrModule = MgrModule>(
  options: HarnessOptions,
): Promise<ModuleHarness<M>> {
  const preloaded: LoadedModule[] = [];
  const name =
    options.name ?? (typeof options.module === 'string' ? options.module : options.module.name.toLowerCase());
  if (typeof options.module !== 'string') {
    preloaded.push(describeModule(name, '<harness>', options.module, options.StandbyModule ?? null));
  }
  const others = options.others ?? [];
  const otherNames = Array.isArray(others) ? [...others] : Object.keys(others);
  if (!Array.isArray(others)) {
    for (const [n, Cls] of Object.entries(others as Record<string, ModuleClass>))
      preloaded.push(describeModule(n, '<harness>', Cls, null));
  }
  const host = await MgrHost.create({
    preloaded,
    modulePaths: options.modulePaths ?? [],
    // mgrkit's own modules are on the path only when a module is asked for by name.
    builtinModules: typeof options.module === 'string' || otherNames.some((n) => !preloaded.some((p) => p.name === n)),
    logger: createRootLogger({ file: options.logFile ?? '/dev/null' }),
    ...(options.logFile ? { logFile: options.logFile } : {}),
    mgrId: options.mgrId ?? 'x',
    ...(options.queueCapacity !== undefined ? { queueCapacity: options.queueCapacity } : {}),
    ...(options.shutdownDeadlineMs !== undefined ? { shutdownDeadlineMs: options.shutdownDeadlineMs } : {}),
    ...(options.standby !== undefined ? { standby: options.standby } : {}),
    ...(options.commander !== undefined ? { commander: options.commander } : {}),
  });
  for (const [k, v] of Object.entries(options.config ?? {})) await host.settings.config.set(k, v);
  let state = createEmptyState();
  let pushed = 0;
  const fold = (events: readonly ClusterEvent[]): JournaledEvent[] => {
    const r = foldBatch(
      state,
      events.map((event) => ({ event, ref: null })),
    );
    if (r.rejected.length > 0) throw r.rejected[0]!.error;
    state = r.state;
    const accepted = r.accepted.map((a) => a.event);
    host.feed.publish(state, accepted);
    return accepted;
  };
  // The modules' own events (cluster_log) join the pushed ones in the one stream, without waiting for the modules:
  // a module may log from inside notify.
  host.feed.sink({ inject: async (event) => fold([event])[0]! });
  host.modules.use([name, ...otherNames]);
  host.start();
  const instance = host.modules.instance<M>(name);
  if (instance === undefined) {
    const ls = host.modules.stats()[name];
    throw new MgrError(
      'MGR_ERR_MODULE_LOAD',
      `module "${name}" did not start: ${ls?.status} ${ls?.error_string ?? ''}`,
    );
  }
  const cues: DeliveredCue[] = [];
  if (typeof instance.notify === 'function') {
    const notify = instance.notify.bind(instance);
    (instance as MgrModule).notify = (type, id) => {
      cues.push({ type, id, seq: host.state.seq, t: host.state.stamp });
      return notify(type, id);
    };
  }
  const push = async (...events: object[]): Promise<JournaledEvent[]> => {
    const accepted = fold(events.map((e) => validated(e, ++pushed)));
    await host.idle(10_000, [name]);
    return accepted;
  };
  return {
    host,
    module: instance,
    cues,
    get state() {
      return state;
    },
    get now() {
      return state.stamp;
    },
    push,
    async replay(path: string, batch = 1) {
      const lines = gunzipOrPlain(path)
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'));
      for (let i = 0; i < lines.length; i += batch)
        await push(...lines.slice(i, i + batch).map((l) => JSON.parse(l) as object));
    },
    command(prefix, args = {}, inbuf = '') {
      return host.commands.run({ ...args, prefix }, { entity: 'client.admin', caps: 'rw', inbuf });
    },
    async advance(ms: number) {
      await push({ kind: 'heartbeat', t: state.stamp + ms });
    },
    async end() {
      host.feed.end();
      await host.idle(10_000, [name]);
    },
    stop: () => host.stop(),
  };
}

function gunzipOrPlain(path: string): string {
  const buf = readFileSync(path);
  return (buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf).toString('utf8');
}
