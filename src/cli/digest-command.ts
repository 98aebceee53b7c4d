import type { Command } from 'commander';
import { stateDigest } from '../state/digest.ts';
import { stateAt } from '../store/recovery.ts';
import { DEFAULT_DB, parseSeq } from './flags.ts';
import { openExisting } from './open-store.ts';

/** `mgrkit digest`: prints the state digest at a point of the journal. */
export function registerDigestCommand(program: Command): void {
  program
    .command('digest')
    .description("print the state digest: sha-256 of the state's top and its parts' hashes (README: The state digest)")
    .option('--db <dir>', 'store directory', DEFAULT_DB)
    .option('--at <seq>', 'the state after event SEQ (default: the latest)', parseSeq)
    .action(async (o) => {
      const store = openExisting(o.db);
      try {
        process.stdout.write(`${stateDigest(stateAt(store, o.at))}\n`);
      } finally {
        // The digest is printed: the parts the fold did not touch need not be copied out of the store.
        await store.close({ dropUnread: true });
      }
    });
}
