import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAccessors, printAccessors } from './accessors.bench.ts';
import { benchBridge, printBridge } from './bridge.bench.ts';
import { benchCommands, printCommands } from './commands.bench.ts';
import { benchDashboard, printDashboard } from './dashboard.bench.ts';
import { benchFold, printFold } from './fold.bench.ts';
import { benchFoldScale, printFoldScale } from './fold-scale.bench.ts';
import { benchIngestPipeline, printIngestPipeline } from './ingest-pipeline.bench.ts';
import { benchJetStream, printJetStream } from './jetstream.bench.ts';
import { benchMemory, printMemory } from './memory.bench.ts';
import { benchNotify, printNotify } from './notify.bench.ts';
import { benchRados, printRados } from './rados.bench.ts';
import { benchScale, printScale, type ScaleSize } from './scale.bench.ts';
import { benchScrape, printScrape } from './scrape.bench.ts';
import { benchSnapshotParts, printSnapshotParts } from './snapshot-parts.bench.ts';
import { benchIngestRates, benchLiveLag, benchTraceReplay } from './targets.bench.ts';
import { printDigestAt, printTargets, targetRows } from './targets.ts';
import { benchValidate, printValidate } from './validate.bench.ts';

/** The simulated sizes of the suite, and how many seconds of stream time each replays. */
export const DEFAULT_SIZES: readonly ScaleSize[] = [
  { osds: 1000, duration: 30 },
  { osds: 10_000, duration: 6, byKind: false },
];

export interface BenchOptions {
  readonly json?: boolean;
  /** Simulated cluster sizes (OSDs); the recorded 3-OSD trace always runs. */
  readonly sizes?: readonly ScaleSize[];
  /** Leave out the scale targets' own runs (the 30-s 10,000-OSD trace, the live cluster, the ingest rates). */
  readonly noTargets?: boolean;
  /** Also replay 10,800 OSDs with 1,000,000 PGs. */
  readonly huge?: boolean;
  /** Told what is running (on stderr), so that a long run shows progress. */
  readonly onStage?: (stage: string) => void;
}

/** Runs the benchmark suite and prints it (or its JSON). */
export async function runBench(options: BenchOptions = {}): Promise<void> {
  const traces = fileURLToPath(new URL('../traces/', import.meta.url));
  const stage = options.onStage ?? (() => {});
  const machine = {
    node: process.version,
    cpus: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
  };
  stage('accessors on the recorded 3-OSD trace');
  const accessors = await benchAccessors(`${traces}pacific-3osd.jsonl.gz`);
  stage('resident memory at the size of the recorded 1003-OSD cluster');
  const memory = await benchMemory(`${traces}pacific-3osd.jsonl.gz`);
  stage('fold throughput of the recorded traces');
  const fold = benchFold([`${traces}pacific-3osd.jsonl.gz`, `${traces}pacific-3osd-patch.jsonl.gz`]);
  stage('validation per event kind: JSON.parse, zod, the compiled validator');
  const validate = benchValidate(`${traces}pacific-3osd.jsonl.gz`);
  stage('fold cost per event at 1,000 and 10,000 daemons');
  const foldScale = benchFoldScale();
  stage('replay with lines parsed in the main thread and by a worker, at 1,000 OSDs');
  const ingestPipeline = await benchIngestPipeline();
  stage('notify latency with 1, 10 and 50 modules');
  const notify = await benchNotify(`${traces}pacific-3osd.jsonl.gz`);
  stage('command round trip through the admin socket');
  const commands = await benchCommands();
  stage('RADOS objects through an ioctx');
  const rados = await benchRados();
  const scale = [];
  for (const size of options.sizes ?? DEFAULT_SIZES) {
    stage(`simulated cluster of ${size.osds} OSDs`);
    scale.push(await benchScale(size, 1, (step) => stage(`  ${size.osds} OSDs: ${step}`)));
  }
  const targets = !options.noTargets;
  if (targets) stage('scale targets: the 30-s trace of 10,000 OSDs, replayed in a fresh process');
  const replay10k = targets ? await benchTraceReplay(10_000, 30, null, (s) => stage(`  ${s}`)) : null;
  if (options.huge) stage('scale targets: 10,800 OSDs and 1,000,000 PGs, 30 s');
  const huge = options.huge ? await benchTraceReplay(10_800, 30, 1_000_000, (s) => stage(`  ${s}`)) : null;
  if (targets) stage('scale targets: small events with the journal at 10,000 daemons');
  const rates = targets ? await benchIngestRates(10_000, (s) => stage(`  ${s}`)) : [];
  if (targets) stage('scale targets: a live simulated cluster of 10,000 OSDs, 75 s');
  const lag = targets ? await benchLiveLag(10_000, 75, (s) => stage(`  ${s}`)) : null;
  stage('snapshots by part against whole snapshots at 10,000 OSDs');
  const snapshotParts = await benchSnapshotParts(10_000, 6, (step) => stage(`  ${step}`));
  stage('prometheus scrapes');
  const scrape = await benchScrape(undefined, (step) => stage(`  ${step}`));
  stage('dashboard OSD table page at 10,000 OSDs');
  const dashboard = await benchDashboard(10_000, (step) => stage(`  ${step}`));
  stage('event log on NATS JetStream: throughput and failover');
  const jetstream = await benchJetStream();
  stage('the bridge to a real Ceph cluster: mon_command and RADOS round trips');
  const bridge = await benchBridge((s) => stage(`  ${s}`));
  const results = {
    machine,
    accessors,
    memory,
    fold,
    validate,
    foldScale,
    ingestPipeline,
    notify,
    commands,
    rados,
    scale,
    snapshotParts,
    scrape,
    dashboard,
    jetstream,
    bridge,
    targets: { replay10k, huge, rates, lag },
  };
  const file = writeResults(results);
  if (options.json) {
    console.log(JSON.stringify(results));
    return;
  }
  console.log(`mgrkit bench: node ${machine.node}, ${machine.cpus} cores (${machine.cpu}), ${machine.memGiB} GiB`);
  printAccessors(accessors.rows);
  printMemory(memory);
  printFold(fold);
  printValidate(validate);
  printFoldScale(foldScale);
  printIngestPipeline(ingestPipeline);
  printNotify(notify);
  printCommands(commands);
  printRados(rados);
  printScale(scale);
  printSnapshotParts(snapshotParts);
  printScrape(scrape);
  printDashboard(dashboard);
  printJetStream(jetstream);
  printBridge(bridge);
  printTargets(targetRows({ replay10k, huge, rates, lag, scale, scrape, notify }));
  printDigestAt(replay10k?.digestAt);
  console.log('\nceph-mgr: real ceph-mgr 16.2.15 from a Python module, recorded on a 2-core machine (not this run).');
  if (file !== null) console.log(`results: ${file}`);
}

/** Keeps a run's figures in `bench/results/<date>.json` (a later run of the same day replaces them). */
function writeResults(results: object): string | null {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  const file = join(dir, `${new Date().toISOString().slice(0, 10)}.json`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ...results }, null, 1)}\n`);
    return file;
  } catch (e) {
    process.stderr.write(`bench: could not write ${file}: ${(e as Error).message}\n`);
    return null;
  }
}

/** `--sizes 1000,10000` → the simulated sizes (with their default durations). */
export function parseSizes(text: string): ScaleSize[] {
  return text
    .split(',')
    .filter((x) => x !== '')
    .map((x) => {
      const osds = Number(x);
      if (!Number.isInteger(osds) || osds < 3) throw new Error(`a size is a number of OSDs (3 or more), not "${x}"`);
      return osds >= 10_000 ? { osds, duration: 6, byKind: false } : { osds, duration: 30 };
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--sizes');
  await runBench({
    json: process.argv.includes('--json'),
    noTargets: process.argv.includes('--no-targets'),
    huge: process.argv.includes('--huge'),
    ...(i > 0 ? { sizes: parseSizes(process.argv[i + 1] ?? '') } : {}),
    onStage: (s) => process.stderr.write(`bench: ${s}\n`),
  });
}
