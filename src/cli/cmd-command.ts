import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { CommandDescription } from '../commands/command-table.ts';
import { type CommandSignature, parseDescriptor, usage } from '../commands/descriptor.ts';
import { validateCommand } from '../commands/validate.ts';
import { errnoName } from '../errors.ts';
import { AdminClient } from '../server/admin-client.ts';
import { helpEntry } from './help-format.ts';
import { stdoutClosed } from './stdout-pipe.ts';

interface CmdFlags {
  socket?: string;
  db: string;
  format?: string;
  inFile?: string;
  entity: string;
  period?: number;
  help: boolean;
  words: string[];
}

const VALUE_FLAGS: Record<string, keyof CmdFlags> = {
  '--socket': 'socket',
  '--db': 'db',
  '-f': 'format',
  '--format': 'format',
  '-i': 'inFile',
  '--in-file': 'inFile',
  '-n': 'entity',
  '--name': 'entity',
  '--period': 'period',
};

/** `mgrkit cmd`'s own flags, wherever they stand; every other word belongs to the command. */
export function parseCmdArgs(argv: readonly string[]): CmdFlags {
  const flags: CmdFlags = { db: './.mgrkit', entity: 'client.admin', help: false, words: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(0, eq) : a;
    const field = VALUE_FLAGS[key];
    if (a === '-h' || a === '--help') flags.help = true;
    else if (field !== undefined) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new Error(`${key} needs a value`);
      (flags as unknown as Record<string, unknown>)[field] = field === 'period' ? Number(value) : value;
    } else flags.words.push(a);
  }
  return flags;
}

/** `EINVAL` for 22, as the `ceph` CLI names an errno. */
export function errorName(errno: number): string {
  return errnoName(errno) ?? `errno ${errno}`;
}

/** The `-i` file's text (`-` for stdin), or the errno to exit with once a one-line error naming it is printed. */
function readInFile(file: string): string | number {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? 'no such file'
        : err.code === 'EISDIR'
          ? 'is a directory'
          : err.code === 'EACCES'
            ? 'permission denied'
            : (err.code ?? err.message);
    process.stderr.write(`mgrkit cmd: cannot read -i ${file}: ${why}: give a file to send as the command's input\n`);
    return Math.min(255, constants.errno[err.code as keyof typeof constants.errno] ?? constants.errno.EIO);
  }
}

interface Described {
  sig: CommandSignature;
  d: CommandDescription;
}

/** `mgrkit cmd`: sends one command to a running host and prints what it answers, as the `ceph` CLI does. */
/** `mgrkit cmd`'s own usage: printed for `-h` before the host's commands, so it helps with no host running too. */
export const CMD_USAGE = `Usage: mgrkit cmd [options] WORDS...

Sends a command to a running host (mgrkit run), as the ceph CLI does: the words are checked against the host's
command descriptions, stdout and stderr are printed, and the exit status is the errno.

Options:
  --db DIR               the store whose host to ask (its socket is DIR/mgr.sock; default ./.mgrkit)
  --socket PATH[,PATH]   the admin socket(s) to ask: the first that takes the connection serves
  -f, --format FORMAT    json, json-pretty, yaml, plain, ...
  -i, --in-file FILE     the command's input (as ceph -i)
  -n, --name ENTITY      who asks (default client.admin): picks the caps from auth/ENTITY
  --period SECONDS       repeat a polling command every SECONDS
  -h, --help             this text, then the commands the host serves (those starting with WORDS)
`;

export async function runCmd(argv: readonly string[]): Promise<number> {
  let flags: CmdFlags;
  try {
    flags = parseCmdArgs(argv);
  } catch (e) {
    process.stderr.write(`mgrkit cmd: ${(e as Error).message}\n`);
    return 1;
  }
  if (flags.help && flags.words.length === 0) process.stdout.write(`${CMD_USAGE}\nCommands of the host:\n`);
  // Several sockets (`a.sock,b.sock`: the managers of a group): the first that takes the connection serves.
  const sockets = (flags.socket ?? join(flags.db, 'mgr.sock')).split(',').filter((p) => p !== '');
  let client: AdminClient | undefined;
  let failure: NodeJS.ErrnoException | undefined;
  for (const socket of sockets) {
    try {
      client = await AdminClient.connect(socket);
      break;
    } catch (e) {
      failure = e as NodeJS.ErrnoException;
      process.stderr.write(
        `mgrkit cmd: cannot connect to ${socket}: ${failure.code ?? failure.message}${sockets.length === 1 ? ' (is `mgrkit run` serving it?)' : ''}\n`,
      );
    }
  }
  if (client === undefined) {
    return Math.min(255, Math.abs(constants.errno[failure?.code as keyof typeof constants.errno] ?? 1));
  }
  try {
    const listing = await client.send({ prefix: 'get_command_descriptions' }, { entity: flags.entity });
    if (listing.retval !== 0) {
      process.stderr.write(`Error ${errorName(-listing.retval)}: ${listing.stderr}\n`);
      return Math.min(255, -listing.retval);
    }
    const described: Described[] = (JSON.parse(listing.stdout) as CommandDescription[]).map((d) => ({
      d,
      sig: parseDescriptor(d.cmd),
    }));
    if (flags.help || flags.words.length === 0) {
      const partial = flags.words.join(' ');
      const shown = described.filter(({ d }) => d.usage.startsWith(partial));
      process.stdout.write(`${shown.map(({ d }) => helpEntry(d.usage, d.desc)).join('\n')}\n`);
      return 0;
    }
    const result = validateCommand(
      described.map((x) => x.sig),
      flags.words,
    );
    if (!result.ok) {
      if (result.kind === 'no-match') {
        const lines = result.closest.map((s) => usage(s));
        process.stderr.write(
          `no valid command found; ${lines.length} closest matches:\n${lines.join('\n')}\nError EINVAL: invalid command\n`,
        );
      } else {
        const desc = described.find((x) => x.sig === result.signature)?.d.desc ?? '';
        process.stderr.write(
          `Invalid command: ${result.error}\n${usage(result.signature)} :  ${desc}\nError EINVAL: invalid command\n`,
        );
      }
      return constants.errno.EINVAL;
    }
    const cmd: Record<string, unknown> = { ...result.cmd };
    if (flags.format !== undefined) cmd.format = flags.format;
    const inbuf = flags.inFile === undefined ? '' : readInFile(flags.inFile);
    if (typeof inbuf === 'number') return inbuf;
    const poll = described.find((x) => x.sig === result.signature)?.d.poll ?? false;
    for (;;) {
      const reply = await client.send(cmd, { inbuf, entity: flags.entity });
      if (reply.stdout !== '') process.stdout.write(reply.stdout.endsWith('\n') ? reply.stdout : `${reply.stdout}\n`);
      if (reply.retval < 0) {
        process.stderr.write(
          `Error ${errorName(-reply.retval)}: ${reply.stderr}${reply.stderr.endsWith('\n') ? '' : '\n'}`,
        );
        return Math.min(255, -reply.retval);
      }
      if (reply.stderr !== '') process.stderr.write(reply.stderr.endsWith('\n') ? reply.stderr : `${reply.stderr}\n`);
      if (!poll || flags.period === undefined || !(flags.period > 0) || stdoutClosed()) return 0;
      await new Promise((r) => setTimeout(r, flags.period! * 1000));
    }
  } finally {
    client.close();
  }
}
