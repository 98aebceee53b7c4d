import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthChecks } from '../../src/health/health-checks.ts';
import { BRIDGE_DOWN_AFTER_MS, BridgeHealth, REFUSALS_KEPT_MS } from '../../src/run/bridge-health.ts';

describe("the bridge's health checks", () => {
  it('MGRKIT_BRIDGE_DOWN after 30 s without a recorder, gone when one says hello; refusals shown for ten minutes', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const health = new HealthChecks();
    const bridge = new BridgeHealth();
    bridge.attach(health);
    assert.deepEqual(health.of('bridge'), {});
    t.mock.timers.tick(BRIDGE_DOWN_AFTER_MS);
    assert.match(health.of('bridge').MGRKIT_BRIDGE_DOWN!.summary.message, /^no recorder has connected/);

    bridge.changed(true, 'x');
    assert.equal(health.of('bridge').MGRKIT_BRIDGE_DOWN, undefined);
    bridge.changed(false, 'x');
    t.mock.timers.tick(BRIDGE_DOWN_AFTER_MS - 1);
    assert.equal(health.of('bridge').MGRKIT_BRIDGE_DOWN, undefined, 'a short gap (a reconnect) raises nothing');
    bridge.changed(true, 'x');
    bridge.changed(false, 'x');
    t.mock.timers.tick(BRIDGE_DOWN_AFTER_MS);
    assert.match(health.of('bridge').MGRKIT_BRIDGE_DOWN!.summary.message, /^the recorder in mgr\.x went away/);
    bridge.changed(true, 'x');

    bridge.refused('10.0.0.9:4000', 'a wrong answer to the challenge');
    const refused = health.of('bridge').MGRKIT_BRIDGE_REFUSED!;
    assert.match(refused.summary.message, /^1 connection to the bridge refused/);
    assert.deepEqual(refused.detail, [{ message: '10.0.0.9:4000: a wrong answer to the challenge' }]);
    t.mock.timers.tick(REFUSALS_KEPT_MS);
    assert.deepEqual(health.of('bridge'), {});
    bridge.stop();
  });
});
