import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { Store, stateDigest } from '../../src/entry/host.ts';
import { simulateEvents } from '../../src/sim/simulate-events.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { chunkOf, TABLE_CHUNKS, tableEntries, tableGet, tableRecord } from '../../src/state/keyed-table.ts';
import { ringAppend, ringItems } from '../../src/state/ring.ts';
import { readJsonl, tempDir, WHOLE_TRACE } from '../helpers.ts';

function foldAll(s: ClusterState, evs: readonly ClusterEvent[], batch: number, each?: (s: ClusterState) => void) {
  for (let i = 0; i < evs.length; i += batch) {
    s = foldBatch(
      s,
      evs.slice(i, i + batch).map((event, ref) => ({ event, ref })),
    ).state;
    each?.(s);
  }
  return s;
}

/** The digest at every seq, hashed: [last seq, hash of "seq:digest" lines, last digest]. */
function perSeqDigests(evs: readonly ClusterEvent[], batch: number): [number, string, string] {
  const h = createHash('sha256');
  const s = foldAll(createEmptyState(), evs, batch, (s) => h.update(`${s.seq}:${stateDigest(s)}\n`));
  return [s.seq, h.digest('hex'), stateDigest(s)];
}

/** A simulated cluster with each cluster log entry sent 11 times: the log and the counters wrap their histories. */
function flood(): ClusterEvent[] {
  return [...simulateEvents({ osds: 4, duration: 600, pgs: 32, seed: 5 })].flatMap((e): ClusterEvent[] =>
    e.kind === 'clog'
      ? Array.from({ length: 11 }, (_, k) => ({ ...e, entry: { ...e.entry, seq: e.entry.seq * 100 + k } }))
      : [e],
  );
}

describe('the chunked state layout', () => {
  it('gives the reference digests at every seq (recomputed when the digest became a hash of parts, when PG parts were hashed as their JSON text, and when it became a sum of leaf hashes)', () => {
    assert.deepEqual(perSeqDigests(readJsonl<ClusterEvent>(WHOLE_TRACE), 1), [
      647,
      '5a90f8b7c8635f39fcec76efdde9969c9d9c1070e3b67158212dcb46be92209e',
      '63c655345df56da5f9921fdbc878200c69a75e7db24b68fd11b6e95eccf45eae',
    ]);
    assert.deepEqual(perSeqDigests(flood(), 3), [
      // Recomputed when the simulated monitors began to report (363 more events: 3 opens, 120 periods of 3 reports),
      // when the simulated OSDs' reports gained BlueStore's counters, and when they gained per-pool statfs and client
      // writes became mostly overwrites (a twentieth of the bytes written is new data, a tenth of what it was): fewer
      // objects written while PGs are degraded, so 17 fewer health updates of the degraded count and their 17 log
      // lines (each repeated 11 times here), 204 fewer events; when the objects began to follow the bytes (a new
      // object once a PG's data passes its last one's 4 MiB, where the rounding had left nearly every write without
      // one) and the clients stopped writing to pools made after the start: more objects written while PGs are
      // degraded, so 17 more updates of PG_DEGRADED's degraded count and their 17 log lines, 204 more events; and when
      // inactive and undersized PGs began to count only once stuck for mon_pg_stuck_threshold (60 s), as Ceph's PGMap
      // counts them: 8 fewer health updates and 36 fewer log lines of them, 404 fewer events.
      2315,
      '3d35c205c48eeeaef6c70633f371023b1da6f08bda5c843eff455eca7305109a',
      'fac0952abce86703bb33542a1d93ad317a0803f074ff3f3e147f14c7f167817c',
    ]);
  });

  it('keeps a ring window per snapshot: an older snapshot never sees a later append, a fork copies', () => {
    const seen = [ringAppend(undefined, 0, 4)];
    for (let i = 1; i < 20; i++) seen.push(ringAppend(seen.at(-1), i, 4));
    seen.forEach((ring, i) => {
      assert.deepEqual(
        ringItems(ring),
        Array.from({ length: Math.min(i + 1, 4) }, (_, k) => i - Math.min(i, 3) + k),
      );
      assert.ok(Object.isFrozen(ring) && Object.isFrozen(ringItems(ring)));
    });
    const a = ringAppend(seen[10], 100, 4);
    const b = ringAppend(seen[10], 200, 4);
    assert.deepEqual(ringItems(a), [8, 9, 10, 100]);
    assert.deepEqual(ringItems(b), [8, 9, 10, 200]);
    const frozen = Object.freeze({ ...seen[5]!, buf: Object.freeze([...seen[5]!.buf]) });
    assert.deepEqual(ringItems(ringAppend(frozen, 7, 4)), [3, 4, 5, 7]);
  });

  it('keeps daemons in the order they came, copies only the chunks a batch touches, and forks cleanly', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `osd.${(i * 7919) % 1000}`);
    const open = names.map((daemon, i) => ({ kind: 'daemon_open', t: i, daemon, hostname: 'h', metadata: {} }));
    const s = foldAll(createEmptyState(), open as ClusterEvent[], 64);
    assert.deepEqual(Object.keys(tableRecord(s.daemons)), names);
    assert.equal(s.daemons.size, 1000);
    const report = { kind: 'daemon_report', t: 2000, daemon: 'osd.5', counters: { 'osd.op_w': 1 } } as ClusterEvent;
    const next = foldAll(s, [report], 1);
    const changed = next.daemons.chunks.filter((c, i) => c !== s.daemons.chunks[i]);
    assert.equal(changed.length, 1);
    assert.equal(s.daemons.chunks.length, TABLE_CHUNKS);
    assert.deepEqual(ringItems(tableGet(next.daemons, 'osd.5')!.counters['osd.op_w']!), [[2, 1]]);
    assert.equal(tableGet(s.daemons, 'osd.5')!.counters['osd.op_w'], undefined);
    assert.deepEqual(
      tableEntries(next.daemons).map(([n]) => n),
      names,
    );
  });

  it('sees within one batch what the batch set earlier in the same chunk', () => {
    const first = 'osd.1';
    const second = Array.from({ length: 5000 }, (_, i) => `osd.${i + 2}`).find((n) => chunkOf(n) === chunkOf(first))!;
    const s0 = foldAll(
      createEmptyState(),
      [{ kind: 'daemon_open', t: 1, daemon: 'osd.9', hostname: 'h', metadata: {} } as ClusterEvent],
      1,
    );
    const osdStat = readJsonl<ClusterEvent>(WHOLE_TRACE).find((e) => e.kind === 'pg_stats' && e.osd_stat)!;
    const batch = [
      { kind: 'daemon_open', t: 2, daemon: first, hostname: 'a', metadata: {} },
      { kind: 'daemon_open', t: 3, daemon: second, hostname: 'b', metadata: {} },
      { kind: 'daemon_report', t: 4, daemon: first, counters: { x: 1 } },
      { kind: 'daemon_report', t: 5, daemon: first, counters: { x: 2 } },
      { kind: 'daemon_close', t: 6, daemon: second },
      { ...osdStat, t: 7, reporter: first, pg_stats: [] },
      { ...osdStat, t: 8, reporter: first, pg_stats: [], osd_stat: undefined },
    ] as ClusterEvent[];
    const r = foldBatch(
      s0,
      batch.map((event, ref) => ({ event, ref })),
    );
    assert.deepEqual(r.rejected, []);
    const d = tableRecord(r.state.daemons);
    assert.deepEqual(Object.keys(d), ['osd.9', first, second]);
    assert.deepEqual([d[first]!.hostname, d[second]!.hostname, d[second]!.open], ['a', 'b', false]);
    assert.deepEqual(ringItems(d[first]!.counters.x!), [
      [0.004, 1],
      [0.005, 2],
    ]);
    const rep = tableGet(r.state.pgStats.reporters, first)!;
    assert.equal(rep.stamp, 8);
    assert.deepEqual(rep.osdStat, (osdStat as { osd_stat: unknown }).osd_stat);
    assert.ok(Object.isFrozen(r.state.daemons.chunks[chunkOf(first)]));
  });

  it('stores and recovers the chunked layout: frozen, the same digest, folding on as the state it was', async (t) => {
    const evs = flood();
    const half = foldAll(createEmptyState(), evs.slice(0, 1200), 50);
    const dir = tempDir(t);
    const store = Store.open(dir);
    try {
      await store.commit({
        events: foldBatch(
          createEmptyState(),
          evs.slice(0, 1200).map((event, ref) => ({ event, ref })),
        ).accepted.map((a) => a.event),
        snapshot: half,
      });
      const back = store.snapshotAtOrBefore(half.seq)!;
      assert.notEqual(back, half);
      assert.equal(stateDigest(back), stateDigest(half));
      assert.ok(Object.isFrozen(back.clog.buf) && Object.isFrozen(back.daemons.chunks));
      const rest = evs.slice(1200);
      const digests = (s0: ClusterState) => {
        const out: string[] = [];
        foldAll(s0, rest, 7, (s) => out.push(stateDigest(s)));
        return out;
      };
      assert.deepEqual(digests(back), digests(half));
    } finally {
      await store.close();
    }
  });
});
