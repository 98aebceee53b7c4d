import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { describe, it } from 'node:test';
import type { NotifyType } from '../../src/bus/notify-types.ts';
import { describeModule, MgrHost } from '../../src/entry/host.ts';
import { StreamClock } from '../../src/ingest/stream-clock.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { CommandResult } from '../../src/module/command-result.ts';
import { MgrModule } from '../../src/module/mgr-module.ts';
import { runLiveSim } from '../../src/run/live-sim.ts';
import { liveSim, parseSimSpec } from '../../src/sources/sim-source.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir, waitFor } from '../helpers.ts';

class Operator extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map', 'command'];
}

describe('a live simulated cluster', () => {
  it('parses sim: specs, naming what is wrong', () => {
    assert.deepEqual(parseSimSpec('sim:osds=12,hosts=4,stats-period=2,scenario=off'), {
      osds: 12,
      hosts: 4,
      statsPeriod: 2,
      scenario: false,
    });
    assert.throws(() => parseSimSpec('sim:osds=12,color=red'), /unknown option "color"/);
    assert.throws(() => parseSimSpec('sim:osds=0'), /osds/);
    assert.throws(() => parseSimSpec('sim:osds'), /not key=value/);
  });

  it("answers a module's mon commands, and the change is readable when the answer comes", async (t) => {
    const store = Store.open(tempDir(t));
    const sim = liveSim({ osds: 6, seed: 2, scenario: false }, 20);
    const host = await MgrHost.create({
      preloaded: [describeModule('operator', '<test>', Operator, null)],
      builtinModules: false,
      logger: createRootLogger({ file: '/dev/null' }),
      commander: sim.commander,
      store,
    });
    host.modules.use(['operator']);
    host.start();
    const run = runLiveSim({ sim, spec: 'sim:osds=6', store, host });
    try {
      await waitFor('the first OSD map', () => host.state.maps.osd_map !== undefined);
      const op = host.modules.instance<Operator>('operator')!;
      const before = op.get('osd_map')!.epoch;
      const result = new CommandResult('out-3');
      op.send_command(result, 'mon', '', JSON.stringify({ prefix: 'osd out', ids: ['3'] }), 'out-3');
      const [r, , outs] = await result.wait();
      assert.equal(r, 0, outs);
      const map = op.get('osd_map')!;
      assert.ok(map.epoch > before);
      assert.equal(map.osds.find((o) => o.osd === 3)!.in, 0, 'osd.3 is out in the map the module reads');
      const [r2, , outs2] = await op.mon_command({
        prefix: 'osd pool rm',
        pool: 'nosuch',
        pool2: 'nosuch',
        yes_i_really_really_mean_it: true,
      });
      assert.equal(r2, -2);
      assert.match(outs2, /nosuch/);
      await assert.doesNotReject(op.check_mon_command({ prefix: 'osd in', ids: ['3'] }));
      assert.equal(op.get('osd_map')!.osds.find((o) => o.osd === 3)!.in, 1);
    } finally {
      sim.stop();
      const report = await run.done;
      assert.ok(report.accepted > 0);
      assert.equal(store.lastSeq(), report.lastSeq, 'what was emitted is in the journal');
      await host.stop();
      await store.close();
    }
  });

  it('at --speed max, runs as fast as the fold takes its events and still answers commands', async (t) => {
    const store = Store.open(tempDir(t));
    // A wall clock that stands still: only the simulated cluster's own ticks can move stream time.
    const sim = liveSim({ osds: 30, seed: 3 }, Number.POSITIVE_INFINITY, () => 1_700_000_000_000);
    const host = await MgrHost.create({
      preloaded: [describeModule('operator', '<test>', Operator, null)],
      builtinModules: false,
      logger: createRootLogger({ file: '/dev/null' }),
      commander: sim.commander,
      clock: new StreamClock(Number.POSITIVE_INFINITY),
      store,
    });
    host.modules.use(['operator']);
    host.start();
    const run = runLiveSim({ sim, spec: 'sim:osds=30', store, host });
    try {
      await waitFor('two minutes of stream time', () => host.state.stamp >= sim.startMs + 120_000);
      assert.ok(Number.isFinite(await sim.madeUpTo()));
      const op = host.modules.instance<Operator>('operator')!;
      const [r, , outs] = await op.mon_command({ prefix: 'osd out', ids: ['3'] });
      assert.equal(r, 0, outs);
      assert.equal(op.get('osd_map')!.osds.find((o) => o.osd === 3)!.in, 0);
    } finally {
      sim.stop();
      const report = await run.done;
      assert.ok(report.accepted > 0);
      assert.equal(store.lastSeq(), report.lastSeq, 'what was emitted is in the journal');
      await host.stop();
      await store.close();
    }
  });

  it('at --speed max, makes no tick while the consumer holds its gate (memory stays bounded)', async () => {
    const sim = liveSim({ osds: 30, seed: 1 }, Number.POSITIVE_INFINITY, () => 0);
    let asked = 0;
    const held = new Promise<void>(() => {});
    const sub = sim.source(() => (++asked > 500 ? held : undefined)).subscribe(() => {});
    try {
      await waitFor('the gate to hold the source', () => asked > 500);
      // The cluster's thread may finish the ticks it was allowed ahead; then it stands.
      let at = await sim.madeUpTo();
      await waitFor('the cluster to stop making ticks', async () => {
        await new Promise((r) => setTimeout(r, 50));
        const now = await sim.madeUpTo();
        const still = now === at;
        at = now;
        return still;
      });
      for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await sim.madeUpTo(), at, 'the cluster waits for the consumer');
      assert.ok(at - sim.startMs < 600_000, 'and ran no further ahead than the queue it filled');
    } finally {
      sub.unsubscribe();
      sim.stop();
    }
  });

  it("fails the source with the reason when the cluster's thread fails, and answers commands rather than hang", async (t) => {
    const store = Store.open(tempDir(t));
    const sim = liveSim({ osds: 6, seed: 4, scenario: false }, 20);
    const host = await MgrHost.create({
      builtinModules: false,
      logger: createRootLogger({ file: '/dev/null' }),
      commander: sim.commander,
      store,
    });
    host.start();
    const run = runLiveSim({ sim, spec: 'sim:osds=6', store, host });
    try {
      await waitFor('the first OSD map', () => host.state.maps.osd_map !== undefined);
      // A write the cluster's code cannot take (no object name) throws on its thread.
      sim.commander.clientIo!({ pool: 1, oid: null as unknown as string, bytes: 1, objects: 1, written: 1 });
      await assert.rejects(run.done, (e: Error) => {
        assert.match(e.message, /the simulated cluster failed: .*null/);
        return true;
      });
      const r = await sim.commander.command({ type: 'mon', id: '' }, { prefix: 'osd out', ids: ['3'] }, '');
      assert.equal(r.retval, -constants.errno.ENOTCONN);
      assert.match(r.outs, /the simulated cluster failed/);
      // A commit under way when the source failed is published once it is durable: the modules see what the
      // journal holds.
      await waitFor('what was journaled to be published', () => host.state.seq === store.lastSeq());
    } finally {
      sim.stop();
      await host.stop();
      await store.close();
    }
  });

  it('stops cleanly: what was emitted is folded and journaled, and commands after it are answered', async (t) => {
    const store = Store.open(tempDir(t));
    const sim = liveSim({ osds: 60, seed: 6 }, Number.POSITIVE_INFINITY);
    const host = await MgrHost.create({
      builtinModules: false,
      logger: createRootLogger({ file: '/dev/null' }),
      commander: sim.commander,
      clock: new StreamClock(Number.POSITIVE_INFINITY),
      store,
    });
    host.start();
    const run = runLiveSim({ sim, spec: 'sim:osds=60', store, host });
    await waitFor('a minute of stream time', () => host.state.stamp >= sim.startMs + 60_000);
    sim.stop();
    const report = await run.done;
    assert.equal(store.lastSeq(), report.lastSeq);
    assert.equal(host.state.seq, report.lastSeq, 'every event emitted was folded and published');
    assert.ok(sim.clock() >= host.state.stamp, "the cluster's clock is at or past the published state");
    const r = await sim.commander.command({ type: 'mon', id: '' }, { prefix: 'osd out', ids: ['3'] }, '');
    assert.equal(r.retval, -constants.errno.ENOTCONN);
    assert.match(r.outs, /stopped/);
    await host.stop();
    await store.close();
  });
});
