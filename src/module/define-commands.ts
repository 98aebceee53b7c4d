import type { CommandDeclaration } from './mgr-module.ts';

/**
 * Declares a module's `static COMMANDS` (Ceph's table of commands) so it type-checks without an annotation: each
 * entry is checked as a {@link CommandDeclaration} (a misspelt key or a `perm` other than `'r'`, `'w'` or `'rw'` is
 * an error where it is written) and keeps its literal types, where a bare array literal would widen `perm` to
 * `string` and no longer fit `MgrModule.COMMANDS`. It returns its argument unchanged.
 *
 * @example
 * ```ts
 * import { defineCommands, HandleCommandResult, MgrModule, type CommandDict } from 'mgrkit';
 *
 * export class Module extends MgrModule {
 *   static COMMANDS = defineCommands([
 *     { cmd: 'hello name=person,type=CephString,req=false', desc: 'Say hello', perm: 'r' },
 *   ]);
 *   handle_command(_inbuf: string, cmd: CommandDict) {
 *     return new HandleCommandResult(0, `hello, ${cmd.person ?? 'world'}`, '');
 *   }
 * }
 * ```
 */
export function defineCommands<const T extends readonly CommandDeclaration[]>(commands: T & NoExtraKeys<T>): T {
  return commands;
}

/** Each entry's keys not in {@link CommandDeclaration} made `never`: a misspelt key is an error, as in an annotation. */
type NoExtraKeys<T extends readonly CommandDeclaration[]> = {
  readonly [I in keyof T]: { readonly [K in Exclude<keyof T[I], keyof CommandDeclaration>]: never };
};
