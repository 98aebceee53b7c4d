import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { finalState } from '../fixtures/final-state.ts';
import { readJsonl, WHOLE_TRACE } from '../helpers.ts';

describe('derived views are computed once per snapshot', () => {
  const state = finalState(WHOLE_TRACE);
  const lastReport = readJsonl<ClusterEvent>(WHOLE_TRACE)
    .filter((e) => e.kind === 'pg_stats')
    .at(-1)!;

  it("a second get('pg_summary') of an unchanged snapshot returns the same object, not a new one", () => {
    const acc = new Accessors(() => state);
    const first = acc.get('pg_summary');
    assert.equal(acc.get('pg_summary'), first);
    assert.ok(Object.isFrozen(first));
    // A new snapshot that changed neither the PG stats nor the OSD map shares it too.
    const later = foldBatch(state, [{ event: { kind: 'heartbeat', t: state.stamp + 1 } as ClusterEvent, ref: 0 }]);
    assert.notEqual(later.state, state);
    assert.equal(new Accessors(() => later.state).get('pg_summary'), first);
    // New PG stats make a new summary.
    const reported = foldBatch(state, [{ event: { ...lastReport, t: state.stamp + 2 }, ref: 0 }]);
    assert.notEqual(new Accessors(() => reported.state).get('pg_summary'), first);
  });
});
