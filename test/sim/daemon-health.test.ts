import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { HealthMap } from '../../schemas/maps/health.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';

function fold(state: ClusterState, events: readonly ClusterEvent[]): ClusterState {
  const r = foldBatch(
    state,
    events.map((event, ref) => ({ event, ref })),
  );
  assert.deepEqual(r.rejected, []);
  return r.state;
}

const healthOf = (s: ClusterState) =>
  JSON.parse((new Accessors(() => s).get('health') as { json: string }).json) as HealthMap;

const reportOf = (events: readonly ClusterEvent[], daemon: string) =>
  events.filter((e) => e.kind === 'daemon_report' && e.daemon === daemon).at(-1) as
    | Extract<ClusterEvent, { kind: 'daemon_report' }>
    | undefined;

describe('simulated daemon health metrics', () => {
  it('every OSD reports SLOW_OPS and PENDING_CREATING_PGS, every monitor SLOW_OPS, all 0, as a real cluster does', () => {
    const sim = new SimulatedCluster({ osds: 6, duration: 60, scenario: false, seed: 4 });
    const s = fold(createEmptyState(), sim.advanceTo(sim.startMs + 6000));
    const metrics = new Accessors(() => s).get_daemon_health_metrics();
    const osd = [
      { value: 0, type: 'SLOW_OPS' },
      { value: 0, type: 'PENDING_CREATING_PGS' },
    ];
    assert.deepEqual(metrics, {
      ...Object.fromEntries(Array.from({ length: 6 }, (_, o) => [`osd.${o}`, osd])),
      'mon.a': [{ value: 0, type: 'SLOW_OPS' }],
      'mon.b': [{ value: 0, type: 'SLOW_OPS' }],
      'mon.c': [{ value: 0, type: 'SLOW_OPS' }],
    });
    const acc = new Accessors(() => s);
    assert.equal(acc.get_metadata('mon', 'b')?.hostname, sim.topo.hostNames[1]);
    assert.equal(acc.get_latest_counter('mon', 'a', 'mon.num_sessions')['mon.num_sessions']?.[1], 4);
    assert.equal(healthOf(s).status, 'HEALTH_OK');
  });

  it("setSlowOps makes a daemon report slow ops and raises Ceph's SLOW_OPS check until they are gone", () => {
    const sim = new SimulatedCluster({ osds: 6, duration: 120, scenario: false, seed: 4 });
    let s = fold(createEmptyState(), sim.advanceTo(sim.startMs + 5000));
    const t0 = sim.now;
    assert.equal(sim.setSlowOps('osd.2', 5), true);
    let events = sim.advanceTo(t0 + 10_000);
    s = fold(s, events);
    assert.deepEqual(reportOf(events, 'osd.2')?.health_metrics, [
      { type: 'SLOW_OPS', value: 5 },
      { type: 'PENDING_CREATING_PGS', value: 0 },
    ]);
    assert.deepEqual(reportOf(events, 'osd.1')?.health_metrics?.[0], { type: 'SLOW_OPS', value: 0 });
    let check = healthOf(s).checks.SLOW_OPS;
    assert.equal(check?.severity, 'HEALTH_WARN');
    assert.match(check!.summary.message, /^5 slow ops, oldest one blocked for \d+ sec, osd\.2 has slow ops$/);
    assert.equal(healthOf(s).status, 'HEALTH_WARN');

    assert.equal(sim.setSlowOps('mon.b', 2), true);
    events = sim.advanceTo(sim.now + 10_000);
    s = fold(s, events);
    check = healthOf(s).checks.SLOW_OPS;
    const m = /^7 slow ops, oldest one blocked for (\d+) sec, daemons \[mon\.b,osd\.2\] have slow ops\.$/.exec(
      check!.summary.message,
    );
    assert.ok(m, check!.summary.message);
    // Blocked since osd.2 got them, the oldest of the two.
    assert.ok(Number(m[1]) >= 15, m[1]);
    assert.deepEqual(reportOf(events, 'mon.b')?.health_metrics, [{ type: 'SLOW_OPS', value: 2 }]);

    sim.setSlowOps('osd.2', 0);
    sim.setSlowOps('mon.b', 0);
    events = sim.advanceTo(sim.now + 10_000);
    s = fold(s, events);
    assert.equal(healthOf(s).checks.SLOW_OPS, undefined);
    assert.ok(
      events.some(
        (e) => e.kind === 'clog' && e.entry.message.startsWith('Health check cleared: SLOW_OPS (was: 7 slow ops'),
      ),
    );
    assert.deepEqual(new Accessors(() => s).get_daemon_health_metrics()['osd.2']?.[0], { value: 0, type: 'SLOW_OPS' });
  });

  it('refuses a daemon the cluster does not have, or a count that is not a whole number', () => {
    const sim = new SimulatedCluster({ osds: 3, duration: 30, scenario: false, seed: 4 });
    for (const name of ['osd.3', 'osd.01', 'mon.z', 'mds.a', 'osd']) assert.equal(sim.setSlowOps(name, 1), false, name);
    assert.equal(sim.setSlowOps('osd.0', -1), false);
    assert.equal(sim.setSlowOps('osd.0', 1.5), false);
  });
});
