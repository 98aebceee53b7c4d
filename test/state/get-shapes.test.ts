import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ClusterEvent, ClusterEventSchema } from '../../schemas/event.ts';
import { Accessors } from '../../src/module/accessors.ts';
import type { ClusterState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { GET_NAMES, isGetName } from '../../src/state/views/index.ts';
import { finalState } from '../fixtures/final-state.ts';
import { FIXTURES, WHOLE_TRACE } from '../helpers.ts';

/**
 * Where `ours` differs from `real` in shape: missing or extra keys, and values of another JSON type. Arrays are
 * compared element by element up to the shorter one (their lengths are state, not shape).
 */
function shapeDiffs(ours: unknown, real: unknown, path: string, out: string[]): void {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(ours) !== kind(real)) {
    out.push(`${path}: ${kind(ours)} here, ${kind(real)} in ceph-mgr`);
    return;
  }
  if (Array.isArray(ours) && Array.isArray(real)) {
    for (let i = 0; i < Math.min(ours.length, real.length); i++) shapeDiffs(ours[i], real[i], `${path}[${i}]`, out);
    return;
  }
  if (kind(ours) !== 'object') return;
  const a = ours as Record<string, unknown>;
  const b = real as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!(k in a)) out.push(`${path}.${k}: missing here`);
    else shapeDiffs(a[k], b[k], `${path}.${k}`, out);
  }
  for (const k of Object.keys(a)) if (!(k in b)) out.push(`${path}.${k}: not in ceph-mgr's`);
}

const cli = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `cli-${name}.json`), 'utf8'));

/**
 * The trace's final state (the fixture's moment) with the maps the trace does not carry folded in from the same
 * moment's `ceph ... -f json` dumps, as a recorder that also streamed them would have sent them.
 */
function momentState(real: Record<string, unknown>): ClusterState {
  const base = finalState(WHOLE_TRACE);
  const t = base.stamp;
  const maps: ClusterEvent[] = [
    { kind: 'mon_map', t, epoch: cli('mon_dump').epoch, map: cli('mon_dump') },
    { kind: 'fs_map', t, epoch: cli('fs_dump').epoch, map: cli('fs_dump') },
    { kind: 'mgr_map', t, epoch: cli('mgr_dump').epoch, map: cli('mgr_dump') },
    { kind: 'service_map', t, epoch: cli('service_dump').epoch, map: cli('service_dump') },
    { kind: 'mon_status', t, map: JSON.parse((real.mon_status as { json: string }).json) },
  ];
  const folded = foldBatch(
    base,
    maps.map((event, ref) => ({ event: ClusterEventSchema.parse(event), ref })),
  );
  assert.deepEqual(folded.rejected, []);
  return folded.state;
}

describe("every get() name real ceph-mgr serves, on the state of the fixture's moment", () => {
  const real = JSON.parse(readFileSync(join(FIXTURES, 'accessors-3osd.json'), 'utf8')).get as Record<string, unknown>;
  const acc = new Accessors(() => momentState(real));

  it('serves each of them, and nothing it does not know', () => {
    const missing = Object.keys(real).filter((n) => !isGetName(n));
    assert.deepEqual(missing, [], `not served: ${missing.join(', ')}`);
    const extra = GET_NAMES.filter((n) => !(n in real));
    assert.deepEqual(extra, [], `served but unknown to ceph-mgr: ${extra.join(', ')}`);
  });

  for (const name of Object.keys(real).sort()) {
    it(`${name}: same keys and value types, all the way down`, (t) => {
      if (!isGetName(name)) return t.skip(`${name} is not served`);
      const diffs: string[] = [];
      shapeDiffs(acc.get(name), real[name], name, diffs);
      assert.deepEqual(diffs, []);
    });
  }

  it('the shape check itself catches a missing key, an extra key and a changed type', () => {
    const diffs: string[] = [];
    shapeDiffs({ a: 1, c: [{ x: '1' }] }, { a: 1, b: 2, c: [{ x: 1 }] }, 'v', diffs);
    shapeDiffs({ a: 1, z: null }, { a: 1 }, 'w', diffs);
    assert.deepEqual(diffs, [
      'v.b: missing here',
      'v.c[0].x: string here, number in ceph-mgr',
      "w.z: not in ceph-mgr's",
    ]);
  });
});
