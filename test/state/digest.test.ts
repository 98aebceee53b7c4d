import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { stateDigest } from '../../src/entry/host.ts';
import { canonicalJson, writeCanonical } from '../../src/state/digest.ts';
import { stateParts, stateTop } from '../../src/state/state-parts.ts';
import { finalState } from '../fixtures/final-state.ts';
import { WHOLE_TRACE } from '../helpers.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('the state digest', () => {
  it('hashes the canonical JSON of the top and of each part’s content, the text written whole', () => {
    const state = finalState(WHOLE_TRACE);
    const parts = stateParts(state).map((p): [string, string] => [p.name, sha256(canonicalJson(p.content()))]);
    assert.deepEqual(
      parts.map(([name]) => name),
      parts.map(([name]) => name).sort(),
      'parts by name',
    );
    assert.ok(parts.some(([name]) => name.startsWith('pgs/')) && parts.some(([name]) => name === 'maps/osd_map'));
    assert.equal(stateDigest(state), sha256(canonicalJson({ top: { ...stateTop(state), format: 3 }, parts })));
    const odd = { x: [1, undefined, 'a"b', { z: 1, a: [null, 2.5e-7, -0] }], u: undefined, n: Number.NaN };
    let text = '';
    writeCanonical(odd, { update: (c: string) => (text += c) });
    assert.equal(text, canonicalJson(odd));
    assert.equal(text, '{"n":null,"x":[1,null,"a\\"b",{"a":[null,2.5e-7,0],"z":1}]}');
  });
});
