import type { Command } from 'commander';
import { MgrError } from '../errors.ts';
import { digestOf, stateDigest } from '../state/digest.ts';
import { fullDigestSum } from '../state/full-digest-sum.ts';
import { stateAt } from '../store/recovery.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_DB, parseSeq } from './flags.ts';
import { openExisting } from './open-store.ts';

/**
 * The digest after event `seq` (default: the last): read from the sums the store kept per seq when there is one,
 * made from the state at `seq` otherwise.
 */
function digestAt(store: Store, seq: number | undefined): string {
  const at = seq ?? Math.max(store.lastSeq(), store.lastSnapshotSeq());
  const point = at > 0 ? store.digestPoint(at) : undefined;
  if (point !== undefined) return digestOf(at, point.stamp, point.sum);
  return stateDigest(stateAt(store, seq));
}

/**
 * The state at `seq` folded from the store, its leaves added up afresh: the digest of what it holds, which must be
 * the one kept as it was journaled.
 */
function verifiedDigest(store: Store, seq: number | undefined): string {
  const state = stateAt(store, seq);
  const fresh = digestOf(state.seq, state.stamp, fullDigestSum(state));
  const kept = digestAt(store, state.seq);
  if (fresh !== kept) {
    throw new MgrError(
      'MGR_ERR_STORE_CORRUPT',
      `the state at seq ${state.seq} hashes to ${fresh}, but its digest was kept as ${kept}`,
    );
  }
  return fresh;
}

/** `mgrkit digest`: prints the state digest at a point of the journal. */
export function registerDigestCommand(program: Command): void {
  program
    .command('digest')
    .description(
      "print the state digest: sha-256 of the seq, stream clock and the sum of its leaves' hashes (README: The state digest)",
    )
    .option('--db <dir>', 'store directory', DEFAULT_DB)
    .option('--at <seq>', 'the state after event SEQ (default: the latest)', parseSeq)
    .option(
      '--verify',
      'fold the state at SEQ and hash every leaf of it afresh; fail unless it matches the digest kept',
    )
    .action(async (o) => {
      const store = openExisting(o.db);
      try {
        const seq = o.at as number | undefined;
        process.stdout.write(`${o.verify ? verifiedDigest(store, seq) : digestAt(store, seq)}\n`);
      } finally {
        // The digest is printed: the parts the fold did not touch need not be copied out of the store.
        await store.close({ dropUnread: true });
      }
    });
}
