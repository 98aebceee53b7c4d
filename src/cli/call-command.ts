import type { Command } from 'commander';
import { Accessors } from '../module/accessors.ts';
import { stateAt } from '../store/recovery.ts';
import { CALLABLE, callAccessor } from './call.ts';
import { DEFAULT_DB, formatOption, parseSeq } from './flags.ts';
import { openExisting } from './open-store.ts';
import { formatValue, type OutputFormat } from './output.ts';

/** `mgrkit call METHOD ARGS...`: calls a read accessor on the state at a point of the journal. */
export function registerCallCommand(program: Command): void {
  program
    .command('call')
    .description(`call a read accessor on the state at a point of the journal (${CALLABLE.join(', ')})`)
    .argument('<method>', 'accessor name, e.g. get_metadata')
    .argument('[args...]', 'its arguments, e.g. osd 0')
    .option('--db <dir>', 'store directory', DEFAULT_DB)
    .option('--at <seq>', 'the state after event SEQ (default: the latest)', parseSeq)
    .addOption(formatOption())
    .action(async (method: string, args: string[], o) => {
      const store = openExisting(o.db);
      try {
        const state = stateAt(store, o.at);
        const value = callAccessor(new Accessors(() => state), method, args);
        process.stdout.write(`${formatValue(value, o.format as OutputFormat)}\n`);
      } finally {
        // The value is printed: the parts it did not read need not be copied out of the store.
        await store.close({ dropUnread: true });
      }
    });
}
