import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { MgrError } from '../errors.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { registerBenchCommand } from './bench-command.ts';
import { registerCallCommand } from './call-command.ts';
import { EXIT, reportFailure } from './cli-error.ts';
import { runCmd } from './cmd-command.ts';
import { registerDigestCommand } from './digest-command.ts';
import { discardEmptyStore, type StoreBefore, storeBefore } from './fresh-store.ts';
import { registerGetCommand } from './get-command.ts';
import { registerNewCommand } from './new-command.ts';
import { registerReplCommand } from './repl-command.ts';
import { registerReplayCommand } from './replay-command.ts';
import { registerRunCommand } from './run-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { watchStdout } from './stdout-pipe.ts';

function packageVersion(): string {
  const text = readFileSync(fileURLToPath(new URL('package.json', PACKAGE_ROOT)), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('mgrkit')
    .description('An event-sourced cluster-state cache and host for ceph-mgr-style modules.')
    .version(packageVersion(), '-V, --version', "print mgrkit's version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  registerReplayCommand(program, setExit);
  registerRunCommand(program);
  registerGetCommand(program);
  registerCallCommand(program);
  registerBenchCommand(program, setExit);
  registerDigestCommand(program);
  // `cmd` parses its own words (every word not its flag belongs to the command): listed here for --help only.
  program.command('cmd').description('send a command to a running host, as the ceph CLI does (mgrkit cmd -h)');
  registerSimulateCommand(program);
  registerReplCommand(program, setExit);
  registerNewCommand(program);

  return program;
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
