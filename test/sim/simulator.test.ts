import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type ClusterEvent, ClusterEventSchema } from '../../schemas/event.ts';
import { main } from '../../src/cli/main.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { simulateEvents } from '../../src/sim/simulate-events.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { runCli, tempDir } from '../helpers.ts';

/** A small cluster that still has room for the whole scenario: 8 OSDs on 4 hosts, reports every 2 s. */
const SMALL = { osds: 8, hosts: 4, pgs: 128, duration: 90, statsPeriod: 2, seed: 7 } as const;

const traceText = (options: Parameters<typeof simulateEvents>[0]) =>
  [...simulateEvents(options)].map((e) => JSON.stringify(e)).join('\n');

/** Folds events in batches, calling `each` with the state after every batch. */
function foldAll(events: Iterable<ClusterEvent>, each: (s: ClusterState) => void = () => {}): ClusterState {
  let state = createEmptyState();
  let batch: ClusterEvent[] = [];
  const flush = () => {
    const r = foldBatch(
      state,
      batch.map((event, ref) => ({ event, ref })),
    );
    assert.equal(r.rejected.length, 0, r.rejected[0]?.error.message);
    state = r.state;
    batch = [];
    each(state);
  };
  for (const e of events) {
    batch.push(e);
    if (batch.length === 10) flush();
  }
  flush();
  return state;
}

/** Runs `fn` with stdout and stderr captured (the CLI in-process, without a process per run). */
async function quietly(fn: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const { stdout, stderr } = process;
  const saved = [stdout.write, stderr.write];
  stdout.write = ((chunk: string | Uint8Array) => {
    out.stdout += String(chunk);
    return true;
  }) as typeof stdout.write;
  stderr.write = ((chunk: string | Uint8Array) => {
    out.stderr += String(chunk);
    return true;
  }) as typeof stderr.write;
  try {
    return { code: await fn(), ...out };
  } finally {
    [stdout.write, stderr.write] = saved as [typeof stdout.write, typeof stderr.write];
  }
}

const summaryOf = (s: ClusterState) =>
  new Accessors(() => s).get('pg_summary') as unknown as {
    all: Record<string, number>;
    by_osd: Record<string, Record<string, number>>;
  };

describe('the simulated cluster', () => {
  it('gives the same bytes for the same seed and different ones for another seed', () => {
    const opts = { osds: 6, duration: 30, seed: 11 };
    const a = traceText(opts);
    assert.equal(traceText(opts), a);
    assert.notEqual(traceText({ ...opts, seed: 12 }), a);
  });

  it('emits only events that pass the event schema, on a clock that never runs backwards', () => {
    let last = 0;
    const kinds = new Set<string>();
    for (const e of simulateEvents(SMALL)) {
      const r = ClusterEventSchema.safeParse(e);
      assert.ok(r.success, `${e.kind} at ${e.t}: ${JSON.stringify(r.error?.issues[0])}`);
      assert.ok(e.t >= last, `${e.kind} at ${e.t} comes after ${last}`);
      last = e.t;
      kinds.add(e.kind);
    }
    for (const k of ['mon_map', 'mgr_map', 'osd_map', 'health', 'pg_stats', 'daemon_open', 'daemon_report', 'clog']) {
      assert.ok(kinds.has(k), `a ${k} event`);
    }
  });

  it('takes PGs through degraded, backfill and recovery states after a failure, and back to all active+clean', () => {
    const seen = new Set<string>();
    let pgNums = 0;
    const final = foldAll(simulateEvents(SMALL), (s) => {
      const { all, by_osd } = summaryOf(s);
      for (const state of Object.keys(all)) seen.add(state);
      const map = s.maps.osd_map!.map;
      // The PG map and the OSD map agree: every PG counted once, on OSDs that exist.
      pgNums = map.pools.reduce((n, p) => n + p.pg_num, 0);
      assert.equal(
        Object.values(all).reduce((a, b) => a + b, 0),
        pgNums,
      );
      for (const osd of Object.keys(by_osd)) assert.ok(Number(osd) < map.max_osd!, `osd.${osd} exists`);
    });
    for (const state of [
      'active+undersized+degraded',
      'active+undersized+degraded+remapped+backfill_wait',
      'active+remapped+backfilling',
      'peering',
    ]) {
      assert.ok(seen.has(state), `passes through ${state} (saw ${[...seen].join(', ')})`);
    }
    assert.ok(
      [...seen].some((s) => s.includes('recover')),
      'recovers after the flap',
    );
    assert.deepEqual(summaryOf(final).all, { 'active+clean': pgNums });
    const health = JSON.parse((new Accessors(() => final).get('health') as { json: string }).json);
    assert.equal(health.status, 'HEALTH_OK');
  });

  it('marks an OSD out on `osd out` and publishes it as the next OSD map epoch', () => {
    const sim = new SimulatedCluster({ osds: 6, duration: 60, scenario: false, seed: 3 });
    const first = sim.advanceTo(sim.startMs + 3000);
    const before = foldAll(first).maps.osd_map!.epoch!;
    const r = sim.command({ prefix: 'osd out', ids: ['3'] });
    assert.deepEqual(r, { retval: 0, outb: '', outs: 'marked out osd.3. ' });
    const next = sim.advanceTo(sim.now + 1000);
    const map = next.find((e) => e.kind === 'osd_map');
    assert.ok(
      map?.kind === 'osd_map' && map.patch !== undefined && map.epoch === before + 1,
      'the next epoch, a patch',
    );
    const state = foldAll([...first, ...next]);
    assert.equal(state.maps.osd_map!.epoch, before + 1);
    assert.equal(state.maps.osd_map!.map.osds[3]!.in, 0);
    assert.equal(state.maps.osd_map!.map.osds[3]!.weight, 0);
    assert.deepEqual(sim.command({ prefix: 'osd out', ids: ['3'] }).outs, 'osd.3 is already out. ');
  });

  it('hands out each event once, in time order, as time advances in steps', () => {
    const sim = new SimulatedCluster({ osds: 9, duration: 40, seed: 2 });
    const stepped: ClusterEvent[] = [];
    for (let t = sim.startMs - 1000; t < sim.endMs; t += 700) stepped.push(...sim.advanceTo(t));
    const whole = [...new SimulatedCluster({ osds: 9, duration: 40, seed: 2 }).events()];
    assert.deepEqual(
      stepped.map((e) => JSON.stringify(e)),
      whole.map((e) => JSON.stringify(e)),
    );
  });

  it('boots an OSD again after `osd down` marks it down while it runs', () => {
    const sim = new SimulatedCluster({ osds: 6, scenario: false, seed: 9 });
    const events = sim.advanceTo(sim.startMs + 2000);
    assert.equal(sim.command({ prefix: 'osd down', ids: ['osd.2'] }).outs, 'marked down osd.2. ');
    assert.equal(sim.command({ prefix: 'osd down', ids: ['2'] }).outs, 'osd.2 is already down. ');
    events.push(...sim.advanceTo(sim.now + 10_000));
    const log = events.flatMap((e) => (e.kind === 'clog' ? [e.entry.message] : []));
    assert.ok(log.includes('Health check failed: 1 osds down (OSD_DOWN)'));
    assert.ok(log.some((m) => /^osd\.2 \[v2:.*\] boot$/.test(m)));
    const state = foldAll(events);
    assert.equal(state.maps.osd_map!.map.osds[2]!.up, 1);
    assert.equal(state.maps.osd_map!.epoch, events.filter((e) => e.kind === 'osd_map').at(-1)!.epoch);
  });

  it('resends only changed PGs after the first report, or every PG with fullStats', () => {
    const secondPeriod = (fullStats: boolean) => {
      const sim = new SimulatedCluster({ osds: 6, scenario: false, duration: 10, fullStats });
      let n = 0;
      for (const e of sim.events()) if (e.kind === 'pg_stats' && e.t >= sim.startMs + 5000) n += e.pg_stats.length;
      return { n, pgs: sim.pgCount };
    };
    const full = secondPeriod(true);
    assert.equal(full.n, full.pgs);
    const changed = secondPeriod(false);
    assert.ok(changed.n > 0 && changed.n < changed.pgs, `${changed.n} of ${changed.pgs}`);
  });

  it('answers bad commands with Ceph errnos and messages', () => {
    const sim = new SimulatedCluster({ osds: 6, scenario: false });
    sim.advanceTo(sim.startMs);
    const rm = sim.command({
      prefix: 'osd pool rm',
      pool: 'nope',
      pool2: 'nope',
      yes_i_really_really_mean_it: true,
    });
    assert.equal(rm.retval, -2);
    assert.equal(rm.outs, "pool 'nope' does not exist");
    assert.equal(sim.command({ prefix: 'osd set', key: 'nosuchflag' }).retval, -22);
    assert.equal(sim.command({ prefix: 'osd reweight', id: 99, weight: 0.5 }).retval, -2);
    assert.equal(sim.command({ prefix: 'osd reweight', id: 1, weight: 2 }).retval, -22);
    assert.equal(sim.command({ prefix: 'osd pool set', pool: 'rbd', var: 'size', val: '11' }).retval, -22);
    assert.equal(sim.command({ prefix: 'osd pool set', pool: 'gone', var: 'size', val: '2' }).retval, -2);
    assert.equal(sim.command({ prefix: 'no such thing' }).retval, -22);
    const unconfirmed = sim.command({ prefix: 'osd pool rm', pool: 'rbd' });
    assert.equal(unconfirmed.retval, -1);
  });

  it('applies pool, flag and config commands as map, health and config events', () => {
    const sim = new SimulatedCluster({ osds: 6, scenario: false, seed: 5 });
    const events = sim.advanceTo(sim.startMs + 2000);
    assert.equal(sim.command({ prefix: 'osd pool create', pool: 'p1', pg_num: 16 }).outs, "pool 'p1' created");
    assert.equal(sim.command({ prefix: 'osd set', key: 'noout' }).outs, 'noout is set');
    assert.equal(sim.command({ prefix: 'config set', who: 'osd', name: 'osd_max_backfills', value: '2' }).retval, 0);
    events.push(...sim.advanceTo(sim.now + 10_000));
    const state = foldAll(events);
    const map = state.maps.osd_map!.map;
    assert.ok(map.pools.some((p) => p.pool_name === 'p1' && p.pg_num === 16));
    assert.ok(map.flags_set!.includes('noout'));
    const health = JSON.parse((new Accessors(() => state).get('health') as { json: string }).json);
    assert.equal(health.checks.OSDMAP_FLAGS.summary.message, 'noout flag(s) set');
    assert.equal(state.config.osd?.osd_max_backfills, '2');
    assert.equal(
      summaryOf(state).all['active+clean'],
      map.pools.reduce((n, p) => n + p.pg_num, 0),
    );
    const dump = JSON.parse(sim.command({ prefix: 'osd dump' }).outb);
    assert.equal(dump.epoch, state.maps.osd_map!.epoch);
  });

  it("sends pg_temp changes entry by entry, and the folded map is the monitors' at every epoch", () => {
    const sim = new SimulatedCluster(SMALL);
    let state = createEmptyState();
    let elementOps = 0;
    let epochs = 0;
    while (sim.now < sim.startMs + SMALL.duration * 1000) {
      const events = sim.advanceTo(sim.now + 1000);
      for (const e of events)
        if (e.kind === 'osd_map' && 'patch' in e && e.patch !== undefined)
          elementOps += e.patch.filter((op) => /^\/pg_temp\/\d+/.test(op.path)).length;
      const r = foldBatch(
        state,
        events.map((event, ref) => ({ event, ref })),
      );
      assert.equal(r.rejected.length, 0, r.rejected[0]?.error.message);
      if (r.state.maps.osd_map?.epoch !== state.maps.osd_map?.epoch) {
        epochs++;
        assert.deepEqual(r.state.maps.osd_map!.map, JSON.parse(sim.command({ prefix: 'osd dump' }).outb));
      }
      state = r.state;
    }
    assert.ok(epochs > 10, `${epochs} epochs`);
    assert.ok(elementOps > 0, 'some pg_temp change went as entries added, removed or changed');
  });

  it('writes a trace with the CLI that replays through the CLI with nothing rejected', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'sim.jsonl.gz');
    const args = ['simulate', '--osds', '9', '--hosts', '3', '--duration', '60', '--seed', '4', '-o'];
    const made = await runCli([...args, file]);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /simulated 9 OSDs on 3 hosts, 3 pools, \d+ PGs, 60 s \(seed 4\): \d+ events/);
    const again = await quietly(() => main(['node', 'mgrkit', ...args, join(dir, 'again.jsonl.gz')]));
    assert.equal(again.code, 0);
    assert.deepEqual(
      gunzipSync(readFileSync(join(dir, 'again.jsonl.gz'))),
      gunzipSync(readFileSync(file)),
      'the same seed gives the same bytes',
    );
    const replay = await runCli(['replay', file, '--db', join(dir, 'db'), '--json']);
    assert.equal(replay.code, 0, replay.stderr);
    const summary = JSON.parse(replay.stdout);
    assert.equal(summary.events.rejected, 0);
    assert.ok(summary.events.accepted > 100);
  });

  it('refuses bad options with exit status 1 and a message', async () => {
    for (const args of [
      ['--osds', '0'],
      ['--osds', '3', '--hosts', '4'],
      ['--hosts', '3'],
      ['--osds', '3', '--duration', 'x'],
      ['--osds', '3', '--pools', '5', '--pgs', '4'],
    ]) {
      const r = await quietly(() => main(['node', 'mgrkit', 'simulate', ...args]));
      assert.equal(r.code, 1, args.join(' '));
      assert.notEqual(r.stderr, '', args.join(' '));
    }
  });
});
