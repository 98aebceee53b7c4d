import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClusterEvent, ClusterEventSchema } from '../../schemas/event.ts';
import { DEFAULT_SCENARIO, parseScenario, scenarioStepList, selectedSteps } from '../../src/sim/scenario.ts';
import { simulateEvents } from '../../src/sim/simulate-events.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { parseSimSpec } from '../../src/sources/sim-source.ts';
import { runCli } from '../helpers.ts';

const SMALL = { osds: 6, hosts: 3, pgs: 64, duration: 40, statsPeriod: 2, seed: 5 } as const;

const text = (events: Iterable<ClusterEvent>) => [...events].map((e) => JSON.stringify(e)).join('\n');
const clogs = (events: Iterable<ClusterEvent>) =>
  [...events].flatMap((e) => (e.kind === 'clog' ? [e.entry.message] : []));

describe('named scenario steps', () => {
  it('the default is the full day: the same events as naming its steps', () => {
    assert.equal(
      text(simulateEvents({ ...SMALL, scenario: [...DEFAULT_SCENARIO] })),
      text(simulateEvents({ ...SMALL })),
    );
  });

  it('plays only the steps named, at the times they have in the full day', () => {
    const full = clogs(simulateEvents({ ...SMALL }));
    const noout = clogs(simulateEvents({ ...SMALL, scenario: ['noout'] }));
    assert.ok(noout.some((m) => m.includes('"prefix": "osd set", "key": "noout"')));
    assert.ok(noout.some((m) => m.includes('"prefix": "osd unset", "key": "noout"')));
    assert.ok(!noout.some((m) => / failed \(/.test(m) || m.includes('osd pool')), noout.join('\n'));
    assert.ok(full.some((m) => / failed \(/.test(m)));
    const flap = clogs(simulateEvents({ ...SMALL, scenario: ['osd-flap'] })).filter((m) => / failed \(/.test(m));
    assert.equal(flap.length, 1);
    assert.ok(full.includes(flap[0]!), 'the flapping OSD is the one of the full day');
  });

  it('slow-ops: one OSD reports slow ops for a while; SLOW_OPS is raised with its count, then cleared', () => {
    const events = [...simulateEvents({ ...SMALL, scenario: ['slow-ops'] })];
    const slow = new Map<string, number[]>();
    for (const e of events) {
      if (e.kind !== 'daemon_report') continue;
      const v = e.health_metrics?.find((m) => m.type === 'SLOW_OPS')?.value ?? 0;
      if (v > 0) slow.set(e.daemon, [...(slow.get(e.daemon) ?? []), v]);
    }
    assert.equal(slow.size, 1, 'one OSD');
    const [daemon, counts] = [...slow][0]!;
    assert.match(daemon, /^osd\.\d+$/);
    assert.ok(counts.includes(12) && counts.includes(30), counts.join(','));
    const checks = events.flatMap((e) => (e.kind === 'health' && e.map ? [e.map.checks ?? {}] : []));
    const raised = checks.findIndex((c) => c.SLOW_OPS !== undefined);
    assert.ok(raised >= 0, 'SLOW_OPS raised');
    assert.match(checks[raised]!.SLOW_OPS!.summary.message, /slow ops/);
    assert.ok(
      checks.slice(raised).some((c) => c.SLOW_OPS === undefined),
      'and cleared once the OSD reports none',
    );
    assert.equal(checks[checks.length - 1]!.SLOW_OPS, undefined);
  });

  it('adds the steps a step needs, and names the known steps for an unknown one', () => {
    assert.deepEqual(selectedSteps(['pool-delete', 'pool-split']), ['pool-create', 'pool-split', 'pool-delete']);
    assert.deepEqual(selectedSteps(false), []);
    assert.deepEqual(parseScenario('off'), false);
    assert.deepEqual(parseScenario('on'), true);
    assert.deepEqual(parseScenario('osd-fail,mon-down'), ['osd-fail', 'mon-down']);
    const known = scenarioStepList().map(([n]) => n);
    for (const n of [...DEFAULT_SCENARIO, 'mon-down']) assert.ok(known.includes(n), n);
    assert.throws(
      () => parseScenario('osd-fial'),
      /unknown scenario step "osd-fial" \(known: pool-create, osd-fail, mon-down, slow-ops, noout, osd-flap, pool-split, pool-delete/,
    );
    assert.throws(() => new SimulatedCluster({ osds: 3, scenario: ['nope'] }), /unknown scenario step "nope"/);
  });

  it('sim: specs take the steps separated by commas or +', () => {
    assert.deepEqual(parseSimSpec('sim:osds=6,scenario=osd-fail,mon-down,seed=2'), {
      osds: 6,
      scenario: ['osd-fail', 'mon-down'],
      seed: 2,
    });
    assert.deepEqual(parseSimSpec('sim:osds=6,scenario=noout+osd-flap').scenario, ['noout', 'osd-flap']);
    assert.deepEqual(parseSimSpec('sim:osds=6,scenario=off').scenario, false);
    assert.throws(() => parseSimSpec('sim:osds=6,scenario=osd-fail,bogus'), /unknown scenario step "bogus" \(known: /);
    assert.throws(() => parseSimSpec('sim:osds=6,mons=4'), /mons: 4 monitors need as many hosts/);
    assert.throws(
      () => parseSimSpec('sim:osds=6,hosts=2,scenario=mon-down'),
      /sim:osds=6,hosts=2,scenario=mon-down: scenario step mon-down: needs 3 monitors or more/,
    );
  });

  it('mgrkit simulate lists the steps in --help, and refuses an unknown one naming the known', async () => {
    const help = await runCli(['simulate', '--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const [name] of scenarioStepList()) assert.match(help.stdout, new RegExp(`^  ${name} +\\S`, 'm'));
    assert.match(help.stdout, /--scenario <steps>/);
    assert.match(help.stdout, /--mons <n>/);
    const bad = await runCli(['simulate', '--osds', '3', '--scenario', 'osd-fail,flood']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--scenario: unknown scenario step "flood" \(known: pool-create, osd-fail/);
    const few = await runCli(['simulate', '--osds', '6', '--hosts', '2', '--scenario', 'mon-down']);
    assert.notEqual(few.code, 0);
    assert.match(few.stderr, /mon-down: needs 3 monitors or more/);
  });
});

describe('monitors leaving the quorum (mon-down)', () => {
  it('raises MON_DOWN as Ceph words it while the last monitor is down, and clears it when it rejoins', () => {
    const sim = new SimulatedCluster({ ...SMALL, mons: 3, scenario: ['mon-down'] });
    const events = sim.advanceTo(sim.startMs + 0.35 * 40_000);
    const log = clogs(events);
    assert.ok(log.includes('mon.a is new leader, mons a,b in quorum (ranks 0,1)'), log.join('\n'));
    assert.ok(log.includes('Health check failed: 1/3 mons down, quorum a,b (MON_DOWN)'));
    const health = JSON.parse(sim.command({ prefix: 'health detail', format: 'json' }).outb);
    assert.deepEqual(health.checks.MON_DOWN, {
      severity: 'HEALTH_WARN',
      summary: { message: '1/3 mons down, quorum a,b', count: 1 },
      detail: [{ message: 'mon.c (rank 2) addr [v2:10.1.0.14:3300/0,v1:10.1.0.14:6789/0] is down (out of quorum)' }],
      muted: false,
    });
    const status = JSON.parse(sim.command({ prefix: 'status', format: 'json' }).outb);
    assert.deepEqual([status.quorum, status.quorum_names, status.monmap.num_mons], [[0, 1], ['a', 'b'], 3]);
    const dump = JSON.parse(sim.command({ prefix: 'mon dump', format: 'json' }).outb);
    assert.deepEqual([dump.quorum, dump.mons.length, dump.epoch], [[0, 1], 3, 3]);
    assert.ok(!events.some((e) => e.kind === 'mon_map' && e.t > sim.startMs), 'the mon map does not change');
    const statuses = events.filter((e) => e.kind === 'mon_status');
    assert.equal(statuses.length, 1, 'the manager hears of the new quorum');
    const ms = ClusterEventSchema.parse(statuses[0]);
    assert.ok(ms.kind === 'mon_status');
    assert.deepEqual([ms.map.name, ms.map.state, ms.map.quorum, ms.map.outside_quorum], ['a', 'leader', [0, 1], ['c']]);
    assert.equal(ms.map.monmap.mons.length, 3);
    assert.ok(!('quorum' in ms.map.monmap), "mon_status's monmap is MonMap::dump, without the quorum");
    const qs = JSON.parse(sim.command({ prefix: 'quorum_status', format: 'json' }).outb);
    assert.deepEqual(
      [qs.quorum_names, qs.quorum_leader_name, qs.election_epoch],
      [['a', 'b'], 'a', ms.map.election_epoch],
    );
    const later = clogs(sim.advanceTo(sim.startMs + 0.6 * 40_000));
    assert.ok(later.includes('mon.a is new leader, mons a,b,c in quorum (ranks 0,1,2)'), later.join('\n'));
    assert.ok(later.includes('Health check cleared: MON_DOWN (was: 1/3 mons down, quorum a,b)'));
    assert.deepEqual(JSON.parse(sim.command({ prefix: 'status', format: 'json' }).outb).quorum, [0, 1, 2]);
    assert.deepEqual(JSON.parse(sim.command({ prefix: 'mon_status', format: 'json' }).outb).outside_quorum, []);
  });

  it('sends no mon_status while the quorum never changes (a trace as before)', () => {
    assert.ok(![...simulateEvents({ ...SMALL })].some((e) => e.kind === 'mon_status'));
  });

  it('takes the number of monitors: 5 on 5 hosts, one down is 1/5', () => {
    const sim = new SimulatedCluster({ osds: 10, hosts: 5, mons: 5, pgs: 64, duration: 40, scenario: ['mon-down'] });
    const log = clogs(sim.advanceTo(sim.startMs + 0.35 * 40_000));
    assert.ok(log.includes('Health check failed: 1/5 mons down, quorum a,b,c,d (MON_DOWN)'), log.join('\n'));
    assert.equal(JSON.parse(sim.command({ prefix: 'mon dump', format: 'json' }).outb).mons.length, 5);
    const byDefault = new SimulatedCluster({ osds: 10, hosts: 5, scenario: false });
    assert.equal(JSON.parse(byDefault.command({ prefix: 'mon dump', format: 'json' }).outb).mons.length, 3);
  });
});
