/**
 * A manager's copy of the event log, folded from a fake log that hands messages over again, as a consumer made
 * again after a delivery was given up does: each event is folded and journaled once, in order.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import type { JournaledEvent } from '../../schemas/event.ts';
import type { JetStreamLog, LogEntry } from '../../src/group/jetstream-log.ts';
import { LogReplica } from '../../src/group/log-replica.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers.ts';

const event = (seq: number): JournaledEvent =>
  ({
    v: 1,
    seq,
    t: 1_700_000_000_000 + seq,
    kind: 'config',
    changes: [{ who: 'mgr', name: `mgr/probe/k${seq}`, value: String(seq) }],
  }) as JournaledEvent;

it('folds each event once when the log hands some over again, late or twice', async (t) => {
  const dir = tempDir(t);
  const store = Store.open(join(dir, 'db'));
  t.after(() => store.close());
  // (seq, pending): 2 and 3 come again from a second consumer; 3 comes a third time, after 4 was handed over.
  const deliveries: Array<[number, number]> = [
    [1, 2],
    [2, 1],
    [3, 0],
    [2, 2],
    [3, 1],
    [4, 0],
    [3, 1],
    [5, 0],
  ];
  const abort = new AbortController();
  const log = {
    stream: 'TEST',
    async follow(after: number, onEntry: (e: LogEntry) => Promise<void>, signal: AbortSignal) {
      assert.equal(after, 0);
      for (const [seq, pending] of deliveries) {
        await onEntry({ event: event(seq), cursor: null, streamSeq: seq, pending });
      }
      if (!signal.aborted) await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    },
  } as unknown as JetStreamLog;
  const published: number[] = [];
  const replica = new LogReplica(store, log, createEmptyState(), {
    publisher: { publish: (_state, events) => published.push(...events.map((e) => e.seq)) },
  });
  const following = replica.follow(abort.signal);
  await replica.reached(5);
  abort.abort();
  await following;
  assert.equal(replica.state.seq, 5);
  assert.deepEqual(published, [1, 2, 3, 4, 5]);
  assert.deepEqual(
    [...store.events(0)].map((e) => e.seq),
    [1, 2, 3, 4, 5],
  );
});
