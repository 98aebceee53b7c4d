import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { stateAt } from '../../src/entry/host.ts';
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

it('a replay killed with SIGKILL at random points resumes to the same digest, nothing lost or applied twice', async (t) => {
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
});
