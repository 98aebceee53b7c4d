import type { z } from 'zod';
import { MgrError } from '../errors.ts';
import { type ArgDesc, type CommandSignature, parseDescriptor } from './descriptor.ts';
import { RESPONDER } from './object-format.ts';
import { argsFromZod } from './zod-args.ts';

/** Who may run a command: read (`r`), write (`w`) or both (`rw`), as Ceph's perms. */
export type CommandPerm = 'r' | 'w' | 'rw';

/** What a command decorator takes besides its prefix: permission, arguments, polling, help text. */
export interface CLICommandOptions {
  /** Default `rw`. */
  readonly perm?: CommandPerm;
  /**
   * The arguments: a zod object schema (its keys are the argument names, in order) or the argument part of a Ceph
   * descriptor string (`"name=oid,type=CephString name=blackhole,type=CephString,req=false"`).
   */
  readonly args?: z.ZodObject | string;
  /** A command the `ceph` CLI may repeat with `--period`. */
  readonly poll?: boolean;
  /** The help text; by default the TSDoc comment above the decorator, read from the module's source. */
  readonly desc?: string;
}

/** A command a module declares with a decorator: where it is, and how to call it. */
export interface DecoratedCommand {
  readonly prefix: string;
  readonly method: string;
  readonly signature: CommandSignature;
  readonly perm: CommandPerm;
  readonly poll: boolean;
  readonly desc: string | undefined;
}

const FORMAT_ARG: ArgDesc = { name: 'format', type: 'CephString', req: false, positional: false, n: 1, extra: {} };

const registry = new WeakMap<object, DecoratedCommand>();

function signatureOf(prefix: string, args: CLICommandOptions['args'], responder: boolean): CommandSignature {
  const words = prefix.trim().split(/\s+/);
  if (words.some((w) => w.includes('='))) {
    throw new MgrError(
      'MGR_ERR_COMMAND_DESCRIPTOR',
      `command prefix "${prefix}" holds an argument; use the args option`,
    );
  }
  let list: ArgDesc[] = [];
  if (typeof args === 'string') list = parseDescriptor(`${words.join(' ')} ${args}`).args;
  else if (args !== undefined) list = argsFromZod(args);
  if (responder && !list.some((a) => a.name === 'format')) list = [...list, FORMAT_ARG];
  return { prefix: words, args: list };
}

/**
 * Declares a module method as a command, as Ceph's `@CLICommand`. The method is called with one object holding the
 * named arguments (validated and converted to their types), and `inbuf`, the `-i` input, as its second argument.
 *
 * @example
 * ```ts
 * @CLICommand('antigravity send to blackhole', {
 *   perm: 'rw',
 *   args: z.object({ oid: z.string(), blackhole: z.string().optional() }),
 * })
 * send_to_blackhole({ oid, blackhole }: { oid: string; blackhole?: string }) {
 *   return HandleCommandResult(0, '', `sent ${oid} to ${blackhole ?? 'the default hole'}`);
 * }
 * ```
 */
export function CLICommand(prefix: string, options: CLICommandOptions = {}) {
  return <F extends (...a: never[]) => unknown>(fn: F, ctx: ClassMethodDecoratorContext): F => {
    const responder = (fn as unknown as Record<symbol, unknown>)[RESPONDER] === true;
    registry.set(fn, {
      prefix,
      method: String(ctx.name),
      signature: signatureOf(prefix, options.args, responder),
      perm: options.perm ?? 'rw',
      poll: options.poll ?? false,
      desc: options.desc,
    });
    return fn;
  };
}

/** `@CLICommand` with perm `r`. */
export function CLIReadCommand(prefix: string, options: Omit<CLICommandOptions, 'perm'> = {}) {
  return CLICommand(prefix, { ...options, perm: 'r' });
}

/** `@CLICommand` with perm `w`. */
export function CLIWriteCommand(prefix: string, options: Omit<CLICommandOptions, 'perm'> = {}) {
  return CLICommand(prefix, { ...options, perm: 'w' });
}

/** The decorated commands of a module class (its own methods and inherited ones). */
export function decoratedCommands(Cls: { prototype: object }): DecoratedCommand[] {
  const out: DecoratedCommand[] = [];
  const seen = new Set<string>();
  for (
    let proto: object | null = Cls.prototype;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (seen.has(name)) continue;
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value;
      const cmd = typeof value === 'function' ? registry.get(value) : undefined;
      if (cmd !== undefined) {
        seen.add(name);
        out.push(cmd);
      }
    }
  }
  return out;
}
