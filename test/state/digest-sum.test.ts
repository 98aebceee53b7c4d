import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { DEFAULT_SCENARIO } from '../../src/sim/scenario.ts';
import { simulateEvents } from '../../src/sim/simulate-events.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { stateDigest } from '../../src/state/digest.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { fullDigestSum } from '../../src/state/full-digest-sum.ts';
import { hashOf } from '../../src/state/lane-hash.ts';
import { ringAppend, ringOf, ringRoll } from '../../src/state/ring.ts';
import { readJsonl, WHOLE_TRACE } from '../helpers.ts';

/** A small PRNG, so that the batch cuts are the same on every run. */
function cuts(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x;
  };
}

/**
 * Folds `events` in batches of random sizes and checks, at the end of every batch and after every event of some
 * batches (one event per batch), that the running sum the fold kept is the sum of the state's leaves added afresh.
 */
function foldChecking(events: readonly ClusterEvent[], seed: number): ClusterState[] {
  const next = cuts(seed);
  let state = createEmptyState();
  const states: ClusterState[] = [state];
  let i = 0;
  let checked = 0;
  while (i < events.length) {
    const n = next() % 5 === 0 ? 1 : 1 + (next() % 300);
    const batch = events.slice(i, i + n).map((event, k) => ({ event, ref: i + k }));
    const r = foldBatch(state, batch);
    assert.deepEqual(
      r.rejected.map((x) => x.error.message),
      [],
    );
    state = r.state;
    assert.deepEqual(state.digestSum, fullDigestSum(state), `the running sum at seq ${state.seq}`);
    assert.deepEqual(r.accepted.at(-1)?.sum, state.digestSum, 'the last event of a batch carries the batch sum');
    states.push(state);
    checked++;
    i += n;
  }
  assert.ok(checked > 5);
  return states;
}

const SIM = { osds: 12, hosts: 4, pgs: 128, duration: 70, statsPeriod: 2, seed: 11 } as const;

describe('the digest sum', () => {
  it('is kept by the fold as the sum of every leaf, over a simulated day of every step', () => {
    const scenario = [...DEFAULT_SCENARIO, 'mon-down', 'slow-ops'];
    const events = [...simulateEvents({ ...SIM, mons: 3, scenario } as never)];
    const kinds = new Set(events.map((e) => e.kind));
    for (const k of ['osd_map', 'pg_stats', 'daemon_report', 'clog', 'health', 'daemon_open'])
      assert.ok(kinds.has(k as never), `the trace has ${k}`);
    const states = foldChecking(events, 7);
    // Pools were created, split and deleted in the day: PGs left the table and the sums moved back.
    const pools = states.map((x) => Object.keys(x.pgStats.pgs));
    assert.ok(
      pools.some((held, k) => held.some((p) => pools.slice(k).some((later) => !later.includes(p)))),
      'a pool was deleted from the PG table',
    );
    assert.notEqual(states.at(-1)!.digestSum.join(), states[1]!.digestSum.join());
  });

  it('is the sum of every leaf over the recorded trace, config, sessions and patches included', () => {
    const events = readJsonl<ClusterEvent>(WHOLE_TRACE);
    foldChecking(events, 3);
    foldChecking(events, 99);
  });

  it('gives the same digest at every seq however the events were batched', () => {
    const events = readJsonl<ClusterEvent>(WHOLE_TRACE);
    const one = foldBatch(
      createEmptyState(),
      events.map((event, ref) => ({ event, ref })),
    );
    const byOne: string[] = [];
    let s = createEmptyState();
    for (const event of events) {
      s = foldBatch(s, [{ event, ref: 0 }]).state;
      byOne.push(s.digestSum.join());
    }
    assert.deepEqual(
      one.accepted.map((a) => a.sum.join()),
      byOne,
    );
    assert.equal(stateDigest(one.state), stateDigest(s));
  });

  it('changes with any leaf: a PG, a counter sample, a config value, the order of two daemons', () => {
    const events = readJsonl<ClusterEvent>(WHOLE_TRACE);
    const base = foldBatch(
      createEmptyState(),
      events.map((event, ref) => ({ event, ref })),
    ).state;
    const variants: ClusterEvent[] = [
      { kind: 'config', t: base.stamp, changes: [{ who: 'osd', name: 'osd_max_backfills', value: '2' }] },
      { kind: 'config', t: base.stamp, changes: [{ who: 'osd', name: 'osd_max_backfills', value: '3' }] },
      { kind: 'daemon_report', t: base.stamp, daemon: 'osd.0', counters: { 'osd.op_w': 1 } },
      { kind: 'daemon_report', t: base.stamp, daemon: 'osd.0', counters: { 'osd.op_w': 2 } },
      { kind: 'mon_session', t: base.stamp, state: 'down' },
    ] as ClusterEvent[];
    const digests = variants.map((e) => stateDigest(foldBatch(base, [{ event: e, ref: 0 }]).state));
    assert.equal(new Set(digests).size, digests.length, digests.join('\n'));
    for (const e of variants) {
      const s = foldBatch(base, [{ event: e, ref: 0 }]).state;
      assert.deepEqual(s.digestSum, fullDigestSum(s));
    }
    const open = (daemon: string) =>
      ({ kind: 'daemon_open', t: base.stamp, daemon, hostname: 'h', metadata: {} }) as ClusterEvent;
    const ab = foldBatch(base, [
      { event: open('mds.a'), ref: 0 },
      { event: open('mds.b'), ref: 1 },
    ]).state;
    const ba = foldBatch(base, [
      { event: open('mds.b'), ref: 0 },
      { event: open('mds.a'), ref: 1 },
    ]).state;
    assert.notEqual(stateDigest(ab), stateDigest(ba));
  });

  it("follows a history's items as they roll past its capacity", () => {
    let ring = ringOf<unknown>([]);
    for (let i = 0; i < 50; i++) {
      ring = ringAppend(ring, [i, i * 1.5], 20);
      const fresh = ringOf(ring.buf.slice(ring.start, ring.start + ring.length));
      assert.deepEqual(ringRoll(ring), ringRoll(fresh), `after ${i + 1} appends`);
    }
    assert.notDeepEqual(ringRoll(ringOf([[1], [2]])), ringRoll(ringOf([[2], [1]])), 'order counts');
  });

  it('hashes a value by its JSON: key order aside, as JSON writes numbers and leaves out undefined', () => {
    assert.deepEqual(hashOf({ a: 1, b: [2, null] }), hashOf({ b: [2, null], a: 1, c: undefined }));
    assert.deepEqual(hashOf(-0), hashOf(0));
    assert.deepEqual(hashOf(Number.NaN), hashOf(null));
    assert.notDeepEqual(hashOf(1), hashOf(1.5));
    assert.notDeepEqual(hashOf('1'), hashOf(1));
    assert.notDeepEqual(hashOf([1, 2]), hashOf([[1], 2]));
    assert.notDeepEqual(hashOf('ab'), hashOf('ba'));
    assert.notDeepEqual(hashOf(2 ** 40), hashOf(2 ** 40 + 1));
  });
});
