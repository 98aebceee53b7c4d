import type { MgrError } from '../errors.ts';

/** What a command returns across the boundary: Ceph's `(retval, stdout, stderr)`, `retval` 0 or `-errno`. */
export type CommandTuple = [retval: number, stdout: string, stderr: string];

/**
 * A command's result as a class, as Ceph's `HandleCommandResult`: `retval` 0 or `-errno`, then the output and
 * the status text.
 */
export class HandleCommandResult {
  readonly retval: number;
  readonly stdout: string;
  readonly stderr: string;

  constructor(retval = 0, stdout = '', stderr = '') {
    this.retval = retval;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  toTuple(): CommandTuple {
    return [this.retval, this.stdout, this.stderr];
  }
}

/** Turns whatever a handler returned into a result tuple: a tuple, a `HandleCommandResult`, or nothing. */
export function toCommandResult(value: unknown): CommandTuple | null {
  if (value instanceof HandleCommandResult) return value.toTuple();
  if (Array.isArray(value) && value.length === 3 && typeof value[0] === 'number') {
    return [value[0], String(value[1] ?? ''), String(value[2] ?? '')];
  }
  return null;
}

/**
 * An error from the registry as a result: `-errno`, and the message as status text (after what the command printed,
 * if anything). The one place a registry error becomes a command's `-errno`.
 */
export function errorResult(e: MgrError, stdout = ''): CommandTuple {
  return [-e.errno, stdout, e.message];
}
