import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MgrMap } from '../../schemas/maps/index.ts';
import { groupMgrMap } from '../../src/group/group-mgr-map.ts';
import { FIXTURES } from '../helpers.ts';

const recorded = JSON.parse(readFileSync(join(FIXTURES, 'cli-mgr_dump.json'), 'utf8')) as MgrMap;
const member = (name: string, gid: number, services = {}) => ({
  name,
  gid,
  addr: `/run/${name}.sock`,
  services,
  since: '2026-11-25T00:00:00.000Z',
});

describe('group mgr map', () => {
  it("shows the lease holder as active and the others as standbys, keeping the recorded map's epoch and modules", () => {
    const m = groupMgrMap(recorded, {
      active: 'b',
      members: { a: member('a', 1), b: member('b', 2, { probe: 'http://b:8080/' }), c: member('c', 3) },
    });
    assert.equal(m.epoch, recorded.epoch);
    assert.deepEqual(m.modules, recorded.modules);
    assert.equal(m.active_name, 'b');
    assert.equal(m.active_gid, 2);
    assert.equal(m.active_addr, '/run/b.sock');
    assert.equal(m.available, true);
    assert.deepEqual(
      m.standbys.map((s) => [s.name, s.gid]),
      [
        ['a', 1],
        ['c', 3],
      ],
    );
    assert.deepEqual(m.services, { probe: 'http://b:8080/' });
  });

  it('is unavailable with no lease holder, and needs no recorded map', () => {
    const m = groupMgrMap(null, { active: null, members: { a: member('a', 1) } });
    assert.equal(m.available, false);
    assert.equal(m.active_name, '');
    assert.deepEqual(m.services, {});
    assert.deepEqual(
      m.standbys.map((s) => s.name),
      ['a'],
    );
  });
});
