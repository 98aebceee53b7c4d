import { constants } from 'node:os';
import { closest, MgrError } from '../errors.ts';
import type { CommandTable } from './command-table.ts';
import type { CommandTuple } from './result.ts';
import { validateDict } from './validate.ts';

const { EINVAL, EACCES } = constants.errno;

/** What the transport knows of the caller. */
export interface CallerContext {
  /** The client's name (`client.admin`). */
  readonly entity: string;
  /** Its caps: `r`, `rw`, or `""` for none. */
  readonly caps: string;
  /** The `-i` input. */
  readonly inbuf: string;
}

function allowed(perm: string, caps: string): boolean {
  return [...perm].every((p) => caps.includes(p));
}

/**
 * Runs one command request (`{prefix, ...args}`, as Ceph's clients send them): finds the command by its prefix,
 * checks the caller's caps, validates and converts the arguments, and runs it. Never throws: every failure is a
 * `-errno` result.
 */
export async function dispatch(table: CommandTable, request: unknown, caller: CallerContext): Promise<CommandTuple> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return [-EINVAL, '', 'a command is a JSON object with a "prefix"'];
  }
  const prefix = (request as { prefix?: unknown }).prefix;
  if (typeof prefix !== 'string' || prefix.trim() === '') return [-EINVAL, '', 'command has no "prefix"'];
  if (prefix === 'get_command_descriptions') return [0, JSON.stringify(table.describe()), ''];
  const entry = table.get(prefix.trim().split(/\s+/).join(' '));
  if (entry === undefined) {
    const near = closest(
      prefix,
      table.all().map((e) => e.signature.prefix.join(' ')),
    );
    return [-EINVAL, '', `no valid command found for prefix "${prefix}"${near ? `; did you mean "${near}"?` : ''}`];
  }
  if (!allowed(entry.perm, caller.caps)) {
    return [-EACCES, '', `access denied: "${prefix}" needs '${entry.perm}' and ${caller.entity} has '${caller.caps}'`];
  }
  const checked = validateDict(entry.signature, request as Record<string, unknown>);
  if (!checked.ok) return [-EINVAL, '', `Invalid command: ${'error' in checked ? checked.error : 'no match'}`];
  // As Ceph's CLI does, `format` reaches every command, declared or not: the host's own commands read it.
  const format = (request as { format?: unknown }).format;
  const cmd = typeof format === 'string' && !('format' in checked.cmd) ? { ...checked.cmd, format } : checked.cmd;
  try {
    return await entry.run(cmd, caller.inbuf);
  } catch (e) {
    if (e instanceof MgrError) return [-e.errno, '', e.message];
    return [-EINVAL, '', e instanceof Error ? (e.stack ?? e.message) : String(e)];
  }
}
