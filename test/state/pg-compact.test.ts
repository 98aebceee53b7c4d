import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PgStat } from '../../schemas/daemon/index.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { sharePgStats } from '../../src/state/pg-compact.ts';
import { readJsonl, WHOLE_TRACE } from '../helpers.ts';

const reports = readJsonl<ClusterEvent>(WHOLE_TRACE).filter(
  (e): e is Extract<ClusterEvent, { kind: 'pg_stats' }> => e.kind === 'pg_stats',
);

describe('PG stats sharing what they hold in common', () => {
  it('leaves every value of the recorded reports as it was', () => {
    for (const r of reports) {
      const before = structuredClone(r.pg_stats);
      const stats = structuredClone(r.pg_stats);
      sharePgStats(stats);
      assert.deepEqual(stats, before);
    }
  });

  it('makes equal OSD lists one array and empty lists one frozen array', () => {
    const stats = reports.flatMap((r) => structuredClone(r.pg_stats)) as PgStat[];
    const equalLists = stats.filter((s) => s.up.join() === s.acting.join()).length;
    assert.ok(equalLists > 0, 'the recording has PGs whose acting set is their up set');
    sharePgStats(stats);
    assert.equal(stats.filter((s) => s.acting === s.up).length, equalLists);
    const empties = stats
      .flatMap((s) => [s.blocked_by, s.purged_snaps])
      .filter((a) => a !== undefined && a.length === 0);
    assert.ok(empties.length > 1);
    for (const a of empties) {
      assert.equal(a, empties[0]);
      assert.ok(Object.isFrozen(a));
    }
  });

  it('is applied by the fold, which stores the same values', () => {
    const events = reports.slice(0, 20).map((e, i) => ({ event: structuredClone(e) as ClusterEvent, ref: i }));
    const before = events.map((e) => structuredClone(e.event));
    const r = foldBatch(createEmptyState(), events);
    assert.equal(r.rejected.length, 0);
    assert.deepEqual(
      events.map((e) => e.event),
      before,
    );
    const held = events.flatMap((e) => (e.event as Extract<ClusterEvent, { kind: 'pg_stats' }>).pg_stats);
    assert.ok(held.some((s) => s.acting === s.up));
  });
});
