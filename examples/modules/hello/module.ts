/**
 * The README's "Testing a module" example: a module that remembers the OSD map epochs it was told of and answers
 * `hello greet` from `static COMMANDS` (declared with `defineCommands`). Its test is hello.test.ts beside it.
 */
import { type CommandDict, defineCommands, HandleCommandResult, MgrModule, type NotifyType, Option } from 'mgrkit';

export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map', 'health'];
  static MODULE_OPTIONS = [Option({ name: 'greeting', type: 'str', default: 'hello', runtime: true })];
  static COMMANDS = defineCommands([
    { cmd: 'hello greet name=person,type=CephString,req=false', desc: 'Say hello', perm: 'r' },
  ]);

  readonly epochs: number[] = [];

  notify(type: NotifyType): void {
    if (type === 'osd_map') this.epochs.push(this.get('osd_map')?.epoch ?? -1);
  }

  handle_command(_inbuf: string, cmd: CommandDict) {
    const greeting = this.get_module_option<string>('greeting');
    return new HandleCommandResult(0, `${greeting}, ${String(cmd.person ?? 'world')}`, '');
  }
}
