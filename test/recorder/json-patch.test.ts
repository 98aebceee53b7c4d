import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { JsonPatchSchema } from '../../schemas/patch.ts';
import { applyPatch } from '../../src/state/apply-patch.ts';
import { readJsonl, WHOLE_TRACE } from '../helpers.ts';
import { PYTHON3_MISSING, RECORDER } from './recorder-python.ts';

// The recorder's JSON Patch (Python, inside ceph-mgr) must be what mgrkit's fold applies: each map of a real
// recording, patched from the one before it by the recorder's diff, must come out equal to the map itself.

const DIFF_ALL = `
import json, sys
sys.path.insert(0, sys.argv[1])
from json_patch import diff
pairs = json.load(sys.stdin)
json.dump([diff(a, b) for a, b in pairs], sys.stdout)
`;

interface MapEvent {
  kind: string;
  map?: unknown;
}

describe("the recorder's JSON Patch", { skip: PYTHON3_MISSING }, () => {
  it('turns each OSD map and health map of a real recording into the next, as mgrkit applies patches', () => {
    const events = readJsonl<MapEvent>(WHOLE_TRACE);
    const pairs: Array<[unknown, unknown]> = [];
    for (const kind of ['osd_map', 'health']) {
      const maps = events.filter((e) => e.kind === kind && e.map !== undefined).map((e) => e.map);
      for (let i = 1; i < maps.length; i++) pairs.push([maps[i - 1], maps[i]]);
    }
    assert.ok(pairs.length > 90, `${pairs.length} pairs`);
    // Edits the recording does not have: an element removed from the middle of a list, keys with "/" and "~".
    const osd = pairs[0]![0] as { osds: unknown[] };
    pairs.push([osd, { ...osd, osds: [osd.osds[0], osd.osds[2]] }]);
    pairs.push([
      { 'a/b': 1, 'c~d': [1, 2, 3], e: true },
      { 'a/b': 2, 'c~d': [1, 3, 4, 5], e: 1 },
    ]);
    const out = execFileSync('python3', ['-c', DIFF_ALL, RECORDER], {
      input: JSON.stringify(pairs),
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    }).toString();
    const patches = JSON.parse(out) as unknown[];
    assert.equal(patches.length, pairs.length);
    let ops = 0;
    patches.forEach((p, n) => {
      const patch = JsonPatchSchema.parse(p);
      ops += patch.length;
      const [before, after] = pairs[n]!;
      assert.deepEqual(applyPatch(structuredClone(before), patch), after, `pair ${n}`);
    });
    // A patch is an edit, not the map again: on this recording about a fifth of the bytes of the maps it makes.
    const patchBytes = patches.reduce<number>((s, p) => s + JSON.stringify(p).length, 0);
    const mapBytes = pairs.reduce((s, [, b]) => s + JSON.stringify(b).length, 0);
    assert.ok(ops > 0);
    assert.ok(patchBytes * 3 < mapBytes, `patches ${patchBytes} B for maps of ${mapBytes} B`);
  });
});
