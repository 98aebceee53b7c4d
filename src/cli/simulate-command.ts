import { dirname } from 'node:path';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import type { ClusterEvent } from '../../schemas/event.ts';
import { MgrError } from '../errors.ts';
import { parseScenario, scenarioStepList } from '../sim/scenario.ts';
import { type SimOptionsInput, SimOptionsSchema } from '../sim/sim-options.ts';
import { SimulatedCluster } from '../sim/simulated-cluster.ts';
import { writeEvents, writeTraceFile } from '../sim/write-trace.ts';

function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return n;
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a positive number of seconds');
  }
  return n;
}

/** A start time as milliseconds since the epoch, or as an ISO date (`2026-11-25T03:00:00Z`). */
function parseStart(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidArgumentError('expected milliseconds since the epoch or an ISO date-time');
  }
  return n;
}

/** A file `-o` cannot be written, as an error naming it and what to do. */
function outputFailed(file: string) {
  return (e: NodeJS.ErrnoException): never => {
    if (typeof e?.code !== 'string' || e.syscall === undefined) throw e;
    const why =
      e.code === 'ENOENT'
        ? `the folder ${dirname(file)} does not exist: create it first`
        : e.code === 'EISDIR'
          ? 'is a directory: give a file name'
          : e.code === 'EACCES' || e.code === 'EPERM'
            ? 'permission denied'
            : e.code;
    throw new MgrError('MGR_ERR_OUTPUT_FILE', `cannot write -o ${file}: ${why}`, { file });
  };
}

interface SimulateFlags {
  osds: number;
  hosts?: number;
  mons?: number;
  size?: number;
  pools?: number;
  pgs?: number;
  duration?: number;
  seed?: number;
  statsPeriod?: number;
  start?: number;
  /** Unset: the full day; false: `--no-scenario`; else the steps given. */
  scenario?: boolean | string;
  fullStats?: boolean;
  fs?: string;
  mds?: number;
  rgw?: number;
  rgwZones?: number;
  output?: string;
}

const MiB = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** The options as the simulator takes them, or a usage error naming the option at fault. */
function simOptions(o: SimulateFlags): SimOptionsInput {
  let scenario: boolean | string[] = true;
  try {
    if (o.scenario !== undefined) scenario = typeof o.scenario === 'boolean' ? o.scenario : parseScenario(o.scenario);
  } catch (e) {
    throw new MgrError('MGR_ERR_USAGE', `--scenario: ${(e as Error).message}`);
  }
  const input: SimOptionsInput = {
    osds: o.osds,
    scenario,
    ...(o.fullStats ? { fullStats: true } : {}),
    ...(o.fs !== undefined ? { fs: o.fs } : {}),
    ...(o.mds !== undefined ? { mds: o.mds } : {}),
    ...(o.rgw !== undefined ? { rgw: o.rgw } : {}),
    ...(o.rgwZones !== undefined ? { rgwZones: o.rgwZones } : {}),
    ...(o.hosts !== undefined ? { hosts: o.hosts } : {}),
    ...(o.mons !== undefined ? { mons: o.mons } : {}),
    ...(o.size !== undefined ? { size: o.size } : {}),
    ...(o.pools !== undefined ? { pools: o.pools } : {}),
    ...(o.pgs !== undefined ? { pgs: o.pgs } : {}),
    ...(o.duration !== undefined ? { duration: o.duration } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.statsPeriod !== undefined ? { statsPeriod: o.statsPeriod } : {}),
    ...(o.start !== undefined ? { start: o.start } : {}),
  };
  const checked = SimOptionsSchema.safeParse(input);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const flag = String(issue.path[0] ?? 'options').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new MgrError('MGR_ERR_USAGE', `--${flag}: ${issue.message}`);
  }
  return input;
}

function createBar(durationS: number) {
  if (!process.stderr.isTTY) return { update: (_s: number, _e: number) => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format:
      'simulate [{bar}] {percentage}% | {value}/{total} s of stream time | {events} events | {duration_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(Math.ceil(durationS), 0, { events: 0 });
  return {
    update: (seconds: number, events: number) =>
      bar.update(Math.min(Math.ceil(durationS), Math.floor(seconds)), { events }),
    stop: () => bar.stop(),
  };
}

/** Writes to stdout until the events end or the reader goes away (`| head`), whichever comes first. */
async function writeStdout(events: Iterable<ClusterEvent>, onProgress: (n: number, t: number) => void) {
  let closed = false;
  const gone = new Promise<null>((resolve) => {
    process.stdout.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      closed = true;
      resolve(null);
    });
  });
  const written = await Promise.race([writeEvents(events, process.stdout, { onProgress }), gone]);
  return { written, closed };
}

/**
 * `mgrkit simulate`: writes the trace of a simulated cluster (CONTRACT §2), the same bytes for the same options and
 * seed. To a file with `-o` (gzip when it ends in `.gz`), else to stdout; a progress bar on a terminal's stderr, a
 * one-line summary at the end.
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'write a deterministic trace of a simulated Ceph cluster: maps, PG stats, perf counters, health and a scenario ' +
        '(by default an OSD failure and recovery, a flap under noout, a pool created, split and deleted; or the ' +
        'named steps of --scenario) over stream time',
    )
    .requiredOption('--osds <n>', 'number of OSDs (ids 0..n-1)', parseCount)
    .option(
      '--hosts <n>',
      'hosts the OSDs are spread over, the failure domain (default: 8 OSDs a host, at least 3)',
      parseCount,
    )
    .option('--mons <n>', 'monitors, one a host from the first (default: 3, or one a host when fewer)', parseCount)
    .option(
      '--size <n>',
      'replicas of each pool (default: 3, or one a host when fewer); more than the hosts leaves PGs undersized',
      parseCount,
    )
    .option('--pools <n>', 'number of pools (default: 3)', parseCount)
    .option(
      '--pgs <n>',
      'total PGs across the pools, a power of two per pool (default: ~100 PG replicas per OSD)',
      parseCount,
    )
    .option('--duration <seconds>', 'seconds of stream time to simulate (default: 120)', parseSeconds)
    .option('--seed <n>', 'seed of every random choice: the same seed gives the same bytes (default: 1)', parseInteger)
    .option('--stats-period <seconds>', 'seconds between two reports of an OSD, whole seconds (default: 5)', parseCount)
    .option(
      '--start <time>',
      'stream time of the first event, ms since the epoch or an ISO date-time (default: 2026-11-25T03:00:00Z)',
      parseStart,
    )
    .option(
      '--scenario <steps>',
      'the scenario steps to play, comma-separated (listed below; default: the scripted day, ' +
        "'pool-create,osd-fail,noout,osd-flap,pool-split,pool-delete')",
    )
    .option('--no-scenario', 'client IO only: no failures, flaps, flags or pool changes')
    .addHelpText(
      'after',
      () =>
        `\nScenario steps (--scenario NAME,NAME,...; sim:...,scenario=NAME+NAME in run --source):\n${scenarioStepList()
          .map(([name, summary]) => `  ${name.padEnd(12)} ${summary}`)
          .join('\n')}\n`,
    )
    .option(
      '--full-stats',
      "every pg_stats carries all of its OSD's primary PGs, as Ceph sends them (default: only those that changed)",
    )
    .option('--fs <name>', 'a CephFS file system from the start (pools cephfs.NAME.meta and cephfs.NAME.data)')
    .option(
      '--mds <n>',
      'MDS daemons mds.a, mds.b, ...: one holds rank 0 of the file system (--fs, else "cephfs"), the others stand by',
      parseCount,
    )
    .option('--rgw <n>', 'RGW daemons, registered in the service map and serving S3 requests', parseCount)
    .option(
      '--rgw-zones <n>',
      'zones of the RGW zone group: 2 or more make it multisite, each daemon syncing from the other zones',
      parseCount,
    )
    .option('-o, --output <file>', 'write the trace to FILE (gzip when it ends in .gz) instead of stdout')
    .action(async (o: SimulateFlags) => {
      const input = simOptions(o);
      const began = performance.now();
      const cluster = new SimulatedCluster(input);
      const { osds, hosts, duration } = cluster.config;
      const pgs = cluster.pgCount;
      const bar = createBar(duration);
      const onProgress = (events: number, t: number) => bar.update((t - cluster.startMs) / 1000, events);
      let summary: { events: number; bytes: number; fileBytes: number | null };
      try {
        if (o.output !== undefined)
          summary = await writeTraceFile(cluster.events(), o.output, { onProgress }).catch(outputFailed(o.output));
        else {
          const { written, closed } = await writeStdout(cluster.events(), onProgress);
          if (closed || written === null) return;
          summary = { ...written, fileBytes: null };
        }
      } finally {
        bar.stop();
      }
      const seconds = ((performance.now() - began) / 1000).toFixed(1);
      const size =
        summary.fileBytes !== null && o.output?.endsWith('.gz')
          ? `${MiB(summary.bytes)} (${MiB(summary.fileBytes)} gzip)`
          : MiB(summary.bytes);
      const line =
        `simulated ${osds} OSDs on ${hosts} hosts, ${cluster.config.pgNums.length} pools, ${pgs} PGs, ` +
        `${duration} s (seed ${cluster.config.seed}): ${summary.events} events, ${size}` +
        `${o.output !== undefined ? ` -> ${o.output}` : ''} in ${seconds} s\n`;
      (o.output !== undefined ? process.stdout : process.stderr).write(line);
    });
}
