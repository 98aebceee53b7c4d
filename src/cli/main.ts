import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { MgrError } from '../errors.ts';
import type { LogMember } from '../group/log-member.ts';
import { SourceChecks } from '../health/source-checks.ts';
import { MgrHost } from '../host/host.ts';
import { SHUTDOWN_DEADLINE_MS } from '../host/module-lifecycle.ts';
import { moduleIsFailed } from '../host/module-registry.ts';
import { formatRejection } from '../ingest/rejection.ts';
import { StreamClock } from '../ingest/stream-clock.ts';
import { Accessors } from '../module/accessors.ts';
import { connectSource } from '../run/connect-source.ts';
import { runLiveSim } from '../run/live-sim.ts';
import { isLiveSourceSpec, type LiveSourceRun, type SourceWatch, startLiveSource } from '../run/live-source.ts';
import { type ReplaySummary, replayTrace } from '../run/replay.ts';
import { type AdminRequest, AdminSocket } from '../server/admin-socket.ts';
import { liveSim, parseSimSpec } from '../sources/sim-source.ts';
import { checkTraceFile, DEFAULT_MAX_LINE_BYTES } from '../sources/trace-lines.ts';
import { stateDigest } from '../state/digest.ts';
import { ConfigStore } from '../store/config-store.ts';
import { stateAt } from '../store/recovery.ts';
import { Store } from '../store/store.ts';
import { CALLABLE, callAccessor } from './call.ts';
import { EXIT, reportFailure } from './cli-error.ts';
import { runCmd } from './cmd-command.ts';
import { discardEmptyStore, type StoreBefore, storeBefore } from './fresh-store.ts';
import { joinLogGroup, replayToLog } from './log-commands.ts';
import { formatValue, OUTPUT_FORMATS, type OutputFormat } from './output.ts';
import { createProgress } from './progress.ts';
import { registerReplCommand } from './repl-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { checkSource } from './source-check.ts';
import { statusLines } from './status.ts';
import { watchStdout } from './stdout-pipe.ts';

const DEFAULT_DB = './.mgrkit';

function packageVersion(): string {
  const text = readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function parseSeq(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a sequence number is a non-negative integer');
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function parseSpeed(value: string): number {
  if (value === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a speed is a positive number or "max"');
  return n;
}

function openExisting(db: string): Store {
  try {
    statSync(join(db, 'store.mdb'));
  } catch (e) {
    // Only a store that is not there is "no store"; one that cannot be read is reported as such.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw e;
    throw new MgrError('MGR_ERR_STORE_NO_STATE', `no store at ${db} (fill one with: mgrkit replay TRACE --db ${db})`);
  }
  return Store.open(db, { readOnly: true });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

interface HostFlags {
  db: string;
  modules: string[];
  modulePath: string[];
  set: string[];
  mgrId: string;
  logFile?: string;
  speed: number;
}

/** The module host for a command, or null when no module is to run. */
async function applySettings(store: Store, settings: readonly string[]): Promise<void> {
  if (settings.length === 0) return;
  const config = new ConfigStore(store.config);
  for (const kv of settings) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new MgrError('MGR_ERR_USAGE', `--set takes KEY=VALUE, got "${kv}"`);
    await config.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
}

async function createHost(store: Store, o: HostFlags): Promise<MgrHost | null> {
  await applySettings(store, o.set);
  if (o.modules.length === 0) return null;
  const logFile = o.logFile ?? join(o.db, 'mgr.log');
  const host = await MgrHost.create({
    store,
    modulePaths: o.modulePath,
    mgrId: o.mgrId,
    logFile,
    clock: new StreamClock(o.speed),
  });
  host.modules.use(o.modules);
  host.start();
  return host;
}

function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('json');
}

/** One stderr line per named module that did not run, with why; whether there was any. */
function reportFailedModules(modules: ReplaySummary['modules'], names: readonly string[]): boolean {
  const failed = names.filter((n) => moduleIsFailed(modules[n]?.status ?? ''));
  for (const n of failed) process.stderr.write(`mgrkit: module '${n}' has failed: ${modules[n]!.error_string}\n`);
  return failed.length > 0;
}

function printSummary(s: ReplaySummary, status: string[]): void {
  const out = process.stdout;
  const byKind = Object.entries(s.events.byKind)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  out.write(`replayed ${s.trace} into ${s.db}\n`);
  if (s.resumedAfterLine > 0) out.write(`  resumed   after line ${s.resumedAfterLine} (applied by an earlier run)\n`);
  out.write(`  events    ${s.events.accepted} accepted, ${s.events.rejected} rejected\n`);
  if (byKind) out.write(`  by kind   ${byKind}\n`);
  if (s.warnings.clockRaised > 0) {
    out.write(`  warnings  ${s.warnings.clockRaised} events earlier than the one before: time raised\n`);
  }
  out.write(
    `  seq       ${s.firstSeq === null ? 'none new' : `${s.firstSeq}..${s.lastSeq}`} (journal ends at ${s.lastSeq})\n`,
  );
  const rate = s.events.accepted > 0 ? `, ${Math.round((s.events.accepted / s.elapsedMs) * 1000)} events/s` : '';
  out.write(
    `  time      fold ${s.foldMs.toFixed(1)} ms, commit ${s.commitMs.toFixed(1)} ms, total ${s.elapsedMs.toFixed(0)} ms${rate}\n`,
  );
  out.write(`  digest    ${s.digest}\n`);
  if (s.stoppedAt) out.write(`  stopped   --strict: ${s.stoppedAt}\n`);
  for (const [name, m] of Object.entries(s.modules)) {
    const got = Object.entries(m.received)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    const trouble = moduleIsFailed(m.status)
      ? `; ${m.error_string}`
      : m.errors > 0
        ? `; ${m.errors} errors raised (see the log)`
        : '';
    out.write(`  module    ${name} (${m.status}): ${m.delivered} cues${got ? ` (${got})` : ''}${trouble}\n`);
  }
  out.write('cluster\n');
  for (const l of status) out.write(`  ${l}\n`);
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('mgrkit')
    .description('An event-sourced cluster-state cache and host for ceph-mgr-style modules.')
    .version(packageVersion(), '-V, --version', "print mgrkit's version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('replay')
    .description('fold a trace (JSONL or .jsonl.gz) into the store, resuming after what an earlier run applied')
    .argument('<trace>', 'trace file')
    .option('--db <dir>', 'store directory', DEFAULT_DB)
    .option(
      '--speed <n|max>',
      'replay at N times the trace clock, or as fast as possible',
      parseSpeed,
      Number.POSITIVE_INFINITY,
    )
    .option('--strict', 'stop at the first bad line (exit 2); by default bad lines are reported, skipped and counted')
    .option('--json', 'print the summary as one JSON object')
    .option('--reset', 'empty the store first')
    .option('--snapshot-every <n>', 'store a snapshot every N events', parsePositive, 500)
    .option('--max-line-bytes <n>', 'reject lines longer than this', parsePositive, DEFAULT_MAX_LINE_BYTES)
    .option('--modules <names>', 'run these modules (comma-separated) while replaying', parseList, [])
    .option('--module-path <dir>', 'also look for modules in DIR (repeatable)', collect, [])
    .option(
      '--set <key=value>',
      'a setting for this store, e.g. mgr/notifylog/file=cues.jsonl (repeatable)',
      collect,
      [],
    )
    .option('--mgr-id <id>', "this manager's id", 'x')
    .option('--log-file <file>', 'the daemon log (default: <db>/mgr.log; - for stderr)')
    .option('--log <nats://HOST:PORT,...>', 'append the trace to this NATS JetStream event log instead')
    .option('--stream <name>', 'the JetStream stream of the event log', 'MGRKIT')
    .action(async (trace: string, o) => {
      // Before the store is made: a trace that is not there leaves nothing behind.
      await checkTraceFile(trace);
      const store = Store.open(o.db, { reset: o.reset ?? false });
      if (o.log) {
        try {
          const s = await replayToLog(trace, store, {
            log: o.log,
            stream: o.stream,
            speed: o.speed,
            onRejection: (line) => process.stderr.write(`${line}\n`),
          });
          if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
          else
            process.stdout.write(
              `appended ${s.trace} to stream ${s.stream}: ${s.events.accepted} accepted, ${s.events.rejected} rejected, last seq ${s.lastSeq}\n  digest    ${s.digest}\n`,
            );
        } finally {
          await store.close();
        }
        return;
      }
      const progress = createProgress('replay');
      let host: MgrHost | null = null;
      try {
        host = await createHost(store, o);
        const { summary, state } = await replayTrace({
          trace,
          store,
          ...(host ? { host } : {}),
          speed: o.speed,
          strict: o.strict ?? false,
          snapshotEvery: o.snapshotEvery,
          maxLineBytes: o.maxLineBytes,
          onProgress: (read, total) => progress.update(read, total),
          onRejection: (r) => {
            // A file that breaks part-way is said once, as the run's error, after the summary.
            if (r.code === 'MGR_ERR_TRACE_READ' || r.code === 'MGR_ERR_TRACE_OPEN') return;
            if (!o.json) process.stderr.write(`${formatRejection(r)}\n`);
          },
        });
        progress.stop();
        if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else printSummary(summary, statusLines(state, new Accessors(() => state).have_mon_connection()));
        if (summary.stoppedAt || reportFailedModules(summary.modules, o.modules)) setExit(EXIT.badInput);
        if (summary.readError) {
          const n = summary.events.accepted;
          const kept =
            n === 0
              ? 'no event came before it'
              : n === 1
                ? 'the event before it is committed'
                : `the ${n} events before it are committed`;
          throw new MgrError('MGR_ERR_TRACE_READ', `${summary.readError}; ${kept}`);
        }
      } finally {
        progress.stop();
        await host?.stop();
        await store.close();
      }
    });

  program
    .command('run')
    .description('run the host as a daemon: ingest the source, run modules, serve commands on the admin socket')
    .option(
      '--source <trace|sim:...|follow:FILE|listen:ADDR>',
      'a trace to ingest (the host keeps serving its last state once it ends), a live simulated cluster: sim:osds=N[,hosts=H,pools=P,pgs=PG,seed=S,scenario=off], a growing trace to follow: follow:FILE, or where a recorder connects: listen:PATH|HOST:PORT',
    )
    .option('--reset', 'empty the store first')
    .option('--db <dir>', 'store directory', DEFAULT_DB)
    .option('--socket <path>', 'admin socket (default: <db>/mgr.sock)')
    .addOption(
      new Option('--speed <n|max>', 'replay the source at N times its clock, or as fast as possible')
        .argParser(parseSpeed)
        .default(1, '1'),
    )
    .option('--modules <names>', 'run these modules (default: the enabled set kept in the store)', parseList)
    .option('--module-path <dir>', 'also look for modules in DIR (repeatable)', collect, [])
    .option('--set <key=value>', 'a setting for this store (repeatable)', collect, [])
    .option('--mgr-id <id>', "this manager's id", 'x')
    .option('--log-file <file>', 'the daemon log (default: <db>/mgr.log; - for stderr)')
    .option('--standby', 'run as a standby: only StandbyModule classes run')
    .option(
      '--log <nats://HOST:PORT,...>',
      'share the event log on NATS JetStream with other hosts (active and standbys)',
    )
    .option('--stream <name>', 'the JetStream stream of the event log', 'MGRKIT')
    .option('--lease-ms <ms>', "the active's lease: a crashed active is replaced after this long", parsePositive, 2000)
    .option(
      '--snapshot-catch-up <n>',
      "with --log: start from the log's snapshot when this many events behind it",
      parsePositive,
      10_000,
    )
    .action(async (o) => {
      await runDaemon(o);
    });

  program
    .command('get')
    .description('print what get(NAME) returns at a point of the journal')
    .argument('<name>', 'data name (osd_map, osd_map_crush, health, mon_map, ...)')
    .option('--db <dir>', 'store directory', DEFAULT_DB)
    .option('--at <seq>', 'the state after event SEQ (default: the latest)', parseSeq)
    .addOption(formatOption())
    .action(async (name: string, o) => {
      const store = openExisting(o.db);
      try {
        const state = stateAt(store, o.at);
        const value = new Accessors(() => state).get(name as never);
        process.stdout.write(`${formatValue(value, o.format as OutputFormat)}\n`);
      } finally {
        await store.close();
      }
    });

  program
    .command('call')
    .description(`call a read accessor on the state at a point of the journal (${CALLABLE.join(', ')})`)
    .argument('<method>', 'accessor name, e.g. get_metadata')
    .argument('[args...]', 'its arguments, e.g. osd 0')
    .option('--db <dir>', 'store directory', DEFAULT_DB)
    .option('--at <seq>', 'the state after event SEQ (default: the latest)', parseSeq)
    .addOption(formatOption())
    .action(async (method: string, args: string[], o) => {
      const store = openExisting(o.db);
      try {
        const state = stateAt(store, o.at);
        const value = callAccessor(new Accessors(() => state), method, args);
        process.stdout.write(`${formatValue(value, o.format as OutputFormat)}\n`);
      } finally {
        await store.close();
      }
    });

  program
    .command('bench')
    .description(
      'the benchmark suite: accessor latency from a module against a deep copy and real ceph-mgr, fold and replay throughput, notify latency, command round trip, recovery and memory at simulated 1,000 and 10,000 OSDs',
    )
    .option('--json', 'print the results as one JSON object')
    .option('--sizes <osds,...>', 'simulated cluster sizes in OSDs (default 1000,10000)')
    .action(async (o) => {
      // The 10,000-OSD run holds a few GiB of state: it runs in a process with room for it.
      const script = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));
      const args = ['--max-old-space-size=16384', '--import', 'tsx', script];
      if (o.json) args.push('--json');
      if (o.sizes) args.push('--sizes', o.sizes);
      const code = await new Promise<number>((resolve) => {
        spawn(process.execPath, args, { stdio: 'inherit' }).on('close', (c) => resolve(c ?? 1));
      });
      if (code !== 0) setExit(code);
    });

  program
    .command('digest')
    .description('print the state digest: sha-256 of the canonical JSON of the whole cluster state')
    .option('--db <dir>', 'store directory', DEFAULT_DB)
    .option('--at <seq>', 'the state after event SEQ (default: the latest)', parseSeq)
    .action(async (o) => {
      const store = openExisting(o.db);
      try {
        process.stdout.write(`${stateDigest(stateAt(store, o.at))}\n`);
      } finally {
        await store.close();
      }
    });

  // `cmd` parses its own words (every word not its flag belongs to the command): listed here for --help only.
  program.command('cmd').description('send a command to a running host, as the ceph CLI does (mgrkit cmd -h)');
  registerSimulateCommand(program);
  registerReplCommand(program, setExit);

  return program;
}

interface RunFlags extends Omit<HostFlags, 'modules'> {
  source?: string;
  reset?: boolean;
  socket?: string;
  modules?: string[];
  standby?: boolean;
  log?: string;
  stream?: string;
  leaseMs?: number;
  snapshotCatchUp?: number;
}

/** `mgrkit run`: serve until SIGINT or SIGTERM, then shut the modules down and close the store. */
async function runDaemon(o: RunFlags): Promise<void> {
  if (o.log && (o.standby || o.source?.includes(':'))) {
    throw new MgrError(
      'MGR_ERR_USAGE',
      'with --log, --source is a trace file, and every host runs both roles (no --standby)',
    );
  }
  // A source that cannot start fails here, before a store is made or anything served.
  if (o.source !== undefined) await checkSource(o.source);
  const sim = o.source?.startsWith('sim:') ? liveSim(parseSimSpec(o.source), o.speed) : null;
  const store = Store.open(o.db, { reset: o.reset ?? false });
  if (sim && stateAt(store).seq > 0) {
    await store.close();
    throw new MgrError(
      'MGR_ERR_USAGE',
      `the store at ${o.db} already holds a cluster's events; a simulated cluster starts from scratch: add --reset or use a new --db`,
    );
  }
  await applySettings(store, o.set);
  const host = await MgrHost.create({
    store,
    modulePaths: o.modulePath,
    mgrId: o.mgrId,
    logFile: o.logFile ?? join(o.db, 'mgr.log'),
    clock: new StreamClock(o.speed),
    ...(o.standby || o.log ? { standby: true } : {}),
    ...(sim ? { commander: sim.commander } : {}),
  });
  try {
    if (o.modules) host.modules.use(o.modules);
  } catch (e) {
    await host.stop();
    await store.close();
    throw e;
  }
  host.feed.adopt(stateAt(store));
  host.start();
  reportFailedModules(host.modules.stats(), Object.keys(host.modules.stats()));
  const socketPath = o.socket ?? join(o.db, 'mgr.sock');
  const local = (req: AdminRequest) =>
    host.commands.run(req.cmd, { entity: req.entity, caps: host.commands.caps(req.entity), inbuf: req.inbuf });
  // In a group, a standby passes module commands on to the active manager: any manager's socket serves them.
  let member: LogMember | null = null;
  const admin = await AdminSocket.listen(socketPath, (req) =>
    member === null ? local(req) : member.route(req, local),
  );
  const sourceChecks = new SourceChecks(host.health, o.source ?? '');
  // What goes wrong with the source once started: in the log, in health, and the failure on stderr too.
  const watch: SourceWatch = {
    rejected: (r) => {
      host.log.warn({ rejection: formatRejection(r) }, 'bad line');
      sourceChecks.rejection(formatRejection(r));
    },
    failed: (e) => {
      const reason = e instanceof Error ? e.message : String(e);
      host.log.error({ err: e, source: o.source }, 'source failed');
      sourceChecks.failed(reason);
      process.stderr.write(`mgrkit: the source ${o.source} failed: ${reason}\n`);
    },
  };
  // Set when the daemon is asked to stop: ingest stops waiting for a full disk to take its held batch.
  const stopRequested = new AbortController();
  // A listener that cannot bind fails the start: nothing was served, so a store made for it goes too.
  const started =
    o.source && isLiveSourceSpec(o.source)
      ? await startLiveSource(o.source, store, host, watch, stopRequested.signal).catch(async (e) => {
          await admin.close();
          await host.stop();
          await store.close();
          throw e;
        })
      : null;
  process.stderr.write(`mgrkit: serving commands on ${socketPath}\n`);
  const group = o.log
    ? await joinLogGroup(host, store, {
        log: o.log,
        addr: socketPath,
        logger: host.log,
        speed: o.speed,
        ...(o.stream ? { stream: o.stream } : {}),
        ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
        ...(o.snapshotCatchUp ? { snapshotCatchUp: o.snapshotCatchUp } : {}),
        ...(o.source ? { source: o.source } : {}),
      })
    : null;
  member = group?.member ?? null;
  let stopping: Promise<void> | undefined;
  let live: Promise<unknown> | null = null;
  let liveSource: LiveSourceRun | null = null;
  const stop = () => {
    stopping ??= (async () => {
      stopRequested.abort();
      sim?.stop();
      await liveSource?.stop();
      await live;
      await group?.stop();
      await admin.close();
      await host.stop();
      await store.close();
    })();
    return stopping;
  };
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (group) {
    process.stderr.write(`mgrkit: on the event log ${o.log} (stream ${o.stream ?? 'MGRKIT'}) as mgr.${host.mgrId}\n`);
  } else if (sim && o.source) {
    live = runLiveSim({
      sim,
      spec: o.source,
      store,
      host,
      onRejection: watch.rejected,
      retryCommitsUntil: stopRequested.signal,
    }).done.catch(watch.failed);
    process.stderr.write(
      `mgrkit: simulated cluster of ${sim.cluster.topo.osds} OSDs running (${o.source}); mon commands reach it\n`,
    );
  } else if (started !== null && o.source) {
    liveSource = started;
    const where = o.source.startsWith('follow:') ? liveSource.where : `a recorder on ${liveSource.where}`;
    process.stderr.write(`mgrkit: following ${where}\n`);
  } else if (o.source) {
    replayTrace({
      trace: o.source,
      store,
      host,
      speed: o.speed,
      onRejection: watch.rejected,
      retryCommitsUntil: stopRequested.signal,
    })
      .then((r) => {
        const { accepted, rejected } = r.summary.events;
        host.log.info({ accepted, rejected, lastSeq: r.summary.lastSeq }, 'source ended');
        if (rejected > 0) {
          const lines = rejected === 1 ? 'line' : 'lines';
          process.stderr.write(`mgrkit: the trace ended: ${accepted} events accepted, ${rejected} ${lines} rejected\n`);
        }
      })
      .catch(watch.failed);
  } else {
    void connectSource({ store, host });
  }
  await signalled;
  // Each module gets SHUTDOWN_DEADLINE_MS; should the shutdown as a whole hang past twice that, the process ends.
  const hung = setTimeout(() => {
    process.stderr.write(`mgrkit: shutdown did not finish within ${(2 * SHUTDOWN_DEADLINE_MS) / 1000} s; exiting\n`);
    process.exit(1);
  }, 2 * SHUTDOWN_DEADLINE_MS);
  await stop();
  clearTimeout(hung);
  // The store is closed: whatever a module left scheduled (an interval, a socket) must not keep the process alive.
  // Unreferenced, so a process with nothing left ends by itself, with the status main() returns.
  setTimeout(() => process.exit(), 100).unref();
}

/** Runs the `mgrkit` command line; resolves to the exit status. Every failure is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  watchStdout();
  if (argv[2] === 'cmd') {
    try {
      return await runCmd(argv.slice(3));
    } catch (e) {
      return reportFailure(e);
    }
  }
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  // The store the running command works on, for naming it when opening it fails.
  let db: string | undefined;
  let before: StoreBefore | undefined;
  program.hook('preAction', (_program, action) => {
    const o = action.opts() as { db?: unknown };
    if (typeof o.db !== 'string') return;
    db = o.db;
    // A replay or run that fails at its start leaves no store behind that was not there before it.
    const starts = action.name() === 'replay' || action.name() === 'run';
    if (starts && !(action.opts() as { log?: unknown }).log) before = storeBefore(db);
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : EXIT.usage;
    }
    const busy = e instanceof MgrError && e.code === 'MGR_ERR_STORE_BUSY';
    if (db !== undefined && before !== undefined && !busy) discardEmptyStore(db, before);
    return reportFailure(e, db === undefined ? {} : { db });
  }
}

/**
 * For the process as a whole: an error that escaped every handler is still one line, not a stack. A rejection no
 * one handled comes here too (Node raises it as an uncaught exception), after any `unhandledRejection` listener had
 * its say: the module evaluator's keeps one that evaluated code left behind from ending the host.
 */
export function reportEscapedErrors(): void {
  process.on('uncaughtException', (e) => {
    process.exitCode = reportFailure(e);
    process.exit();
  });
}
