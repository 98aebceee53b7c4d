import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { MgrError } from '../errors.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { EXIT, reportFailure } from './cli-error.ts';
import { discardEmptyStore, type StoreBefore, storeBefore } from './fresh-store.ts';
import { watchStdout } from './stdout-pipe.ts';

/** Adds one subcommand's declaration (its options, arguments, help and action) to the program. */
type Register = (program: Command, setExit: (code: number) => void) => void;

/**
 * The subcommands in the order `--help` lists them, each loaded on demand: a command imports its own code and what
 * that needs (the store, the host, NATS, the simulator...) only when it is the one that runs.
 */
const SUBCOMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Register>]> = [
  ['replay', async () => (await import('./replay-command.ts')).registerReplayCommand],
  ['run', async () => (await import('./run-command.ts')).registerRunCommand],
  ['get', async () => (await import('./get-command.ts')).registerGetCommand],
  ['call', async () => (await import('./call-command.ts')).registerCallCommand],
  ['bench', async () => (await import('./bench-command.ts')).registerBenchCommand],
  ['digest', async () => (await import('./digest-command.ts')).registerDigestCommand],
  // `cmd` parses its own words (every word not its flag belongs to the command): listed here for --help only.
  [
    'cmd',
    async () => (program) => {
      program.command('cmd').description('send a command to a running host, as the ceph CLI does (mgrkit cmd -h)');
    },
  ],
  ['simulate', async () => (await import('./simulate-command.ts')).registerSimulateCommand],
  ['repl', async () => (await import('./repl-command.ts')).registerReplCommand],
  ['new', async () => (await import('./new-command.ts')).registerNewCommand],
];

/**
 * The subcommands to declare for a command line: the one its first word names, none for `--version`, and every one
 * otherwise (the program's help, `help CMD`, an unknown command and its suggestion).
 */
function declared(argv: readonly string[]): ReadonlyArray<readonly [string, () => Promise<Register>]> {
  const first = argv[2];
  if (first === '-V' || first === '--version') return [];
  const named = SUBCOMMANDS.find(([name]) => name === first);
  return named ? [named] : SUBCOMMANDS;
}

function packageVersion(): string {
  const text = readFileSync(fileURLToPath(new URL('package.json', PACKAGE_ROOT)), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

async function buildProgram(argv: readonly string[], setExit: (code: number) => void): Promise<Command> {
  const program = new Command('mgrkit')
    .description('An event-sourced cluster-state cache and host for ceph-mgr-style modules.')
    .version(packageVersion(), '-V, --version', "print mgrkit's version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  const registers = await Promise.all(declared(argv).map(([, load]) => load()));
  for (const register of registers) register(program, setExit);
  return program;
}

/** Runs the `mgrkit` command line; resolves to the exit status. Every failure is one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  watchStdout();
  if (argv[2] === 'cmd') {
    try {
      const { runCmd } = await import('./cmd-command.ts');
      return await runCmd(argv.slice(3));
    } catch (e) {
      return reportFailure(e);
    }
  }
  let code = 0;
  let program: Command;
  try {
    program = await buildProgram(argv, (c) => {
      code = c;
    });
  } catch (e) {
    return reportFailure(e);
  }
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
    if (db !== undefined && before !== undefined && !busy) await discardEmptyStore(db, before);
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
