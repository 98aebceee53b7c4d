import type { Command } from 'commander';
import { MgrError } from '../errors.ts';
import type { MgrHost } from '../host/host.ts';
import { moduleIsFailed } from '../host/module-registry.ts';
import { formatRejection } from '../ingest/rejection.ts';
import { Accessors } from '../module/accessors.ts';
import { type ReplaySummary, replayTrace } from '../run/replay.ts';
import { checkTraceFile, DEFAULT_MAX_LINE_BYTES } from '../sources/trace-lines.ts';
import { Store } from '../store/store.ts';
import { EXIT } from './cli-error.ts';
import { createHost, reportFailedModules } from './command-host.ts';
import { collect, DEFAULT_DB, parseList, parsePositive, parseSpeed } from './flags.ts';
import { createProgress } from './progress.ts';
import { statusLines } from './status.ts';

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

/** `mgrkit replay TRACE`: folds a trace into the store (or appends it to a NATS event log), then prints a summary. */
export function registerReplayCommand(program: Command, setExit: (code: number) => void): void {
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
          // NATS's client is loaded for --log only.
          const { replayToLog } = await import('./log-commands.ts');
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
}
