import type { Command } from 'commander';
import { MgrError } from '../errors.ts';
import { digestOf, stateDigest } from '../state/digest.ts';
import { fullDigestSum } from '../state/full-digest-sum.ts';
import { stateAt } from '../store/recovery.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_DB, parseSeq } from './flags.ts';
import { openExisting } from './open-store.ts';

/** The digest the store kept for seq `at` as it journaled it, or `undefined` where it kept none. */
function keptDigest(store: Store, at: number): string | undefined {
  const point = at > 0 ? store.digestPoint(at) : undefined;
  return point === undefined ? undefined : digestOf(at, point.stamp, point.sum);
}

/**
 * The digest after event `seq` (default: the last): the one the store kept for that seq, or, where it kept none, the
 * digest of the state at `seq` folded from the store.
 */
function digestAt(store: Store, seq: number | undefined): string {
  return (
    keptDigest(store, seq ?? Math.max(store.lastSeq(), store.lastSnapshotSeq())) ?? stateDigest(stateAt(store, seq))
  );
}

/**
 * The state at `seq` folded from the store, its leaves added up afresh: the digest of what it holds, which must be
 * the one kept as it was journaled (or, where none was kept, the one the fold kept as it went).
 */
function verifiedDigest(store: Store, seq: number | undefined): string {
  const state = stateAt(store, seq);
  const fresh = digestOf(state.seq, state.stamp, fullDigestSum(state));
  const kept = keptDigest(store, state.seq) ?? stateDigest(state);
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
