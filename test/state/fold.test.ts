import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { parseTraceLine } from '../../src/ingest/parse-line.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { tableGet } from '../../src/state/keyed-table.ts';
import { ringItems } from '../../src/state/ring.ts';
import { readJsonl, WHOLE_TRACE } from '../helpers.ts';

const real = readJsonl<ClusterEvent>(WHOLE_TRACE);
const firstOsdMap = real.find((e) => e.kind === 'osd_map') as Extract<ClusterEvent, { kind: 'osd_map' }>;
const firstHealth = real.find((e) => e.kind === 'health')!;

function fold(state: ClusterState, ...events: object[]) {
  return foldBatch(
    state,
    events.map((e, i) => ({ event: e as ClusterEvent, ref: i })),
  );
}

function withOsdMap(): ClusterState {
  const r = fold(createEmptyState(), firstOsdMap, firstHealth);
  assert.equal(r.rejected.length, 0);
  return r.state;
}

const E = firstOsdMap.epoch;
const patch = (epoch: number, ops: object[], t = firstOsdMap.t + 1) => ({ kind: 'osd_map', t, epoch, patch: ops });

describe('the fold', () => {
  it('produces a frozen snapshot that shares untouched maps with the previous one', () => {
    const s1 = withOsdMap();
    const r = fold(
      s1,
      patch(E + 1, [
        { op: 'replace', path: '/epoch', value: E + 1 },
        { op: 'replace', path: '/osds/1/weight', value: 0.5 },
      ]),
    );
    assert.equal(r.rejected.length, 0);
    const s2 = r.state;
    assert.ok(Object.isFrozen(s2) && Object.isFrozen(s2.maps.osd_map!.map.osds[1]));
    assert.equal(s2.maps.osd_map!.map.osds[1]!.weight, 0.5);
    assert.equal(s1.maps.osd_map!.map.osds[1]!.weight, 1, 'the previous snapshot is untouched');
    assert.equal(s2.maps.health, s1.maps.health, 'an untouched map is the same object');
    assert.equal(s2.maps.osd_map!.map.osds[0], s1.maps.osd_map!.map.osds[0], 'untouched OSDs are shared');
    assert.equal(s2.maps.osd_map!.crush, s1.maps.osd_map!.crush, 'the CRUSH map stays when a patch carries none');
    assert.equal(s2.seq, 3);
  });

  it('applies add, remove, replace and test, including "-" to append to an array', () => {
    const r = fold(
      withOsdMap(),
      patch(E + 1, [
        { op: 'test', path: '/epoch', value: E },
        { op: 'replace', path: '/epoch', value: E + 1 },
        { op: 'add', path: '/flags_set/-', value: 'noout' },
        { op: 'add', path: '/new_field', value: { a: 1 } },
        { op: 'remove', path: '/cluster_snapshot' },
        { op: 'add', path: '/pools/0', value: { ...firstOsdMap.map!.pools[0]!, pool: 99, pool_name: 'x' } },
      ]),
    );
    assert.equal(r.rejected.length, 0, r.rejected[0]?.error.message);
    const m = r.state.maps.osd_map!.map as Record<string, unknown> & typeof firstOsdMap.map;
    assert.equal(m.flags_set!.at(-1), 'noout');
    assert.deepEqual(m.new_field, { a: 1 });
    assert.equal('cluster_snapshot' in m, false);
    assert.equal(m.pools[0]!.pool, 99);
    assert.equal(m.pools.length, firstOsdMap.map!.pools.length + 1);
  });

  const rejections: Array<[string, object, string, string]> = [
    [
      'a path that does not exist',
      patch(E + 1, [{ op: 'replace', path: '/osds/7/up', value: 0 }]),
      'MGR_ERR_FOLD_PATCH_PATH',
      'patch,0,path',
    ],
    [
      'an epoch gap',
      patch(E + 2, [{ op: 'replace', path: '/epoch', value: E + 2 }]),
      'MGR_ERR_FOLD_EPOCH_GAP',
      'epoch',
    ],
    [
      'a prototype segment',
      patch(E + 1, [{ op: 'add', path: '/constructor/x', value: 1 }]),
      'MGR_ERR_FOLD_PATCH_FORBIDDEN',
      'patch,0,path',
    ],
    [
      'a patch with no previous map',
      { kind: 'fs_map', t: 1, epoch: 2, patch: [] },
      'MGR_ERR_FOLD_PATCH_NO_BASE',
      'patch',
    ],
    [
      'a stale whole map',
      { ...firstOsdMap, epoch: E - 1, map: { ...firstOsdMap.map, epoch: E - 1 } },
      'MGR_ERR_FOLD_STALE_MAP',
      'epoch',
    ],
    [
      'a map whose epoch differs from the event',
      patch(E + 1, [{ op: 'replace', path: '/osds/0/weight', value: 1 }]),
      'MGR_ERR_FOLD_EPOCH_MISMATCH',
      'patch,epoch',
    ],
    [
      'a patch leaving an invalid map',
      patch(E + 1, [
        { op: 'replace', path: '/epoch', value: E + 1 },
        { op: 'remove', path: '/osds' },
      ]),
      'MGR_ERR_FOLD_INVALID_MAP',
      'patch,osds',
    ],
    [
      'a patch giving a field deep in the map the wrong type',
      patch(E + 1, [
        { op: 'replace', path: '/epoch', value: E + 1 },
        { op: 'replace', path: '/osds/1/up', value: 'yes' },
      ]),
      'MGR_ERR_FOLD_INVALID_MAP',
      'patch,osds,1,up',
    ],
    [
      'a patch adding an OSD without its required fields',
      patch(E + 1, [
        { op: 'replace', path: '/epoch', value: E + 1 },
        { op: 'add', path: '/osds/-', value: { osd: 9, weight: 1 } },
      ]),
      'MGR_ERR_FOLD_INVALID_MAP',
      `patch,osds,${firstOsdMap.map!.osds.length},up`,
    ],
    [
      'a failing test op',
      patch(E + 1, [{ op: 'test', path: '/epoch', value: 1 }]),
      'MGR_ERR_FOLD_PATCH_TEST',
      'patch,0,path',
    ],
  ];
  for (const [what, event, code, path] of rejections) {
    it(`rejects ${what} with ${code}, leaving the state as it was`, () => {
      const before = withOsdMap();
      // The bad event sits between two good ones; they are applied, it is not, even after ops that succeeded.
      const good1 = { kind: 'heartbeat', t: firstOsdMap.t + 1 };
      const good2 = { kind: 'heartbeat', t: firstOsdMap.t + 2 };
      const r = fold(before, good1, { ...event, t: firstOsdMap.t + 1 }, good2);
      assert.equal(r.rejected.length, 1);
      assert.equal(r.rejected[0]!.error.code, code);
      assert.equal(String(r.rejected[0]!.error.place.path), path);
      assert.equal(r.rejected[0]!.ref, 1);
      assert.deepEqual(
        r.accepted.map((a) => a.event.seq),
        [before.seq + 1, before.seq + 2],
      );
      assert.equal(r.state.maps, before.maps, 'no map changed');
      assert.equal(({} as Record<string, unknown>).x, undefined);
    });
  }

  it('accepts a whole map at the same epoch (a re-sent map) and replaces the current one', () => {
    const s = withOsdMap();
    const r = fold(s, { ...firstOsdMap, t: firstOsdMap.t + 5 });
    assert.equal(r.rejected.length, 0);
    assert.equal(r.state.maps.osd_map!.seq, s.seq + 1);
  });

  it('raises an event earlier than the one before to the stream clock and counts it', () => {
    const r = fold(createEmptyState(), { kind: 'heartbeat', t: 2000 }, { kind: 'heartbeat', t: 1000 });
    assert.equal(r.clockRaised, 1);
    assert.deepEqual(
      r.accepted.map((a) => a.event.t),
      [2000, 2000],
    );
    assert.equal(r.state.stamp, 2000);
  });

  it('with stopOnReject, folds nothing from the first rejected event on', () => {
    const s = withOsdMap();
    const r = foldBatch(
      s,
      [
        { event: { kind: 'heartbeat', t: firstOsdMap.t + 1 } as ClusterEvent, ref: 0 },
        { event: patch(E + 3, []) as ClusterEvent, ref: 1 },
        { event: { kind: 'heartbeat', t: firstOsdMap.t + 2 } as ClusterEvent, ref: 2 },
      ],
      { stopOnReject: true },
    );
    assert.equal(r.stoppedAt, 1);
    assert.equal(r.accepted.length, 1);
    assert.equal(r.state.seq, s.seq + 1);
  });

  it('keeps the last 20 samples of each counter, as Ceph does, with averages as [t, sum, count]', () => {
    let s = createEmptyState();
    for (let i = 1; i <= 25; i++) {
      s = fold(s, {
        kind: 'daemon_report',
        t: i * 1000,
        daemon: 'osd.0',
        counters: { 'osd.op_w': i, 'osd.op_w_latency': { avgcount: i, sum: i * 2 } },
      }).state;
    }
    const c = tableGet(s.daemons, 'osd.0')!.counters;
    assert.equal(ringItems(c['osd.op_w']!).length, 20);
    assert.deepEqual(ringItems(c['osd.op_w']!)[0], [6, 6]);
    assert.deepEqual(ringItems(c['osd.op_w_latency']!).at(-1), [25, 50, 25]);
  });

  it('rejects prototype-pollution paths already when the line is parsed', () => {
    const line = JSON.stringify(patch(E + 1, [{ op: 'add', path: '/a/__proto__/b', value: 1 }]));
    const r = parseTraceLine(line, 'x.jsonl', 7);
    assert.ok(r !== null && 'rejection' in r);
    assert.equal(r.rejection.code, 'MGR_ERR_TRACE_SCHEMA');
    assert.deepEqual(r.rejection.path, ['osd_map', 'patch', 0, 'path']);
  });
});
