import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intervalsOf, judgeRules, type RunRecord } from '../../bench/alerts/alert-timeline.ts';

const range = (from: number, to: number) => Array.from({ length: (to - from) / 1000 + 1 }, (_, i) => from + i * 1000);

/** A run: osd-fail from 10 s to 40 s, slow-ops at 20 s, 5 s of settling; rules evaluated each second. */
function run(over: Partial<RunRecord>): RunRecord {
  return {
    rules: [
      { alert: 'CephOSDDown', group: 'osd', shortenedForMs: 3000 },
      { alert: 'CephHealthWarning', group: 'cluster health', shortenedForMs: 0 },
      { alert: 'CephMonDown', group: 'mon', shortenedForMs: 1000 },
    ],
    firingTimes: new Map(),
    conditionTimes: new Map(),
    steps: [
      { name: 'osd-fail', from: 10_000, to: 40_000 },
      { name: 'slow-ops', from: 20_000, to: 20_000 },
    ],
    expected: { 'osd-fail': ['CephOSDDown'], 'slow-ops': [] },
    anyStep: ['CephHealthWarning'],
    settleMs: 5000,
    evalMs: 1000,
    ...over,
  };
}

describe('judging the firings of a run', () => {
  it('merges sample times one evaluation apart into stretches', () => {
    assert.deepEqual(intervalsOf([5000, 1000, 2000, 3000, 3000, 9000], 1500), [
      { from: 1000, to: 3000 },
      { from: 5000, to: 5000 },
      { from: 9000, to: 9000 },
    ]);
    assert.deepEqual(intervalsOf([], 1500), []);
  });

  it('puts a firing down to the step that lists its rule, when its expression began to hold in its window', () => {
    const [down, health, mon] = judgeRules(
      run({
        firingTimes: new Map([
          ['CephOSDDown', range(15_000, 41_000)],
          ['CephHealthWarning', range(21_000, 30_000)],
        ]),
        conditionTimes: new Map([
          ['CephOSDDown', range(12_000, 41_000)],
          ['CephHealthWarning', range(21_000, 30_000)],
          ['CephMonDown', [33_000]],
        ]),
      }),
    );
    assert.deepEqual(down!.firings, [
      { from: 15_000, to: 41_000, activeFrom: 12_000, causes: ['osd-fail'], spurious: false, conditionHeld: true },
    ]);
    // Overall health: any step explains it.
    assert.deepEqual(health!.firings[0]!.causes, ['osd-fail', 'slow-ops']);
    assert.equal(mon!.firings.length, 0);
    assert.equal(mon!.conditionSeen, true);
  });

  it('calls spurious a firing before the first step, after the settling, or of a rule its step does not list', () => {
    const [down, health, mon] = judgeRules(
      run({
        firingTimes: new Map([
          ['CephOSDDown', [...range(4000, 6000), ...range(50_000, 52_000)]],
          ['CephHealthWarning', range(2000, 3000)],
          ['CephMonDown', range(21_000, 22_000)],
        ]),
        conditionTimes: new Map([
          ['CephOSDDown', [...range(1000, 6000), ...range(47_000, 52_000)]],
          ['CephHealthWarning', range(2000, 3000)],
          ['CephMonDown', range(20_000, 22_000)],
        ]),
      }),
    );
    // Held from 1 s (before osd-fail began at 10 s), and from 47 s (after 40 s + 5 s of settling).
    assert.deepEqual(
      down!.firings.map((f) => [f.activeFrom, f.spurious]),
      [
        [1000, true],
        [47_000, true],
      ],
    );
    assert.equal(health!.firings[0]!.spurious, true);
    // In slow-ops' window, which does not list it.
    assert.deepEqual(mon!.firings[0]!.causes, []);
    assert.equal(mon!.firings[0]!.spurious, true);
  });

  it('says when a rule fired while its expression had no result', () => {
    const [down] = judgeRules(
      run({
        firingTimes: new Map([['CephOSDDown', range(15_000, 30_000)]]),
        conditionTimes: new Map([['CephOSDDown', [...range(12_000, 20_000), ...range(25_000, 30_000)]]]),
      }),
    );
    assert.equal(down!.firings[0]!.conditionHeld, false);
    const [edges] = judgeRules(
      run({
        firingTimes: new Map([['CephOSDDown', range(15_000, 30_000)]]),
        conditionTimes: new Map([['CephOSDDown', range(16_000, 29_000)]]),
      }),
    );
    // One evaluation apart at either end is the same instant seen by two clocks.
    assert.equal(edges!.firings[0]!.conditionHeld, true);
  });
});
