import { MgrError } from '../errors.ts';
import type { CommandPerm } from './decorators.ts';
import { type CommandSignature, formatDescriptor, usage } from './descriptor.ts';
import type { CommandTuple } from './result.ts';
import type { CommandDict } from './validate.ts';

/** A command the host can run: its signature, help and perm, and who serves it (a module, or the host: null). */
export interface CommandEntry {
  readonly signature: CommandSignature;
  readonly desc: string;
  readonly perm: CommandPerm;
  readonly poll: boolean;
  readonly module: string | null;
  /** Runs it; `caller` is who asked (a module's handler can check it with `is_authorized`). */
  run(
    cmd: CommandDict,
    inbuf: string,
    caller?: { readonly entity: string; readonly caps: string },
  ): Promise<CommandTuple>;
}

/** A command as clients see it (`get_command_descriptions`): Ceph's descriptor string, usage and help. */
export interface CommandDescription {
  readonly cmd: string;
  readonly usage: string;
  readonly desc: string;
  readonly perm: CommandPerm;
  readonly poll: boolean;
  readonly module: string;
}

/** Every command the host serves, by prefix; a module's come and go with it. */
export class CommandTable {
  private readonly entries = new Map<string, CommandEntry>();

  add(entry: CommandEntry): void {
    const prefix = entry.signature.prefix.join(' ');
    const existing = this.entries.get(prefix);
    if (existing !== undefined) {
      throw new MgrError(
        'MGR_ERR_COMMAND_DUPLICATE',
        `command "${prefix}" of ${entry.module ?? 'the host'} is already served by ${existing.module ?? 'the host'}`,
      );
    }
    this.entries.set(prefix, entry);
  }

  removeModule(module: string): void {
    for (const [prefix, e] of this.entries) if (e.module === module) this.entries.delete(prefix);
  }

  get(prefix: string): CommandEntry | undefined {
    return this.entries.get(prefix);
  }

  all(): CommandEntry[] {
    return [...this.entries.values()].sort((a, b) =>
      a.signature.prefix.join(' ').localeCompare(b.signature.prefix.join(' ')),
    );
  }

  describe(): CommandDescription[] {
    return this.all().map((e) => ({
      cmd: formatDescriptor(e.signature),
      usage: usage(e.signature),
      desc: e.desc,
      perm: e.perm,
      poll: e.poll,
      module: e.module ?? 'mgr',
    }));
  }
}
