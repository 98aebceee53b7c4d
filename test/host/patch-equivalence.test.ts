import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { stateDigest } from '../../src/entry/host.ts';
import { parseTraceLine } from '../../src/ingest/parse-line.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { PATCH_TRACE, WHOLE_TRACE } from '../helpers.ts';

/** The digest after every event of a trace, folding one event at a time. */
function digestsOf(path: string): string[] {
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  let state: ClusterState = createEmptyState();
  const out: string[] = [];
  lines.forEach((text, i) => {
    const parsed = parseTraceLine(text, path, i + 1);
    if (parsed === null) return;
    assert.ok('event' in parsed, `line ${i + 1} rejected`);
    const r = foldBatch(state, [{ event: parsed.event, ref: i + 1 }]);
    assert.equal(r.rejected.length, 0, r.rejected[0]?.error.message);
    state = r.state;
    out.push(stateDigest(state));
  });
  return out;
}

it('whole-map and patch traces of the same recording give the same digest at every seq', () => {
  const whole = digestsOf(WHOLE_TRACE);
  const patched = digestsOf(PATCH_TRACE);
  assert.equal(whole.length, 647);
  assert.equal(patched.length, whole.length);
  for (let i = 0; i < whole.length; i++) assert.equal(patched[i], whole[i], `digest differs after seq ${i + 1}`);
  // The state does change along the way: a digest that never moved would prove nothing.
  assert.ok(new Set(whole).size > 600);
});
