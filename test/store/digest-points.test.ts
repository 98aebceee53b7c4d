import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { digestOf, stateDigest } from '../../src/state/digest.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { Store } from '../../src/store/store.ts';
import { readJsonl, runCli, tempDir, WHOLE_TRACE } from '../helpers.ts';

/** The digest after every event, folding one event at a time. */
function digestsByOne(events: readonly ClusterEvent[]): string[] {
  let state = createEmptyState();
  return events.map((event) => {
    state = foldBatch(state, [{ event, ref: 0 }]).state;
    return stateDigest(state);
  });
}

it('a store keeps every seq’s digest as it journals it: the state’s digest at that seq', async (t) => {
  const db = join(tempDir(t), 'db');
  const events = readJsonl<ClusterEvent>(WHOLE_TRACE);
  const expected = digestsByOne(events);
  {
    const store = Store.open(db);
    await replayTrace({ trace: WHOLE_TRACE, store, snapshotEvery: 150 });
    await store.close();
  }
  const store = Store.open(db, { readOnly: true });
  t.after(() => store.close());
  for (let seq = 1; seq <= events.length; seq++) {
    const p = store.digestPoint(seq);
    assert.ok(p !== undefined, `a digest kept for seq ${seq}`);
    assert.equal(digestOf(seq, p.stamp, p.sum), expected[seq - 1], `at seq ${seq}`);
  }
  assert.equal(store.digestPoint(events.length + 1), undefined, 'none past the journal');
  const past = await runCli(['digest', '--db', db, '--at', String(events.length + 1)]);
  assert.equal(past.code, 2);
  assert.match(past.stderr, /no state at seq 648/);
  assert.ok(!past.stderr.includes('    at '), 'one line, no stack');
});

it('a store journaled without kept digests is folded for them; --verify fails on a kept digest the state does not have', async (t) => {
  const events = readJsonl<ClusterEvent>(WHOLE_TRACE).slice(0, 200);
  const expected = digestsByOne(events);
  const folded = foldBatch(
    createEmptyState(),
    events.map((event, ref) => ({ event, ref })),
  );
  const journaled = folded.accepted.map((a) => a.event);

  const older = join(tempDir(t), 'older');
  {
    const store = Store.open(older);
    await store.commit({ events: journaled });
    await store.close();
  }
  for (const seq of [1, 120, 200]) {
    const r = await runCli(['digest', '--db', older, '--at', String(seq)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), expected[seq - 1], `refolded at seq ${seq}`);
  }

  const tampered = join(tempDir(t), 'tampered');
  {
    const sums = folded.accepted.map((a) => a.sum);
    sums[119] = [(sums[119]![0] ^ 1) >>> 0, sums[119]![1], sums[119]![2], sums[119]![3]];
    const store = Store.open(tampered);
    await store.commit({ events: journaled, sums });
    await store.close();
  }
  const ok = await runCli(['digest', '--db', tampered, '--at', '119', '--verify']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), expected[118]);
  const bad = await runCli(['digest', '--db', tampered, '--at', '120', '--verify']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /the state at seq 120 hashes to [0-9a-f]{64}, but its digest was kept as [0-9a-f]{64}/);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
});
