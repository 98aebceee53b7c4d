import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClogEntry } from '../../schemas/daemon/index.ts';
import { describeModule, MgrHost, Store, stateAt, stateDigest } from '../../src/entry/host.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrError, MgrModule, type NotifyType } from '../../src/index.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { connectSource } from '../../src/run/connect-source.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { ringItems } from '../../src/state/ring.ts';
import { tempDir, WHOLE_TRACE } from '../helpers.ts';

class Listener extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['clog'];
}

/** Logs one line to the cluster log for every OSD map it is told of. */
class MapLogger extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
  readonly logged: Promise<void>[] = [];
  notify(): void {
    this.logged.push(this.cluster_log('cluster', 'INFO', `saw osd map e${this.get('osd_map')?.epoch}`));
  }
}

/** Logs before any event, from serve(). */
class EarlyLogger extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  early: Promise<void> | undefined;
  serve(): void {
    this.early = this.cluster_log('cluster', MgrModule.ClusterLogPrio.INFO, 'module started');
  }
}

const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/;

const logLast = (host: MgrHost, ...words: Array<[string, unknown]>) =>
  host.commands.run(
    { prefix: 'log last', ...Object.fromEntries(words) },
    { entity: 'client.admin', caps: 'r', inbuf: '' },
  );

describe('cluster_log', () => {
  it('puts a clog entry of mgr.<id> into the stream: modules taking clog get it as notify_id, log last shows it', async () => {
    const h = await createModuleHarness<Listener>({ module: Listener, name: 'listener' });
    try {
      await h.replay(WHOLE_TRACE, 200);
      const traceEntries = h.cues.length;
      await h.module.cluster_log('cluster', MgrModule.ClusterLogPrio.WARN, 'pool "rbdpool" is nearly full');
      await h.module.cluster_log('audit', 'info', 'an audit line');
      await h.module.cluster_log('cluster', 'ERROR', 'something broke');
      await h.module.cluster_log('cluster', '[DBG]', 'a detail');
      await h.host.idle();
      const got = h.cues.slice(traceEntries).map((c) => ({ type: c.type, id: c.id as ClogEntry }));
      assert.deepEqual(
        got.map((c) => c.type),
        ['clog', 'clog', 'clog', 'clog'],
      );
      const first = got[0]!.id;
      assert.match(first.stamp, STAMP);
      // The instance comes from the monitors' audit lines about this manager's own commands (mgr.4143 in the trace).
      assert.deepEqual(
        { ...first, stamp: '' },
        {
          name: 'mgr.x',
          rank: 'mgr.4143',
          stamp: '',
          seq: 1,
          channel: 'cluster',
          priority: '[WRN]',
          message: 'pool "rbdpool" is nearly full',
        },
      );
      assert.deepEqual(
        got.map((c) => [c.id.seq, c.id.channel, c.id.priority]),
        [
          [1, 'cluster', '[WRN]'],
          [2, 'audit', '[INF]'],
          [3, 'cluster', '[ERR]'],
          [4, 'cluster', '[DBG]'],
        ],
      );
      assert.deepEqual(ringItems(h.state.clog).at(-1), got[3]!.id, 'the entry is in the state as it was notified');

      const [r, out] = await logLast(h.host, ['num', 2]);
      assert.equal(r, 0);
      const lines = out.split('\n');
      assert.equal(lines.length, 2);
      // The audit entry is on another channel and the debug one below the default level.
      assert.equal(lines[0], `${first.stamp} mgr.x (mgr.4143) 1 : cluster [WRN] pool "rbdpool" is nearly full`);
      assert.equal(lines[1], `${got[2]!.id.stamp} mgr.x (mgr.4143) 3 : cluster [ERR] something broke`);
      assert.deepEqual(await logLast(h.host, ['num', 1], ['level', 'warn']), [
        0,
        `${got[2]!.id.stamp} mgr.x (mgr.4143) 3 : cluster [ERR] something broke`,
        '',
      ]);
      const [, debug] = await logLast(h.host, ['num', 1], ['level', 'debug']);
      assert.match(debug, /mgr\.x \(mgr\.4143\) 4 : cluster \[DBG\] a detail$/);
      const [, audit] = await logLast(h.host, ['num', 1], ['channel', 'audit']);
      assert.match(audit, /mgr\.x \(mgr\.4143\) 2 : audit \[INF\] an audit line$/);
      const [, all] = await logLast(h.host, ['level', 'debug'], ['channel', '*'], ['format', 'json']);
      const parsed = JSON.parse(all) as ClogEntry[];
      assert.equal(parsed.length, 20);
      assert.deepEqual(parsed.at(-1), got[3]!.id);
    } finally {
      await h.stop();
    }
  });

  it('throws at once on a bad priority or channel, with a stable code', async () => {
    const h = await createModuleHarness<Listener>({ module: Listener, name: 'listener' });
    try {
      for (const [channel, priority] of [
        ['cluster', 'LOUD'],
        ['cluster', 7],
        ['two words', 'INFO'],
      ] as const) {
        assert.throws(
          () => h.module.cluster_log(channel, priority as never, 'x'),
          (e: unknown) => e instanceof MgrError && e.code === 'MGR_ERR_CLUSTER_LOG_ARGS' && e.errno === 22,
        );
      }
      assert.equal(h.state.clog.length, 0);
    } finally {
      await h.stop();
    }
  });

  it("is journaled between the replay's batches, the trace's cursor untouched, and after the source ended", async (t) => {
    const store = Store.open(tempDir(t));
    const host = await MgrHost.create({
      preloaded: [describeModule('maplogger', '<test>', MapLogger, null)],
      builtinModules: false,
      logger: createRootLogger({ file: '/dev/null' }),
      store,
    });
    try {
      host.modules.use(['maplogger']);
      host.start();
      const { summary } = await replayTrace({ trace: WHOLE_TRACE, store, host });
      const mod = host.modules.instance<MapLogger>('maplogger')!;
      await Promise.all(mod.logged);
      assert.equal(mod.logged.length, 33);
      assert.equal(summary.events.accepted, 647, 'the trace lines alone');
      assert.equal(summary.total.lines, 647);

      const journal = [...store.events(0)];
      assert.deepEqual(
        journal.map((e) => e.seq),
        journal.map((_, i) => i + 1),
        'one sequence, no seq used twice',
      );
      const ours = journal.filter((e) => e.kind === 'clog' && e.entry.name === 'mgr.x');
      assert.equal(ours.length, 33);
      assert.deepEqual(
        ours.map((e) => (e.kind === 'clog' ? e.entry.seq : 0)),
        ours.map((_, i) => i + 1),
      );
      assert.equal(stateDigest(stateAt(store)), stateDigest(host.state), 'recovery finds what the host published');

      assert.equal(host.liveness.connected, false, 'the source ended');
      const entry = await host.clusterLog('cluster', 'WARN', 'after the end');
      assert.equal(entry.seq, 34);
      assert.deepEqual(ringItems(stateAt(store).clog).at(-1), entry);
      assert.equal(host.state.seq, journal.length + 1);
      assert.equal(host.liveness.connected, false, 'our own entry is no news from the monitors');
    } finally {
      await host.stop();
      await store.close();
    }
  });

  it('waits for the stream when a module logs before any source, then is journaled', async (t) => {
    const store = Store.open(tempDir(t));
    const host = await MgrHost.create({
      preloaded: [describeModule('early', '<test>', EarlyLogger, null)],
      builtinModules: false,
      logger: createRootLogger({ file: '/dev/null' }),
      store,
    });
    try {
      host.modules.use(['early']);
      host.start();
      const mod = host.modules.instance<EarlyLogger>('early')!;
      assert.notEqual(mod.early, undefined);
      await new Promise((r) => setImmediate(r));
      assert.equal(store.lastSeq(), 0, 'nothing is written before the stream is there');
      void connectSource({ store, host });
      await mod.early;
      assert.equal(store.lastSeq(), 1);
      const e = ringItems(stateAt(store).clog)[0]!;
      assert.deepEqual(
        [e.name, e.rank, e.seq, e.priority, e.message],
        ['mgr.x', 'mgr.?', 1, '[INF]', 'module started'],
      );
    } finally {
      await host.stop();
      await store.close();
    }
  });
});
