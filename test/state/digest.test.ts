import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { stateDigest } from '../../src/entry/host.ts';
import { canonicalJson, writeCanonical } from '../../src/state/digest.ts';
import { logicalState } from '../../src/state/logical-state.ts';
import { finalState } from '../fixtures/final-state.ts';
import { WHOLE_TRACE } from '../helpers.ts';

describe('the state digest', () => {
  it('hashes the canonical JSON fed in chunks, the same text as written whole', () => {
    const state = finalState(WHOLE_TRACE);
    assert.equal(
      stateDigest(state),
      createHash('sha256')
        .update(canonicalJson(logicalState(state)))
        .digest('hex'),
    );
    const odd = { x: [1, undefined, 'a"b', { z: 1, a: [null, 2.5e-7, -0] }], u: undefined, n: Number.NaN };
    let text = '';
    writeCanonical(odd, { update: (c: string) => (text += c) });
    assert.equal(text, canonicalJson(odd));
    assert.equal(text, '{"n":null,"x":[1,null,"a\\"b",{"a":[null,2.5e-7,0],"z":1}]}');
  });
});
