import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { packSimBatch, TEXT_ONLY_BYTES, unpackSimBatch } from '../../src/sources/sim-batch.ts';

describe("the simulated cluster's batches of events", () => {
  it('give back each event as it was, with its JSON text, packed or as text only, in order', () => {
    const big = 'x'.repeat(TEXT_ONLY_BYTES);
    const events = [
      { v: 1, t: 1, kind: 'heartbeat' },
      { v: 1, t: 2, kind: 'clog', entries: [{ message: `big ${big}` }] },
      { v: 1, t: 3, kind: 'clog', entries: [{ message: 'ünïcödé ✓ 𝄞' }] },
      { v: 1, t: 4, kind: 'heartbeat' },
    ] as unknown as ClusterEvent[];
    const batch = packSimBatch(events);
    assert.deepEqual([...batch.textOnly], [0, 1, 0, 0]);
    const out = unpackSimBatch(batch);
    assert.deepEqual(
      out.map((o) => o.event),
      events,
    );
    assert.deepEqual(
      out.map((o) => o.text),
      events.map((e) => JSON.stringify(e)),
    );
    assert.deepEqual(unpackSimBatch(packSimBatch([])), []);
  });
});
