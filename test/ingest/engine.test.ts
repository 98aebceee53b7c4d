import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastValueFrom, of, toArray } from 'rxjs';
import type { ClusterEvent } from '../../schemas/event.ts';
import { Engine } from '../../src/ingest/engine.ts';
import { inputStage } from '../../src/ingest/input-stage.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { Store } from '../../src/store/store.ts';
import { PATCH_TRACE, readJsonl, tempDir } from '../helpers.ts';

const events = readJsonl<ClusterEvent>(PATCH_TRACE).slice(0, 20);

describe('the engine', () => {
  it('publishes a batch only once the journal holds it, with the events it added', async (t) => {
    const store = Store.open(tempDir(t));
    t.after(() => store.close());
    const seen: Array<{ seq: number; journaled: number; events: number[] }> = [];
    const engine = new Engine(store, createEmptyState(), {
      publisher: {
        publish: (state, added) =>
          seen.push({ seq: state.seq, journaled: store.lastSeq(), events: added.map((e) => e.seq) }),
      },
    });
    await engine.step(events.slice(0, 5).map((event, i) => ({ event, ref: i })));
    await engine.step(events.slice(5).map((event, i) => ({ event, ref: i })));
    assert.deepEqual(
      seen.map((s) => [s.seq, s.journaled]),
      [
        [5, 5],
        [events.length, events.length],
      ],
    );
    assert.deepEqual(seen[0]!.events, [1, 2, 3, 4, 5]);
    assert.equal(engine.state.seq, events.length);
  });

  it('refuses to commit a batch folded from a state it has moved past', async () => {
    const engine = new Engine(null, createEmptyState());
    const stale = engine.fold([{ event: events[0]!, ref: 0 }]);
    await engine.step([{ event: events[0]!, ref: 0 }]);
    await assert.rejects(engine.commit(stale), { code: 'MGR_ERR_FOLD_INTERNAL' });
    assert.equal(engine.state.seq, 1);
  });

  it("parses a source's lines in its input stage; an event the source made passes as it is", async () => {
    const text = JSON.stringify(events[0]);
    const read = inputStage(() =>
      of(
        { kind: 'line' as const, file: 'f', text, line: 1, end: 10 },
        { kind: 'line' as const, file: 'f', text: '{"kind":', line: 2, end: 20 },
        { kind: 'event' as const, event: events[1]!, line: 3, end: 30 },
      ),
    );
    const items = await lastValueFrom(read(() => undefined).pipe(toArray()));
    assert.deepEqual(
      items.map((i) => i.kind),
      ['event', 'rejection', 'event'],
    );
    assert.equal(items[0]!.kind === 'event' && items[0]!.text, text);
    assert.equal(items[1]!.kind === 'rejection' && items[1]!.rejection.code, 'MGR_ERR_TRACE_NOT_JSON');
  });
});
