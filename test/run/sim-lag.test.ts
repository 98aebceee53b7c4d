import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { watchLag } from '../../src/run/sim-lag.ts';

describe('the lag of a live simulated cluster', () => {
  it('is the cluster clock less the published stamp, and the largest after the first minute is kept', (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    let clock = 30_000;
    let published = { stamp: 0, seq: 0 };
    const lines: string[] = [];
    const watch = watchLag(
      { startMs: 0, clock: () => clock, published: () => published },
      (l) => lines.push(l),
      10_000,
    );
    assert.equal(watch.lagMs(), 30_000, 'nothing published: the whole run so far');
    published = { stamp: 27_500, seq: 42 };
    assert.equal(watch.lagMs(), 2500);
    t.mock.timers.tick(10_000);
    assert.deepEqual(lines, ['simulated cluster at +30s: the published state (seq 42) trails it by 2.5 s']);
    // Within the first minute, a lag does not count towards the largest.
    published = { stamp: 20_000, seq: 43 };
    t.mock.timers.tick(1000);
    clock = 61_000;
    published = { stamp: 58_000, seq: 50 };
    t.mock.timers.tick(1000);
    clock = 90_500;
    published = { stamp: 90_000, seq: 60 };
    t.mock.timers.tick(1000);
    assert.equal(
      watch.stop(),
      'simulated cluster at +1m30s: the published state (seq 60) trails it by 0.5 s; at most 3.0 s after its first minute',
    );
    t.mock.timers.tick(60_000);
    assert.equal(lines.length, 1, 'no line once stopped');
  });
});
