import { closest, type ErrorCode, MgrError } from '../errors.ts';
import type { CommandTable } from './command-table.ts';
import { isEntityName } from './entity-name.ts';
import { type CommandTuple, errorResult } from './result.ts';
import { validateDict } from './validate.ts';

const refuse = (code: ErrorCode, detail: string): CommandTuple => errorResult(new MgrError(code, detail));

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
  // The name only picks caps; one that is not a name picks none, rather than anyone's
  if (!isEntityName(caller.entity)) {
    return refuse('MGR_ERR_COMMAND_DENIED', "access denied: the client's name is not of the form TYPE.ID");
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return refuse('MGR_ERR_COMMAND_INVALID', 'a command is a JSON object with a "prefix"');
  }
  const prefix = (request as { prefix?: unknown }).prefix;
  if (typeof prefix !== 'string' || prefix.trim() === '')
    return refuse('MGR_ERR_COMMAND_INVALID', 'command has no "prefix"');
  if (prefix === 'get_command_descriptions') return [0, JSON.stringify(table.describe()), ''];
  const entry = table.get(prefix.trim().split(/\s+/).join(' '));
  if (entry === undefined) {
    const near = closest(
      prefix,
      table.all().map((e) => e.signature.prefix.join(' ')),
    );
    return refuse(
      'MGR_ERR_COMMAND_UNKNOWN',
      `no valid command found for prefix "${prefix}"${near ? `; did you mean "${near}"?` : ''}`,
    );
  }
  if (!allowed(entry.perm, caller.caps)) {
    return refuse(
      'MGR_ERR_COMMAND_DENIED',
      `access denied: "${prefix}" needs '${entry.perm}' and ${caller.entity} has '${caller.caps}'`,
    );
  }
  let checked: ReturnType<typeof validateDict>;
  try {
    checked = validateDict(entry.signature, request as Record<string, unknown>);
  } catch (e) {
    // a check that fails otherwise than with Ceph's ArgumentError is still the client's bad argument, not a crash
    return refuse('MGR_ERR_COMMAND_INVALID', `Invalid command: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!checked.ok) {
    return refuse('MGR_ERR_COMMAND_INVALID', `Invalid command: ${'error' in checked ? checked.error : 'no match'}`);
  }
  // As Ceph's CLI does, `format` reaches every command, declared or not: the host's own commands read it.
  const format = (request as { format?: unknown }).format;
  const cmd = typeof format === 'string' && !('format' in checked.cmd) ? { ...checked.cmd, format } : checked.cmd;
  try {
    return await entry.run(cmd, caller.inbuf, caller);
  } catch (e) {
    if (e instanceof MgrError) return errorResult(e);
    return refuse('MGR_ERR_COMMAND_FAILED', e instanceof Error ? (e.stack ?? e.message) : String(e));
  }
}
