import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PgStat } from '../../schemas/daemon/index.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { finalState } from '../fixtures/final-state.ts';
import { type Expectation, FIXTURES, readJsonl, WHOLE_TRACE } from '../helpers.ts';

const real = JSON.parse(readFileSync(join(FIXTURES, 'accessors-3osd.json'), 'utf8')).get;
const events = readJsonl<ClusterEvent>(WHOLE_TRACE);
const firstOsdMap = events.find((e) => e.kind === 'osd_map') as Extract<ClusterEvent, { kind: 'osd_map' }>;
const aPgStat = (
  events.find((e) => e.kind === 'pg_stats' && e.pg_stats.length > 0) as Extract<ClusterEvent, { kind: 'pg_stats' }>
).pg_stats[0]!;

function fold(state: ClusterState, ...evs: object[]): ClusterState {
  const r = foldBatch(
    state,
    evs.map((e, i) => ({ event: e as ClusterEvent, ref: i })),
  );
  assert.deepEqual(
    r.rejected.map((x) => x.error.message),
    [],
  );
  return r.state;
}

const T0 = 1_800_000_000_000;

/** PG 2.0 (pool rbdpool of the trace's first OSD map) with the given counters, reported at `seq`. */
function pg(seq: number, sum: Partial<PgStat['stat_sum']>, pgid = '2.0'): PgStat {
  return { ...aPgStat, pgid, reported_epoch: 14, reported_seq: seq, stat_sum: { ...aPgStat.stat_sum, ...sum } };
}

const report = (t: number, ...stats: PgStat[]) => ({
  kind: 'pg_stats',
  t,
  reporter: 'osd.0',
  epoch: 14,
  pg_stats: stats,
});
const beat = (t: number) => ({ kind: 'heartbeat', t });

function base(): ClusterState {
  return fold(createEmptyState(), { ...firstOsdMap, t: T0 - 1 });
}

describe('I/O and recovery rates over the manager ticks', () => {
  it("average a change over the last six 2 s ticks, as the manager's PG map does, then fall to nothing", () => {
    let s = fold(base(), report(T0 + 10_000, pg(1, { num_write: 0, num_write_kb: 0 })));
    s = fold(s, report(T0 + 15_000, pg(2, { num_write: 600, num_write_kb: 1200 })), beat(T0 + 20_000));
    const status = new Accessors(() => s).get('pg_status');
    // Ticks at +12 (starting from all-zero sums: measures nothing, as in Ceph), +14 (nothing yet), +16 (the 600
    // writes), +18, +20: 8 s of window.
    assert.equal(status.write_op_per_sec, 75);
    assert.equal(status.write_bytes_sec, (1200 * 1024) / 8);
    assert.equal(status.read_op_per_sec, 0);
    assert.equal(status.read_bytes_sec, undefined, 'no reads, no read bandwidth');
    const io = new Accessors(() => s).get('io_rate').pg_stats_delta;
    assert.equal(io.stat_sum.num_write, 600);
    assert.equal(io.stamp_delta, '8.000000');
    const later = fold(s, beat(T0 + 30_000));
    const quiet = new Accessors(() => later).get('pg_status');
    assert.equal(quiet.write_op_per_sec, undefined, 'the window has moved past the writes');
    assert.equal(new Accessors(() => later).get('io_rate').pg_stats_delta.stamp_delta, '12.000000');
  });

  it('show recovery per pool and overall, and leave counters that went backwards out', () => {
    let s = fold(base(), report(T0 + 10_000, pg(1, { num_objects_recovered: 0, num_bytes_recovered: 0 })));
    s = fold(
      s,
      report(T0 + 12_500, pg(2, { num_objects_recovered: 120, num_bytes_recovered: 4_800 })),
      report(T0 + 12_600, pg(1, { num_read: 5, num_read_kb: 8 }, '2.1'), pg(3, { num_objects_recovered: 120 }, '2.0')),
      beat(T0 + 16_000),
    );
    const acc = new Accessors(() => s);
    const pool = acc.get('osd_pool_stats').pool_stats.find((p) => p.pool_id === 2)!;
    assert.equal(pool.pool_name, 'rbdpool');
    // The second report of 2.0 zeroes its bytes recovered: a negative delta counts as none.
    assert.deepEqual(pool.recovery_rate, {
      recovering_objects_per_sec: 30,
      recovering_bytes_per_sec: 0,
      recovering_keys_per_sec: 0,
      num_objects_recovered: 120,
      num_bytes_recovered: 0,
      num_keys_recovered: 0,
    });
    // Ticks at +12 (from zero sums: nothing measured), +14 (the changes), +16: 4 s. Ceph prints a bandwidth for
    // any op count, and truncates each rate: 5 reads, 8 KiB in all, in 4 s.
    assert.deepEqual(pool.client_io_rate, { read_bytes_sec: 2048, read_op_per_sec: 1, write_op_per_sec: 0 });
    assert.equal(acc.get('pg_status').recovering_objects_per_sec, 30);
    const other = acc.get('osd_pool_stats').pool_stats.find((p) => p.pool_id === 1)!;
    assert.deepEqual(other.recovery_rate, {});
  });

  it('ignore a report of a PG older than the one held, and PGs the OSD map does not have', () => {
    let s = fold(base(), report(T0 + 10_000, pg(5, { num_objects: 7 })));
    s = fold(s, report(T0 + 11_000, pg(4, { num_objects: 3 }), pg(1, { num_objects: 9 }, '2.1f'), pg(1, {}, '9.0')));
    const stats = new Accessors(() => s).get('pg_stats').pg_stats;
    assert.equal(stats.find((p) => p.pgid === '2.0')!.stat_sum.num_objects, 7, 'the newer report stays');
    assert.equal(
      stats.find((p) => p.pgid === '2.1f'),
      undefined,
      'rbdpool has 16 PGs',
    );
    assert.equal(s.pgStats.pgs['9'], undefined, 'there is no pool 9');
    assert.equal(stats.filter((p) => p.state === 'unknown').length, 16, 'the PGs nobody reported are unknown');
  });

  it("drop a deleted pool's PGs and their part of the sums", () => {
    let s = fold(base(), report(T0 + 10_000, pg(1, { num_objects: 7, num_bytes: 700 })));
    const map = s.maps.osd_map!.map;
    s = fold(s, {
      kind: 'osd_map',
      t: T0 + 11_000,
      epoch: map.epoch + 1,
      map: { ...map, epoch: map.epoch + 1, pools: map.pools.filter((p) => p.pool !== 2) },
    });
    assert.equal(s.pgStats.pgs['2'], undefined);
    assert.equal(s.pgStats.deltas.pools['2'], undefined);
    assert.equal(new Accessors(() => s).get('pg_dump').pg_stats_sum.stat_sum.num_objects, 0);
    assert.equal(s.pgStats.deltas.sum[1], 0, 'the running sum of num_objects is back to 0');
  });
});

describe('pg_dump, io_rate and osd_pool_stats on the recorded trace', () => {
  const state = finalState(WHOLE_TRACE);
  const acc = new Accessors(() => state);
  const byPgid = (a: readonly { pgid: string }[]) => [...a].sort((x, y) => (x.pgid < y.pgid ? -1 : 1));

  it("hold what real ceph-mgr's PG map held: every PG, pool, OSD and sum", () => {
    const ours = acc.get('pg_dump');
    // Ceph's order is its hash table's; ours is by pool and seed.
    assert.deepEqual(byPgid(ours.pg_stats), byPgid(real.pg_dump.pg_stats));
    assert.deepEqual(
      ours.pool_stats,
      [...real.pg_dump.pool_stats].sort((a, b) => a.poolid - b.poolid),
    );
    assert.deepEqual(
      ours.osd_stats,
      [...real.pg_dump.osd_stats].sort((a, b) => a.osd - b.osd),
    );
    assert.deepEqual(ours.pg_stats_sum, real.pg_dump.pg_stats_sum);
    assert.deepEqual(ours.osd_stats_sum, real.pg_dump.osd_stats_sum);
    assert.match(ours.stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/);
    assert.equal(acc.get('pg_dump'), ours, 'memoised');
  });

  it('recover at the rate real ceph-mgr measured: the same objects and bytes in the window', () => {
    const ours = acc.get('osd_pool_stats').pool_stats;
    const theirs = real.osd_pool_stats.pool_stats;
    assert.deepEqual(
      ours.map((p) => [p.pool_id, p.pool_name, p.recovery]),
      theirs.map((p: { pool_id: number; pool_name: string; recovery: object }) => [p.pool_id, p.pool_name, p.recovery]),
    );
    const window = (r: Record<string, number>) => [
      r.num_objects_recovered,
      r.num_bytes_recovered,
      r.num_keys_recovered,
    ];
    assert.deepEqual(window(ours[1]!.recovery_rate), window(theirs[1].recovery_rate));
    const io = acc.get('io_rate').pg_stats_delta;
    assert.deepEqual(io.stat_sum, real.io_rate.pg_stats_delta.stat_sum);
    assert.equal(io.stamp_delta, '12.000000', "six ticks (Ceph's was 12.017521 s: its ticks are not on the second)");
  });
});

describe('rates on the recorded trace, point by point', () => {
  it("print a rate where real ceph-mgr printed one, but for the points where the ticks' phase differs", (t) => {
    const expectations = readJsonl<Expectation>(WHOLE_TRACE.replace('.jsonl.gz', '.expect.jsonl.gz')).filter(
      (e) => e.name === 'pg_status',
    );
    const RATE = /_sec$|_recovered$/;
    const keys = (o: object) =>
      Object.keys(o)
        .filter((k) => RATE.test(k))
        .sort()
        .join(',');
    let state = createEmptyState();
    let seq = 0;
    let same = 0;
    for (const e of expectations) {
      const r = foldBatch(
        state,
        events.slice(seq, e.after_seq).map((event, ref) => ({ event, ref })),
      );
      state = r.state;
      seq = e.after_seq;
      if (keys(new Accessors(() => state).get('pg_status')) === keys(e.value as object)) same++;
    }
    t.diagnostic(`rate keys as real ceph-mgr's at ${same} of ${expectations.length} points`);
    // Ceph's ticks fall 2 s apart from its own start, ours on the stream clock's even seconds: at a point within a
    // tick of a change, one side has measured it and the other not yet (8 of the 70 points here).
    assert.ok(expectations.length >= 70);
    assert.ok(same / expectations.length >= 0.85, `${same} of ${expectations.length}`);
  });
});
