import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timespanStr } from '../../src/sim/timespan-str.ts';

describe("timespanStr (Ceph's timespan_str)", () => {
  it('prints the ages real Pacific monitors printed in health detail, and the larger units', () => {
    // From the recorded trace's PG_AVAILABILITY detail: "stuck stale for 61s", "for 115s", "for 2m".
    assert.equal(timespanStr(61_000), '61s');
    assert.equal(timespanStr(115_900), '115s');
    assert.equal(timespanStr(125_000), '2m');
    assert.equal(timespanStr(1_500), '1.5s');
    assert.equal(timespanStr(119 * 60_000), '119m');
    assert.equal(timespanStr(2 * 3_600_000), '2h');
    assert.equal(timespanStr(47 * 3_600_000), '47h');
    assert.equal(timespanStr(48 * 3_600_000), '2d');
    assert.equal(timespanStr(14 * 86_400_000), '2w');
    assert.equal(timespanStr(84 * 86_400_000), '2M');
    assert.equal(timespanStr(800 * 86_400_000), '2y');
  });
});
