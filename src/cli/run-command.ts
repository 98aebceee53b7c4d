import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { MgrError } from '../errors.ts';
import type { LogMember } from '../group/log-member.ts';
import { SourceChecks } from '../health/source-checks.ts';
import { MgrHost } from '../host/host.ts';
import { SHUTDOWN_DEADLINE_MS } from '../host/module-lifecycle.ts';
import { formatRejection } from '../ingest/rejection.ts';
import { StreamClock } from '../ingest/stream-clock.ts';
import { ClusterBridge } from '../run/cluster-bridge.ts';
import { connectSource } from '../run/connect-source.ts';
import { runLiveSim } from '../run/live-sim.ts';
import { isLiveSourceSpec, type LiveSourceRun, type SourceWatch, startLiveSource } from '../run/live-source.ts';
import { replayTrace } from '../run/replay.ts';
import { type LagWatch, watchLag } from '../run/sim-lag.ts';
import { type AdminRequest, AdminSocket } from '../server/admin-socket.ts';
import { readBridgeSecret } from '../sources/bridge-secret.ts';
import { parseListenAddress } from '../sources/listen-source.ts';
import { liveSim, parseSimSpec } from '../sources/sim-source.ts';
import { stateAt } from '../store/recovery.ts';
import { Store } from '../store/store.ts';
import { applySettings, type HostFlags, reportFailedModules } from './command-host.ts';
import { collect, DEFAULT_DB, parseList, parsePositive, parseSpeed } from './flags.ts';
import { checkSource } from './source-check.ts';

/** `mgrkit run`: the host as a daemon, until SIGINT or SIGTERM. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the host as a daemon: ingest the source, run modules, serve commands on the admin socket')
    .option(
      '--source <trace|sim:...|follow:FILE|listen:ADDR>',
      'a trace to ingest (the host keeps serving its last state once it ends), a live simulated cluster: sim:osds=N[,hosts=H,mons=M,size=N,pools=P,pgs=PG,seed=S,scenario=off|STEP+STEP,fs=NAME,node_exporter=HOST:PORT], a growing trace to follow: follow:FILE, or where a recorder connects: listen:PATH|HOST:PORT',
    )
    .option(
      '--bridge-secret-file <file>',
      "with --source listen:HOST:PORT, the secret a recorder must prove (mode 0600; the same text as the cluster's config-key mgr/mgrkit_recorder/secret)",
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
}

interface RunFlags extends Omit<HostFlags, 'modules'> {
  source?: string;
  bridgeSecretFile?: string;
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
  const secret = o.bridgeSecretFile === undefined ? undefined : readBridgeSecret(o.bridgeSecretFile);
  if (secret !== undefined && !o.source?.startsWith('listen:')) {
    throw new MgrError('MGR_ERR_USAGE', '--bridge-secret-file goes with --source listen:HOST:PORT');
  }
  if (o.source?.startsWith('listen:') && secret === undefined) {
    const where = parseListenAddress(o.source.slice('listen:'.length));
    if (!('path' in where)) {
      throw new MgrError(
        'MGR_ERR_BRIDGE_SECRET',
        `${o.source}: a recorder on TCP acts for mgrkit with the manager's caps: give --bridge-secret-file FILE (the text of the cluster's config-key mgr/mgrkit_recorder/secret), or listen on a Unix socket`,
      );
    }
  }
  const sim = o.source?.startsWith('sim:') ? liveSim(parseSimSpec(o.source), o.speed) : null;
  // A recorder in a real ceph-mgr connects to listen:: the host's commands and health go to that cluster.
  let logTo: MgrHost | null = null;
  const bridge = o.source?.startsWith('listen:')
    ? new ClusterBridge({
        info: (obj, msg) => logTo?.log.info(obj, msg),
        warn: (obj, msg) => logTo?.log.warn(obj, msg),
      })
    : null;
  const store = Store.open(o.db, { reset: o.reset ?? false });
  if (sim && stateAt(store).seq > 0) {
    sim.stop();
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
    ...(sim
      ? { commander: sim.commander }
      : bridge
        ? { commander: bridge.commander, objects: bridge.objects, cephfsBackend: bridge.cephfs }
        : {}),
  });
  logTo = host;
  try {
    if (o.modules) host.modules.use(o.modules);
  } catch (e) {
    await host.stop();
    await store.close();
    throw e;
  }
  host.feed.adopt(stateAt(store));
  host.start();
  bridge?.attach(host);
  reportFailedModules(host.modules.stats(), Object.keys(host.modules.stats()));
  const socketPath = o.socket ?? join(o.db, 'mgr.sock');
  const local = (req: AdminRequest) =>
    host.commands.run(req.cmd, { entity: req.entity, caps: host.commands.caps(req.entity), inbuf: req.inbuf });
  // In a group, a standby passes module commands on to the active manager: any manager's socket serves them.
  let member: LogMember | null = null;
  const admin = await AdminSocket.listen(socketPath, (req) =>
    member === null ? local(req) : member.route(req, local),
  );
  // In a group without --source, what the host follows is the event log.
  const sourceLabel = o.source ?? (o.log ? `${o.log} (stream ${o.stream ?? 'MGRKIT'})` : '');
  const sourceChecks = new SourceChecks(host.health, sourceLabel);
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
      process.stderr.write(`mgrkit: the source ${sourceLabel} failed: ${reason}\n`);
    },
  };
  // Set when the daemon is asked to stop: ingest stops waiting for a full disk to take its held batch.
  const stopRequested = new AbortController();
  // A listener that cannot bind fails the start: nothing was served, so a store made for it goes too.
  const started =
    o.source && isLiveSourceSpec(o.source)
      ? await startLiveSource(o.source, store, host, watch, {
          retryCommitsUntil: stopRequested.signal,
          ...(bridge ? { bridge: bridge.link } : {}),
          ...(secret ? { secret } : {}),
        }).catch(async (e) => {
          bridge?.stop();
          await admin.close();
          await host.stop();
          await store.close();
          throw e;
        })
      : null;
  // Listening before saying so: a SIGTERM sent as soon as the line is read ends the daemon cleanly.
  const signalled = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write(`mgrkit: serving commands on ${socketPath}\n`);
  const group = o.log
    ? await (await import('./log-commands.ts')).joinLogGroup(
        host,
        store,
        {
          log: o.log,
          addr: socketPath,
          logger: host.log,
          speed: o.speed,
          ...(o.stream ? { stream: o.stream } : {}),
          ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
          ...(o.snapshotCatchUp ? { snapshotCatchUp: o.snapshotCatchUp } : {}),
          ...(o.source ? { source: o.source } : {}),
          watch,
        },
        (m) => {
          member = m;
        },
      )
    : null;
  let stopping: Promise<void> | undefined;
  let live: Promise<unknown> | null = null;
  let liveSource: LiveSourceRun | null = null;
  let lag: LagWatch | null = null;
  const stop = () => {
    stopping ??= (async () => {
      stopRequested.abort();
      if (lag !== null) {
        const line = lag.stop();
        host.log.info({ lagS: lag.lagMs() / 1000 }, line);
        process.stderr.write(`mgrkit: ${line}\n`);
      }
      sim?.stop();
      bridge?.stop();
      await liveSource?.stop();
      await live;
      await group?.stop();
      await admin.close();
      await host.stop();
      await store.close();
    })();
    return stopping;
  };
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
      `mgrkit: simulated cluster of ${sim.osds} OSDs running (${o.source}); mon commands reach it\n`,
    );
    // How far the published state trails the cluster, every half minute: on stderr and in the log.
    lag = watchLag({ startMs: sim.startMs, clock: sim.clock, published: () => host.state }, (line) => {
      host.log.info({ lagS: lag!.lagMs() / 1000 }, line);
      process.stderr.write(`mgrkit: ${line}\n`);
    });
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
