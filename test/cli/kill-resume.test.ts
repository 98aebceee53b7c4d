import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { stateAt, stateDigest } from '../../src/entry/host.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { digestOf } from '../../src/state/digest.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { Store } from '../../src/store/store.ts';
import { runCli, tempDir, WHOLE_TRACE } from '../helpers.ts';

const KILLS = 12;
const EVENTS = 647;

/** Deterministic pseudo-random numbers in [min, max], so a failure can be reproduced. */
function randoms(seed: number, n: number, min: number, max: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return Math.round(min + (x / 2 ** 31) * (max - min));
  });
}

/** The journal's last seq while a run writes it: cheap, so that the kill follows the journal closely. */
async function lastSeq(db: string): Promise<number> {
  if (!existsSync(join(db, 'store.mdb'))) return 0;
  const store = Store.open(db, { readOnly: true });
  try {
    return store.lastSeq();
  } finally {
    await store.close();
  }
}

/** The journal's last seq after a kill; recovering the state also proves the journal has no gap. */
async function journalEnd(db: string): Promise<number> {
  if (!existsSync(join(db, 'store.mdb'))) return 0;
  const store = Store.open(db, { readOnly: true });
  try {
    const last = store.lastSeq();
    assert.equal(stateAt(store).seq, last);
    return last;
  } finally {
    await store.close();
  }
}

/**
 * The digest of the state after every seq of a store's journal, folding its events one at a time, and the seqs of
 * the snapshots it holds.
 */
async function perSeqDigests(db: string): Promise<{ digests: string[]; snapshots: number[] }> {
  const store = Store.open(db, { readOnly: true });
  try {
    let state = createEmptyState();
    const digests: string[] = [];
    for (const event of store.events(0)) {
      const r = foldBatch(state, [{ event, ref: event.seq }]);
      assert.equal(r.rejected.length, 0, `journal event ${event.seq} folds`);
      state = r.state;
      digests.push(stateDigest(state));
    }
    const snapshots: number[] = [];
    for (let s = store.lastSnapshotSeq(); s > 0; s = store.snapshotSeqAtOrBefore(s - 1)) snapshots.push(s);
    return { digests, snapshots };
  } finally {
    await store.close();
  }
}

/** The digest a store kept for each seq as it journaled it (what `mgrkit digest --at` reads), `undefined` if none. */
async function keptDigests(db: string, last: number): Promise<Array<string | undefined>> {
  const store = Store.open(db, { readOnly: true });
  try {
    return Array.from({ length: last }, (_, i) => {
      const p = store.digestPoint(i + 1);
      return p === undefined ? undefined : digestOf(i + 1, p.stamp, p.sum);
    });
  } finally {
    await store.close();
  }
}

/** The digest of the state a store recovers at `seq` (its newest snapshot at or before it, then the journal). */
async function recoveredDigest(db: string, seq: number): Promise<string> {
  const store = Store.open(db, { readOnly: true });
  try {
    return stateDigest(stateAt(store, seq));
  } finally {
    await store.close();
  }
}

it('a replay killed with SIGKILL at random points resumes to the undisturbed replay’s digest at every seq, nothing lost or applied twice', async (t) => {
  const dir = tempDir(t);
  const full = await runCli(['replay', WHOLE_TRACE, '--db', join(dir, 'reference'), '--json']);
  assert.equal(full.code, 0, full.stderr);
  const expected = JSON.parse(full.stdout);
  assert.equal(expected.lastSeq, EVENTS);

  const db = join(dir, 'killed');
  const ends: number[] = [];
  // Paced at 25x the trace's clock, the 235 s recording takes ~9 s to replay. Each run is killed once it has
  // committed a random number of events (1 to 40) past where it started, so the kills land all across the trace, at
  // whatever point of a commit the run is in, and every run but the first resumes.
  for (const grown of randoms(20261125, KILLS, 1, 40)) {
    const before = ends[ends.length - 1] ?? 0;
    // While the first run creates the store its databases may not be there yet: that is no progress.
    const killWhen = async () => (await lastSeq(db).catch(() => 0)) >= before + grown;
    const r = await runCli(['replay', WHOLE_TRACE, '--db', db, '--speed', '25', '--json'], { killWhen });
    if (r.signal !== 'SIGKILL') assert.equal(r.code, 0, r.stderr);
    const end = await journalEnd(db);
    assert.ok(end >= (ends[ends.length - 1] ?? 0), 'the journal never loses committed events');
    ends.push(end);
  }
  t.diagnostic(`journal end after each kill: ${ends.join(', ')}`);
  const midway = ends.filter((e) => e > 0 && e < EVENTS).length;
  assert.ok(midway >= 8, `only ${midway} kills landed mid-replay`);

  const final = await runCli(['replay', WHOLE_TRACE, '--db', db, '--json']);
  assert.equal(final.code, 0, final.stderr);
  const summary = JSON.parse(final.stdout);
  assert.equal(summary.lastSeq, EVENTS);
  assert.equal(summary.total.accepted, EVENTS, 'every line applied exactly once over all runs');
  assert.equal(summary.digest, expected.digest);
  assert.equal((await runCli(['digest', '--db', db])).stdout.trim(), expected.digest);
  assert.equal(await journalEnd(db), EVENTS);

  // Not only the end: the state after every seq is the undisturbed replay's, and so is every snapshot the killed
  // runs stored (at seqs where a kill or a resume put them) when recovered.
  const reference = await perSeqDigests(join(dir, 'reference'));
  const killed = await perSeqDigests(db);
  assert.equal(killed.digests.length, EVENTS);
  for (let i = 0; i < EVENTS; i++) assert.equal(killed.digests[i], reference.digests[i], `digest at seq ${i + 1}`);
  assert.equal(reference.digests[EVENTS - 1], expected.digest);
  t.diagnostic(`snapshots of the killed store at seqs ${killed.snapshots.join(', ')}`);
  assert.ok(killed.snapshots.length > 0);
  for (const s of killed.snapshots)
    assert.equal(await recoveredDigest(db, s), reference.digests[s - 1], `snapshot at seq ${s}`);
  for (const s of randoms(7, 8, 1, EVENTS)) {
    assert.equal(await recoveredDigest(db, s), reference.digests[s - 1], `recovered state at seq ${s}`);
  }

  // The digests the killed runs kept as they journaled, across every kill and resume, are the undisturbed ones.
  const kept = await keptDigests(db, EVENTS);
  for (let i = 0; i < EVENTS; i++) assert.equal(kept[i], reference.digests[i], `digest kept for seq ${i + 1}`);
  for (const s of randoms(11, 3, 1, EVENTS)) {
    const at = await runCli(['digest', '--db', db, '--at', String(s)]);
    assert.equal(at.stdout.trim(), reference.digests[s - 1], `mgrkit digest --at ${s}`);
    const verified = await runCli(['digest', '--db', db, '--at', String(s), '--verify']);
    assert.equal(verified.code, 0, verified.stderr);
    assert.equal(verified.stdout.trim(), reference.digests[s - 1], `mgrkit digest --at ${s} --verify`);
  }
});
