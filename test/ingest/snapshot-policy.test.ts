import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SnapshotPolicy } from '../../src/ingest/snapshot-policy.ts';

describe('the snapshot policy', () => {
  it('takes a snapshot every N events while snapshots are cheap', () => {
    const p = new SnapshotPolicy(100, 0);
    p.add(99);
    assert.equal(p.due, false);
    p.add(1);
    assert.equal(p.due, true);
    p.taken(0);
    assert.equal(p.due, false, 'counting starts again');
  });

  it('waits ten times as long as the last snapshot took before the next one', () => {
    let now = 1000;
    const p = new SnapshotPolicy(1, 0, () => now);
    p.taken(5);
    p.add(10);
    now += 49;
    assert.equal(p.due, false, 'a 5 ms snapshot is followed by at least 50 ms of ingest');
    now += 1;
    assert.equal(p.due, true);
  });
});
