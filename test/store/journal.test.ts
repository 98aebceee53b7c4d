import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { stateAt, stateDigest } from '../../src/entry/host.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { Store } from '../../src/store/store.ts';
import { readJsonl, tempDir, WHOLE_TRACE } from '../helpers.ts';

it('the journal gives back each trace event as parsed, with its seq and its time raised by the stream clock', async (t) => {
  const dir = tempDir(t);
  const lines = readJsonl<Record<string, unknown>>(WHOLE_TRACE).slice(0, 40);
  // One event out of time order: the stream clock raises it, and the journal must keep the raised time.
  const late = lines.findIndex((e, i) => i > 5 && e.kind === 'heartbeat');
  const early = { ...lines[late]!, t: (lines[0]!.t as number) - 1000, seq: 999 };
  lines[late] = early;
  const trace = join(dir, 'trace.jsonl');
  writeFileSync(trace, `${lines.map((e) => `  ${JSON.stringify(e)}`).join('\n')}\n`);
  const store = Store.open(join(dir, 'db'));
  t.after(() => store.close());
  const { state } = await replayTrace({ trace, store });

  const journal = [...store.events(0)];
  const folded = foldBatch(
    createEmptyState(),
    lines.map((event) => ({ event: event as never, ref: null })),
  );
  assert.deepEqual(
    journal,
    folded.accepted.map((a) => a.event),
  );
  const raised = journal[late]!;
  assert.equal(raised.seq, late + 1, 'the seq is the journal’s, not the line’s');
  assert.equal(raised.t, journal[late - 1]!.t, 'the time was raised to the one before');
  assert.equal(folded.clockRaised, 1);
  assert.equal(stateDigest(state), stateDigest(folded.state));
});

it('a state recovered from the journal alone equals the state the replay published', async (t) => {
  const dir = tempDir(t);
  const store = Store.open(join(dir, 'db'));
  t.after(() => store.close());
  // No snapshot before the end: recovery to an earlier seq folds journal entries only.
  const { state } = await replayTrace({ trace: WHOLE_TRACE, store, snapshotEvery: 1_000_000 });
  const half = Math.floor(state.seq / 2);
  const fromJournal = stateAt(store, half);
  const direct = foldBatch(
    createEmptyState(),
    readJsonl<never>(WHOLE_TRACE)
      .slice(0, half)
      .map((event) => ({ event, ref: null })),
  );
  assert.equal(fromJournal.seq, half);
  assert.equal(stateDigest(fromJournal), stateDigest(direct.state));
});

it('a state recovered from a snapshot is the replay’s, frozen all the way down', async (t) => {
  const dir = tempDir(t);
  const store = Store.open(join(dir, 'db'));
  t.after(() => store.close());
  const { state } = await replayTrace({ trace: WHOLE_TRACE, store });
  assert.equal(store.lastSnapshotSeq(), state.seq, 'the replay ends with a snapshot');
  const recovered = store.snapshotAtOrBefore(state.seq)!;
  assert.notEqual(recovered, state, 'decoded from the store, not the object in memory');
  assert.equal(stateDigest(recovered), stateDigest(state));
  const unfrozen: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v !== 'object' || v === null) return;
    if (!Object.isFrozen(v)) unfrozen.push(path);
    for (const [k, x] of Object.entries(v)) walk(x, `${path}/${k}`);
  };
  walk(recovered, '');
  assert.deepEqual(unfrozen.slice(0, 5), []);
});

it('a store that holds only a snapshot taken from elsewhere recovers it, and has no state before it', async (t) => {
  const dir = tempDir(t);
  const source = Store.open(join(dir, 'source'));
  t.after(() => source.close());
  const { state } = await replayTrace({ trace: WHOLE_TRACE, store: source });
  // As a manager that joined a group from the log's snapshot, before any event of its own.
  const joined = Store.open(join(dir, 'joined'));
  t.after(() => joined.close());
  await joined.commit({ events: [], snapshot: state });
  assert.equal(joined.lastSeq(), 0, 'nothing journaled');
  const recovered = stateAt(joined);
  assert.equal(recovered.seq, state.seq);
  assert.equal(stateDigest(recovered), stateDigest(state));
  assert.equal(stateDigest(stateAt(joined, state.seq)), stateDigest(state));
  assert.throws(
    () => stateAt(joined, state.seq - 1),
    (e: Error & { code?: string }) =>
      e.code === 'MGR_ERR_STORE_NO_STATE' &&
      e.message ===
        `no state at seq ${state.seq - 1}: the store holds states up to seq ${state.seq}, from a snapshot on`,
  );
  assert.equal(stateAt(source, 3).seq, 3);
  assert.throws(() => stateAt(source, state.seq + 1), {
    message: `no state at seq ${state.seq + 1}: the store holds seqs 1..${state.seq}`,
  });
});
