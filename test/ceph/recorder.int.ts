import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Store } from '../../src/store/store.ts';
import { BIN, ROOT, runCli, stopProcess } from '../helpers.ts';
import { CephCluster, cephMissing, waitUntil } from './cluster.ts';

// Real Ceph, started by the test in a temporary folder: the recorder inside the real ceph-mgr, a scenario against
// the cluster, then what mgrkit makes of the recording (replayed, and followed live) against what `ceph` prints.

const missing = cephMissing();
if (missing) console.log(`# skipping the real-cluster tests: ${missing}`);

const STATS_PERIOD = '1';

interface PgStat {
  pg_summary: { num_pg_by_state: Array<{ name: string; num: number }>; num_pgs: number };
}

type Json = Record<string, unknown>;

/** `mgrkit get NAME --db DB` parsed; `health`/`mon_status` come as ceph-mgr gives them, `{json: text}`. */
async function mgrkitGet(db: string, name: string): Promise<Json> {
  const r = await runCli(['get', name, '--db', db, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout) as Json;
  return typeof v.json === 'string' ? (JSON.parse(v.json) as Json) : v;
}

/** The PG state counts `ceph pg stat` prints. */
function pgStatCounts(s: PgStat): Record<string, number> {
  return Object.fromEntries(s.pg_summary.num_pg_by_state.map((x) => [x.name, x.num]));
}

/** What the cluster prints now, for the four maps and the PG states. */
async function cliView(c: CephCluster) {
  const [osdMap, crush, monMap, health, pgStat] = await Promise.all([
    c.cephJson<Json>('osd', 'dump'),
    c.cephJson<Json>('osd', 'crush', 'dump'),
    c.cephJson<Json>('mon', 'dump'),
    c.cephJson<Json>('health', 'detail'),
    c.cephJson<PgStat>('pg', 'stat'),
  ]);
  // `ceph mon dump` adds the quorum (from the monitors' status) to the map; get('mon_map') is the map alone.
  const { quorum: _quorum, ...monMapAlone } = monMap;
  return { osdMap, crush, monMap: monMapAlone, health, pgs: pgStatCounts(pgStat) };
}

async function recorderStatus(c: CephCluster): Promise<Json> {
  return JSON.parse(await c.ceph('mgrkit_recorder', 'status')) as Json;
}

/** Waits until the cluster prints the same view twice, `gapMs` apart, with every PG active+clean. */
async function settled(c: CephCluster, gapMs = 3000) {
  return waitUntil(
    'the cluster to settle',
    async () => {
      const a = await cliView(c);
      if (Object.keys(a.pgs).some((s) => s !== 'active+clean')) return undefined;
      // A real cluster has no clock of ours to drive: settled means no change over a wall-clock gap.
      await new Promise((r) => setTimeout(r, gapMs));
      const b = await cliView(c);
      return JSON.stringify(a) === JSON.stringify(b) ? b : undefined;
    },
    180_000,
    1000,
  );
}

describe('the recorder in a real ceph-mgr', { skip: missing ?? false }, () => {
  let dir: string;
  let cluster: CephCluster;
  const trace = () => join(dir, 'recording', 'cluster.jsonl');
  const started = Date.now();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mgrkit-ceph-'));
    cluster = await CephCluster.start(join(dir, 'cluster'), {
      recorder: trace(),
      recorderOptions: { stats_period: STATS_PERIOD },
    });
    await waitUntil('the recorder to write', async () => {
      const s = await recorderStatus(cluster);
      return (s.events_written as number) > 0 ? s : undefined;
    });
  });

  after(async () => {
    await cluster?.stop();
    console.log(`# real-cluster suite: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a scenario (pool, rados bench, out/in, an OSD stopped and started, noout) replays to what ceph prints', async () => {
    await cluster.ceph('osd', 'pool', 'create', 'bench', '16', '16');
    await cluster.ceph('osd', 'pool', 'application', 'enable', 'bench', 'rados');
    await cluster.rados('-p', 'bench', 'bench', '2', 'write', '-b', '4096', '-t', '2', '--no-cleanup');
    await cluster.ceph('osd', 'out', '1');
    await waitUntil('osd.1 out', async () => {
      const d = await cluster.cephJson<{ osds: Array<{ osd: number; in: number }> }>('osd', 'dump');
      return d.osds.find((o) => o.osd === 1)?.in === 0 ? true : undefined;
    });
    await cluster.ceph('osd', 'in', '1');
    await cluster.stopDaemon('osd.2');
    await waitUntil('osd.2 down', async () => {
      const d = await cluster.cephJson<{ osds: Array<{ osd: number; up: number }> }>('osd', 'dump');
      return d.osds.find((o) => o.osd === 2)?.up === 0 ? true : undefined;
    });
    await cluster.startDaemon('osd.2');
    await waitUntil('osd.2 up', async () => {
      const d = await cluster.cephJson<{ osds: Array<{ osd: number; up: number }> }>('osd', 'dump');
      return d.osds.find((o) => o.osd === 2)?.up === 1 ? true : undefined;
    });
    await cluster.ceph('osd', 'set', 'noout');
    await cluster.ceph('osd', 'unset', 'noout');

    const statsPeriods = async () => ((await recorderStatus(cluster)).per_stats_period as { count: number }).count;
    const view = await settled(cluster);
    // The recorder writes PG stats every stats period: two periods after a quiet view, that view is in the file.
    const periodsBefore = await statsPeriods();
    await waitUntil('two stats periods after the quiet view', async () =>
      (await statsPeriods()) >= periodsBefore + 2 ? true : undefined,
    );
    const status = await recorderStatus(cluster);
    console.log(`# recorder status: ${JSON.stringify(status)}`);
    assert.equal(status.drops, 0);
    assert.equal(status.write_errors, 0);

    const db = join(dir, 'replay');
    const replay = await runCli(['replay', trace(), '--db', db, '--strict', '--json']);
    assert.equal(replay.code, 0, replay.stderr);
    const summary = JSON.parse(replay.stdout) as { events: { accepted: number; rejected: number } };
    assert.equal(summary.events.rejected, 0);
    assert.ok(summary.events.accepted > 50, `only ${summary.events.accepted} events`);

    assert.deepEqual(await mgrkitGet(db, 'osd_map'), view.osdMap);
    assert.deepEqual(await mgrkitGet(db, 'osd_map_crush'), view.crush);
    assert.deepEqual(await mgrkitGet(db, 'mon_map'), view.monMap);
    assert.deepEqual(await mgrkitGet(db, 'health'), view.health);
    const summaryView = (await mgrkitGet(db, 'pg_summary')) as { all: Record<string, number> };
    assert.deepEqual(summaryView.all, view.pgs);
    // The scenario made every OSD map epoch from the first recorded one to the last, and the recording has each.
    const store = Store.open(db);
    try {
      const epochs = [...store.events(0)]
        .filter((e) => e.kind === 'osd_map')
        .map((e) => (e as { epoch: number }).epoch);
      assert.equal(epochs.at(-1), view.osdMap.epoch);
      assert.deepEqual(
        epochs,
        epochs.map((_, n) => epochs[0]! + n),
      );
    } finally {
      await store.close();
    }
  });

  it('followed live with mgrkit run --source listen: a module gets each osd_map epoch in order within a second; a stopped mon turns have_mon_connection() false, then true', async () => {
    const db = join(dir, 'live');
    const sock = join(dir, 'recorder.sock');
    const seen = join(dir, 'seen.jsonl');
    const daemon: ChildProcess = spawn(
      process.execPath,
      [
        BIN,
        'run',
        '--source',
        `listen:${sock}`,
        '--db',
        db,
        '--socket',
        join(dir, 'mgrkit.sock'),
        '--module-path',
        join(ROOT, 'test', 'ceph', 'modules'),
        '--modules',
        'ceph_watch',
        '--set',
        `mgr/ceph_watch/file=${seen}`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    daemon.stderr?.on('data', (d) => {
      stderr += d;
    });
    try {
      await waitUntil('mgrkit to listen', async () => (existsSync(sock) ? true : undefined), 30_000, 100);
      await cluster.ceph('config', 'set', 'mgr', 'mgr/mgrkit_recorder/output', `listen:${sock}`);
      const read = () =>
        existsSync(seen)
          ? readFileSync(seen, 'utf8')
              .split('\n')
              .filter((l) => l !== '')
              .map((l) => JSON.parse(l) as Json)
          : [];
      const first = (await cluster.cephJson<{ epoch: number }>('osd', 'dump')).epoch;
      await waitUntil(
        'the current epoch in mgrkit',
        async () => (read().some((e) => e.kind === 'osd_map' && e.epoch === first) ? true : undefined),
        30_000,
        100,
      );

      for (const cmd of [
        ['osd', 'out', '0'],
        ['osd', 'in', '0'],
        ['osd', 'set', 'noout'],
        ['osd', 'unset', 'noout'],
        ['osd', 'pool', 'create', 'live', '8', '8'],
        ['osd', 'set', 'noscrub'],
        ['osd', 'unset', 'noscrub'],
      ]) {
        await cluster.ceph(...cmd);
      }
      const last = (await cluster.cephJson<{ epoch: number }>('osd', 'dump')).epoch;
      await waitUntil(
        `epoch ${last} in mgrkit`,
        async () => (read().some((e) => e.kind === 'osd_map' && e.epoch === last) ? true : undefined),
        30_000,
        100,
      );
      const cues = read().filter((e) => e.kind === 'osd_map' && (e.epoch as number) > first);
      const epochs = cues.map((e) => e.epoch as number);
      assert.deepEqual(
        epochs,
        Array.from({ length: last - first }, (_, n) => first + 1 + n),
        'one cue per epoch, in order',
      );
      const lags = cues.map((e) => (e.at as number) - Date.parse(e.modified as string));
      console.log(`# osd_map cue after the epoch was made, ms: ${lags.join(', ')}`);
      for (const lag of lags) assert.ok(lag < 1000, `a cue ${lag} ms after its epoch`);

      // The monitor away for 30 s: the recorder sees the session go and come back, and says so.
      const stoppedAt = Date.now();
      await cluster.stopDaemon('mon.a');
      await waitUntil(
        'have_mon_connection() false',
        async () =>
          read().some((e) => e.kind === 'mon' && e.connected === false && (e.at as number) >= stoppedAt)
            ? true
            : undefined,
        30_000,
        100,
      );
      const falseAt = read().find((e) => e.kind === 'mon' && e.connected === false && (e.at as number) >= stoppedAt)!
        .at as number;
      console.log(`# have_mon_connection() false ${falseAt - stoppedAt} ms after the mon stopped`);
      // What is under test is a real monitor staying away for 30 s: only the wall clock can measure that out.
      await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - stoppedAt))));
      const during = read().filter((e) => e.kind === 'mon' && (e.at as number) >= falseAt);
      assert.deepEqual(
        during.map((e) => e.connected),
        [false],
        'still false while the mon is away',
      );
      const startedAt = Date.now();
      await cluster.startDaemon('mon.a');
      await waitUntil(
        'have_mon_connection() true again',
        async () =>
          read().some((e) => e.kind === 'mon' && e.connected === true && (e.at as number) >= startedAt)
            ? true
            : undefined,
        60_000,
        100,
      );
      const trueAt = read().find((e) => e.kind === 'mon' && e.connected === true && (e.at as number) >= startedAt)!
        .at as number;
      console.log(`# have_mon_connection() true ${trueAt - startedAt} ms after the mon started`);
      const status = await recorderStatus(cluster);
      console.log(`# recorder status: ${JSON.stringify(status)}`);

      // Every event the recorder streamed was accepted, and the journal has each epoch once, in order.
      await stopProcess(daemon);
      const log = readFileSync(join(db, 'mgr.log'), 'utf8');
      assert.ok(!log.includes('"msg":"bad event"'), 'a streamed event was rejected (see mgr.log)');
      const store = Store.open(db);
      try {
        const journaled = [...store.events(0)]
          .filter((e) => e.kind === 'osd_map')
          .map((e) => (e as { epoch: number }).epoch);
        const fromFirst = journaled.filter((e) => e >= first);
        assert.deepEqual(
          fromFirst,
          fromFirst.map((_, n) => first + n),
        );
        assert.ok((fromFirst.at(-1) ?? 0) >= last, `the journal ends at epoch ${fromFirst.at(-1)}`);
      } finally {
        await store.close();
      }
    } finally {
      await stopProcess(daemon);
      if (stderr.includes('Error')) console.log(stderr);
    }
  });
});
