import type { CommandDescription, CommandEntry } from '../commands/command-table.ts';
import { decoratedCommands } from '../commands/decorators.ts';
import { formatDescriptor, parseDescriptor, usage } from '../commands/descriptor.ts';
import { formatObject } from '../commands/object-format.ts';
import { type CommandTuple, toCommandResult } from '../commands/result.ts';
import { commandSession } from '../module/command-session.ts';
import type { MgrModule } from '../module/mgr-module.ts';
import type { ModuleClass } from './loader.ts';

type Invoke = (cmd: Record<string, unknown>, inbuf: string) => unknown;

/**
 * A running module's commands, decorated and `static COMMANDS`, as entries of the host's command table. Whatever a
 * handler returns becomes a result (a tuple, a `HandleCommandResult`, text, or data as JSON); an exception answers
 * `-EINVAL` with its stack and is reported to `onError`.
 */
export function moduleCommands(
  name: string,
  Cls: ModuleClass,
  docs: Readonly<Record<string, string>>,
  instance: MgrModule,
  onError: (prefix: unknown, error: unknown) => void,
): CommandEntry[] {
  const run =
    (invoke: Invoke) =>
    async (
      cmd: Record<string, unknown>,
      inbuf: string,
      caller?: { readonly entity: string; readonly caps: string },
    ): Promise<CommandTuple> => {
      try {
        const session = { module: name, entity: caller?.entity ?? '', caps: caller?.caps ?? '' };
        const value = await commandSession.run(session, () => invoke(cmd, inbuf));
        const result = toCommandResult(value);
        if (result !== null) return result;
        if (value === undefined || value === null) return [0, '', ''];
        return [0, typeof value === 'string' ? value : formatObject(value, 'json'), ''];
      } catch (e) {
        onError(cmd.prefix, e);
        return [-22, '', e instanceof Error ? (e.stack ?? e.message) : String(e)];
      }
    };
  const methods = instance as unknown as Record<string, (args: Record<string, unknown>, inbuf: string) => unknown>;
  const decorated = decoratedCommands(Cls).map(
    (d): CommandEntry => ({
      signature: d.signature,
      desc: d.desc ?? docs[d.signature.prefix.join(' ')] ?? '',
      perm: d.perm,
      poll: d.poll,
      module: name,
      run: run((cmd, inbuf) => {
        const { prefix: _prefix, ...args } = cmd;
        return methods[d.method]!.call(instance, args, inbuf);
      }),
    }),
  );
  const declared = (Cls.COMMANDS ?? []).map(
    (c): CommandEntry => ({
      signature: parseDescriptor(c.cmd),
      desc: c.desc ?? '',
      perm: c.perm ?? 'rw',
      poll: c.poll ?? false,
      module: name,
      run: run((cmd, inbuf) => instance.handle_command(inbuf, cmd as never)),
    }),
  );
  return [...decorated, ...declared];
}

/**
 * A module's commands as clients list them, from its class alone (no instance): what a manager of a group that is
 * not the active one lists for the modules that run only on the active.
 */
export function describeModuleCommands(
  name: string,
  Cls: ModuleClass,
  docs: Readonly<Record<string, string>>,
): CommandDescription[] {
  const decorated = decoratedCommands(Cls).map((d) => ({
    signature: d.signature,
    desc: d.desc ?? docs[d.signature.prefix.join(' ')] ?? '',
    perm: d.perm,
    poll: d.poll,
  }));
  const declared = (Cls.COMMANDS ?? []).map((c) => ({
    signature: parseDescriptor(c.cmd),
    desc: c.desc ?? '',
    perm: c.perm ?? 'rw',
    poll: c.poll ?? false,
  }));
  return [...decorated, ...declared].map((e) => ({
    cmd: formatDescriptor(e.signature),
    usage: usage(e.signature),
    desc: e.desc,
    perm: e.perm,
    poll: e.poll,
    module: name,
  }));
}
