import { constants } from 'node:os';
import type { z } from 'zod';
import type { MonCommand } from './scenario.ts';

const { EINVAL } = constants.errno;

/** What the simulated monitors answer a command: Ceph's `(retval, outb, outs)`. */
export interface CommandResult {
  readonly retval: number;
  readonly outb: string;
  readonly outs: string;
}

/** A failure: `-errno` and the status text. */
export const fail = (errno: number, outs: string): CommandResult => ({ retval: -errno, outb: '', outs });

/** A command's arguments checked by their schema, or the EINVAL answer naming the first bad one. */
export function parseArgs<S extends z.ZodType>(schema: S, cmd: MonCommand): z.output<S> | CommandResult {
  const r = schema.safeParse(cmd);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  return fail(EINVAL, `Invalid command: ${issue.path.join('.') || 'arguments'}: ${issue.message}`);
}

/** Whether `parseArgs` gave an answer rather than arguments. */
export const isResult = (v: unknown): v is CommandResult =>
  v !== null && typeof v === 'object' && 'retval' in v && 'outs' in v && 'outb' in v;
