import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import repl from 'node:repl';
import type { Command } from 'commander';
import { AdminClient } from '../server/admin-client.ts';
import type { AdminReply } from '../server/admin-socket.ts';
import { errorName } from './cmd-command.ts';
import { completeLine, isIncomplete, MGR_NAMES_SOURCE } from './repl-input.ts';

const DEFAULT_PREFIX = 'mgr self-test eval';

interface ReplFlags {
  socket?: string;
  db: string;
  prefix: string;
  name: string;
  command?: string;
}

/** Where the shell keeps its history: `MGRKIT_REPL_HISTORY` (empty: none), else `~/.mgrkit_repl_history`. */
function historyFile(): string {
  return process.env.MGRKIT_REPL_HISTORY ?? join(homedir(), '.mgrkit_repl_history');
}

/** One connection to the host, sending each input through the eval command. */
class EvalSession {
  constructor(
    private readonly client: AdminClient,
    private readonly prefix: string,
    private readonly entity: string,
  ) {}

  send(source: string, format?: string): Promise<AdminReply> {
    return this.client.send(
      { prefix: this.prefix, ...(format ? { format } : {}) },
      { inbuf: source, entity: this.entity },
    );
  }

  /** Runs one input and prints what came back; resolves to 0, or the errno of a failure. */
  async run(source: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
    const r = await this.send(source);
    if (r.stdout !== '') out.write(r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`);
    if (r.stderr !== '') err.write(r.stderr.endsWith('\n') ? r.stderr : `${r.stderr}\n`);
    return r.retval < 0 ? Math.min(255, -r.retval) : 0;
  }
}

/** Lines from a pipe or file: one input per complete statement, as the interactive shell would take them. */
async function runPiped(session: EvalSession): Promise<number> {
  const lines = createInterface({ input: process.stdin, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  let buffer = '';
  let status = 0;
  for await (const line of lines) {
    buffer += `${line}\n`;
    if (buffer.trim() === '') buffer = '';
    if (buffer === '' || isIncomplete(buffer)) continue;
    const failed = await session.run(buffer, process.stdout, process.stderr);
    status ||= failed;
    buffer = '';
  }
  if (buffer.trim() !== '') {
    const failed = await session.run(buffer, process.stdout, process.stderr);
    status ||= failed;
  }
  return status;
}

/** The interactive shell: node:repl with the host doing the evaluating. */
function runInteractive(session: EvalSession, flags: ReplFlags, socket: string, names: string[]): Promise<number> {
  process.stdout.write(
    `mgrkit repl: \`mgr\` is the module behind "${flags.prefix}" on ${socket}; .help for help, Ctrl-D to leave\n`,
  );
  return new Promise((resolve) => {
    let status = 0;
    const server = repl.start({
      prompt: `[${flags.prefix}] >>> `,
      preview: false,
      completer: (line: string) => completeLine(line, names),
      // The host sends text already formatted as Node's REPL would.
      writer: (text: unknown) => String(text),
      eval: (input, _context, _file, done) => {
        if (input.trim() === '') return done(null, undefined);
        if (isIncomplete(input)) return done(new repl.Recoverable(new SyntaxError('incomplete input')), undefined);
        session.send(input).then(
          (r) => {
            if (r.retval === 0) return done(null, r.stdout.replace(/\n$/, ''));
            server.output.write(`${r.stdout}${r.stderr}\n`);
            done(null, undefined);
          },
          (e: Error) => {
            server.output.write(`mgrkit repl: ${e.message}\n`);
            status = 1;
            server.close();
          },
        );
      },
      ignoreUndefined: true,
    });
    const file = historyFile();
    if (file !== '') {
      server.setupHistory(file, (e) => {
        if (e) server.output.write(`mgrkit repl: no history (${e.message})\n`);
      });
    }
    server.on('exit', () => resolve(status));
  });
}

/** `mgrkit repl`: a JavaScript shell on a running host, each input evaluated by a module's eval command. */
async function runRepl(flags: ReplFlags): Promise<number> {
  const socket = flags.socket ?? join(flags.db, 'mgr.sock');
  let client: AdminClient;
  try {
    client = await AdminClient.connect(socket);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(
      `mgrkit repl: cannot connect to ${socket}: ${err.code ?? err.message} (is \`mgrkit run\` serving it?)\n`,
    );
    return err.code === 'ENOENT' ? 2 : 1;
  }
  const session = new EvalSession(client, flags.prefix, flags.name);
  try {
    // One round trip before the first input: the command is there and this client may use it, and the names
    // `mgr.` completes to.
    const probe = await session.send(MGR_NAMES_SOURCE, 'json');
    if (probe.retval !== 0) {
      process.stderr.write(`Error ${errorName(-probe.retval)}: ${probe.stderr}\n`);
      return Math.min(255, -probe.retval);
    }
    if (flags.command !== undefined) return await session.run(flags.command, process.stdout, process.stderr);
    if (!process.stdin.isTTY) return await runPiped(session);
    let names: string[] = [];
    try {
      names = JSON.parse(probe.stdout) as string[];
    } catch {
      // an eval command of another shape: no completion, the rest works
    }
    return await runInteractive(session, flags, socket, names);
  } finally {
    client.close();
  }
}

/** Adds `mgrkit repl` to the program. */
export function registerReplCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('repl')
    .description(
      'a JavaScript shell on a running host: each input runs in a module through its eval command (`mgr` is the module); with input piped in, one statement at a time, exiting with the errno of the first that failed',
    )
    .option('--socket <path>', 'admin socket (default: <db>/mgr.sock)')
    .option('--db <dir>', 'store directory of the host', './.mgrkit')
    .option('--prefix <prefix>', 'the eval command to send inputs through', DEFAULT_PREFIX)
    .option('-n, --name <entity>', 'the client to connect as (it needs rw caps)', 'client.admin')
    .option('-c, --command <code>', 'run this input and exit')
    .action(async (o: ReplFlags) => {
      setExit(await runRepl(o));
    });
}
