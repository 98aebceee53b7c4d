import type { Command } from 'commander';
import { Accessors } from '../module/accessors.ts';
import { stateAt } from '../store/recovery.ts';
import { DEFAULT_DB, formatOption, parseSeq } from './flags.ts';
import { openExisting } from './open-store.ts';
import { formatValue, type OutputFormat } from './output.ts';

/** `mgrkit get NAME`: prints what `get(NAME)` returns at a point of the journal. */
export function registerGetCommand(program: Command): void {
  program
    .command('get')
    .description('print what get(NAME) returns at a point of the journal')
    .argument('<name>', 'data name (osd_map, osd_map_crush, health, mon_map, ...)')
    .option('--db <dir>', 'store directory', DEFAULT_DB)
    .option('--at <seq>', 'the state after event SEQ (default: the latest)', parseSeq)
    .addOption(formatOption())
    .action(async (name: string, o) => {
      const store = openExisting(o.db);
      try {
        const state = stateAt(store, o.at);
        const value = new Accessors(() => state).get(name as never);
        process.stdout.write(`${formatValue(value, o.format as OutputFormat)}\n`);
      } finally {
        // The value is printed: the parts it did not read need not be copied out of the store.
        await store.close({ dropUnread: true });
      }
    });
}
