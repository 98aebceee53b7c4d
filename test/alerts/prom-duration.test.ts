import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPromDuration, parsePromDuration } from '../../bench/alerts/prom-duration.ts';

describe('Prometheus durations', () => {
  it('parses what rule files write, largest unit first', () => {
    assert.equal(parsePromDuration('5m'), 300_000);
    assert.equal(parsePromDuration('30s'), 30_000);
    assert.equal(parsePromDuration('1h30m'), 5_400_000);
    assert.equal(parsePromDuration('500ms'), 500);
    assert.equal(parsePromDuration('1d'), 86_400_000);
    assert.equal(parsePromDuration('1m30s250ms'), 90_250);
    assert.equal(parsePromDuration('0'), 0);
  });

  it('refuses what Prometheus refuses', () => {
    for (const bad of ['', '5', 'm', '1m1h', '5mm', '1.5m', 'abc', '-5m', '5m5m']) {
      assert.throws(() => parsePromDuration(bad), /not a Prometheus duration/, bad);
    }
  });

  it('writes milliseconds back, largest unit first', () => {
    assert.equal(formatPromDuration(300_000), '5m');
    assert.equal(formatPromDuration(90_000), '1m30s');
    assert.equal(formatPromDuration(1500), '1s500ms');
    assert.equal(formatPromDuration(10_000), '10s');
    assert.equal(formatPromDuration(0), '0s');
    for (const ms of [1, 999, 1000, 61_001, 3_600_000, 90_061_001])
      assert.equal(parsePromDuration(formatPromDuration(ms)), ms);
    assert.throws(() => formatPromDuration(1.5));
    assert.throws(() => formatPromDuration(-1));
  });
});
