import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it, type TestContext } from 'node:test';
import { open } from 'lmdb';
import type { ClusterEvent } from '../../schemas/event.ts';
import { stateAt, stateDigest } from '../../src/entry/host.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { logicalState } from '../../src/state/logical-state.ts';
import { stateParts } from '../../src/state/state-parts.ts';
import { Store } from '../../src/store/store.ts';
import { readJsonl, runCli, tempDir, WHOLE_TRACE } from '../helpers.ts';

function refold(events: readonly ClusterEvent[], upTo: number): ClusterState {
  return foldBatch(
    createEmptyState(),
    events.slice(0, upTo).map((event, ref) => ({ event, ref })),
  ).state;
}

/** A store in a new temporary folder holding the whole recorded trace, closed. */
async function storeOfWholeTrace(t: TestContext): Promise<string> {
  const db = join(tempDir(t), 'db');
  const store = Store.open(db);
  await replayTrace({ trace: WHOLE_TRACE, store });
  await store.close();
  return db;
}

it('a snapshot writes only the parts that changed since the last one, and shares the rest', async (t) => {
  const store = Store.open(join(tempDir(t), 'db'));
  t.after(() => store.close());
  const { state } = await replayTrace({ trace: WHOLE_TRACE, store });
  const parts = stateParts(state).length;
  assert.ok(parts > 10, `the trace's state has ${parts} parts`);
  const stored = store.partCount();

  // One daemon's report changes its chunk of the daemons table, and nothing else but the top.
  const report = {
    kind: 'daemon_report',
    t: state.stamp + 1,
    daemon: 'osd.0',
    counters: { 'osd.op_w': 1 },
  } as ClusterEvent;
  const next = foldBatch(state, [{ event: report, ref: 0 }]);
  assert.equal(next.rejected.length, 0);
  const written = store.partsWritten;
  await store.commit({ events: next.accepted.map((a) => a.event), snapshot: next.state });
  assert.equal(store.partsWritten - written, 1, 'one part written: the chunk of osd.0');
  assert.equal(store.partCount(), stored + 1);

  // A snapshot of the same content writes nothing.
  const beat = foldBatch(next.state, [{ event: { kind: 'heartbeat', t: next.state.stamp } as ClusterEvent, ref: 0 }]);
  await store.commit({ events: beat.accepted.map((a) => a.event), snapshot: beat.state });
  assert.equal(store.partsWritten - written, 1, 'no part written for a change of the top alone');
  assert.equal(stateDigest(store.snapshotAtOrBefore(beat.state.seq)!), stateDigest(beat.state));
});

it('a state recovered from parts is the refold of the journal, read before or after the store is closed', async (t) => {
  const db = join(tempDir(t), 'db');
  const events = readJsonl<ClusterEvent>(WHOLE_TRACE);
  {
    const store = Store.open(db);
    await replayTrace({ trace: WHOLE_TRACE, store, snapshotEvery: 200 });
    await store.close();
  }
  const store = Store.open(db, { readOnly: true });
  const last = store.lastSnapshotSeq();
  assert.equal(last, events.length);
  const recovered = store.snapshotAtOrBefore(last)!;
  const early = store.snapshotAtOrBefore(last - 1)!;
  assert.ok(early.seq < last && early.seq > 0, `an earlier snapshot (${early.seq})`);
  const expected = refold(events, last);
  assert.equal(stateDigest(recovered), stateDigest(expected), 'digest from the stored leaf hashes');
  assert.deepEqual(logicalState(recovered), logicalState(expected));
  await store.close();
  // The earlier snapshot's parts were not read before the store closed: they were kept to be read now.
  const expectedEarly = refold(events, early.seq);
  assert.deepEqual(logicalState(early), logicalState(expectedEarly));
  assert.equal(stateDigest(early), stateDigest(expectedEarly));
});

it('the digest at a seq, read from the newest snapshot before it and the events after, is the refold’s', async (t) => {
  const db = join(tempDir(t), 'db');
  const events = readJsonl<ClusterEvent>(WHOLE_TRACE);
  {
    const store = Store.open(db);
    await replayTrace({ trace: WHOLE_TRACE, store, snapshotEvery: 150 });
    await store.close();
  }
  const store = Store.open(db, { readOnly: true });
  t.after(() => store.close());
  const seqs = [1, 149, 150, 151, 300, 420, events.length - 1, events.length];
  for (const seq of seqs) {
    assert.equal(stateDigest(stateAt(store, seq)), stateDigest(refold(events, seq)), `at seq ${seq}`);
  }
  for (const seq of [151, events.length]) {
    const r = await runCli(['digest', '--db', db, '--at', String(seq)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), stateDigest(refold(events, seq)), `mgrkit digest --at ${seq}`);
  }
});

it('a store whose snapshots are whole states (before parts) is refolded from its journal, none of them decoded', async (t) => {
  const db = await storeOfWholeTrace(t);
  const events = readJsonl<ClusterEvent>(WHOLE_TRACE);
  // What an older version left: no index of parts, and a whole state per snapshot (here one that must not be read).
  {
    const root = open({ path: join(db, 'store.mdb'), maxDbs: 16 });
    await root.openDB({ name: 'snapshot-index', keyEncoding: 'uint32' }).drop();
    await root.openDB({ name: 'parts' }).drop();
    await root
      .openDB({ name: 'snapshots', keyEncoding: 'uint32' })
      .put(events.length, { format: 4, seq: events.length });
    await root.close();
  }
  const store = Store.open(db, { readOnly: true });
  assert.equal(store.lastSnapshotSeq(), 0);
  assert.equal(stateDigest(stateAt(store)), stateDigest(refold(events, events.length)));
  await store.close();
  const writer = Store.open(db);
  t.after(() => writer.close());
  assert.equal(stateDigest(stateAt(writer, 300)), stateDigest(refold(events, 300)));
});

it('a snapshot of layout 1 (PG parts hashed as canonical JSON) is not used: the journal is folded instead', async (t) => {
  const db = await storeOfWholeTrace(t);
  const events = readJsonl<ClusterEvent>(WHOLE_TRACE);
  {
    const root = open({ path: join(db, 'store.mdb'), maxDbs: 16 });
    const index = root.openDB<Record<string, unknown>, number>({ name: 'snapshot-index', keyEncoding: 'uint32' });
    for (const { key, value } of [...index.getRange()]) await index.put(key, { ...value, layout: 1 });
    await root.close();
  }
  const store = Store.open(db, { readOnly: true });
  t.after(() => store.close());
  assert.equal(store.snapshotAtOrBefore(events.length), undefined);
  assert.equal(stateDigest(stateAt(store)), stateDigest(refold(events, events.length)));
});

it('a store closed dropping unread parts says so when one is read after', async (t) => {
  const db = await storeOfWholeTrace(t);
  const store = Store.open(db, { readOnly: true });
  const state = store.snapshotAtOrBefore(store.lastSnapshotSeq())!;
  assert.ok(state.maps.osd_map !== undefined, 'the maps are read at once');
  await store.close({ dropUnread: true });
  const chunk = state.daemons.chunks.find((c) => c !== null)!;
  assert.throws(
    () => chunk.values,
    (e: Error & { code?: string }) => e.code === 'MGR_ERR_STORE_CORRUPT' && /was not read before/.test(e.message),
  );
});
