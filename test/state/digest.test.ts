import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { stateDigest } from '../../src/entry/host.ts';
import { simulateEvents } from '../../src/sim/simulate-events.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { canonicalJson, writeCanonical } from '../../src/state/digest.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { fullDigestSum } from '../../src/state/full-digest-sum.ts';
import { lanesHex } from '../../src/state/lane-hash.ts';
import { partLeaf, type StatePart, stateParts } from '../../src/state/state-parts.ts';
import { finalState } from '../fixtures/final-state.ts';
import { WHOLE_TRACE } from '../helpers.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('the state digest', () => {
  it('is sha-256 of the canonical JSON of the format, seq, stream clock and the sum of the leaves’ hashes', () => {
    const state = finalState(WHOLE_TRACE);
    const sum = fullDigestSum(state);
    assert.deepEqual(state.digestSum, sum);
    assert.equal(
      stateDigest(state),
      sha256(`{"format":4,"seq":${state.seq},"stamp":${state.stamp},"sum":"${lanesHex(sum)}"}`),
    );
    assert.equal(lanesHex([1, 0xabcdef, 0xffffffff, 16]), '0000000100abcdefffffffff00000010');
  });

  it('keys a stored part by sha-256 of its canonical JSON (a PG part’s JSON text), the text written whole', () => {
    const state = finalState(WHOLE_TRACE);
    const leaf = (p: StatePart) =>
      sha256(p.name.startsWith('pgs/') ? JSON.stringify(p.content()) : canonicalJson(p.content()));
    const parts = stateParts(state).map((p): [string, string] => [p.name, leaf(p)]);
    assert.deepEqual(
      parts.map(([name]) => name),
      parts.map(([name]) => name).sort(),
      'parts by name',
    );
    assert.ok(parts.some(([name]) => name.startsWith('pgs/')) && parts.some(([name]) => name === 'maps/osd_map'));
    // A simulated cluster's PG stats have their keys out of order: their leaf is of their text, keys as they came.
    const sim = foldBatch(
      createEmptyState(),
      [...simulateEvents({ osds: 4, duration: 30, pgs: 32, seed: 5 })].map((event, ref) => ({ event, ref })),
    ).state;
    const pg = stateParts(sim).find((p) => p.name.startsWith('pgs/'))!;
    assert.notEqual(JSON.stringify(pg.content()), canonicalJson(pg.content()));
    assert.equal(partLeaf(pg), sha256(JSON.stringify(pg.content())));
    const odd = { x: [1, undefined, 'a"b', { z: 1, a: [null, 2.5e-7, -0] }], u: undefined, n: Number.NaN };
    let text = '';
    writeCanonical(odd, { update: (c: string) => (text += c) });
    assert.equal(text, canonicalJson(odd));
    assert.equal(text, '{"n":null,"x":[1,null,"a\\"b",{"a":[null,2.5e-7,0],"z":1}]}');
  });
});
