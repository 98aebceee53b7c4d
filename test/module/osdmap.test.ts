import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MgrError } from '../../src/errors.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { CRUSHMap } from '../../src/module/osdmap.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { finalState } from '../fixtures/final-state.ts';
import { WHOLE_TRACE } from '../helpers.ts';

describe('get_osdmap()', () => {
  const state = finalState(WHOLE_TRACE);
  const acc = new Accessors(() => state);

  it("answers Ceph's OSDMap questions from the recorded map", () => {
    const m = acc.get_osdmap();
    assert.equal(m, acc.get_osdmap(), 'one handle per snapshot');
    assert.equal(m.get_epoch(), 46);
    assert.equal(m.get_crush_version(), 9);
    assert.equal(m.dump(), acc.get('osd_map'));
    assert.deepEqual(Object.keys(m.get_pools_by_name()), ['device_health_metrics', 'datapool']);
    assert.equal(m.get_pools()[3]!.pool_name, 'datapool');
    assert.equal(m.pool_raw_used_rate(3), 2);
    assert.deepEqual(m.get_pools_by_take(-1), [1, 3]);
    assert.throws(
      () => m.pool_raw_used_rate(7),
      (e: unknown) =>
        e instanceof MgrError && e.code === 'MGR_ERR_POOL_NOT_FOUND' && /pool 7 does not exist/.test(e.message),
    );
  });

  it('places PGs where the OSDs last reported them', () => {
    const m = acc.get_osdmap();
    const pg = acc.get('pg_stats').pg_stats.find((p) => p.pgid === '3.3f')!;
    assert.deepEqual(m.pg_to_up_acting_osds(3, 0x3f), {
      up: pg.up,
      acting: pg.acting,
      up_primary: pg.up_primary,
      acting_primary: pg.acting_primary,
    });
    assert.equal(Object.keys(m.map_pool_pgs_up(3)).length, 64);
    assert.deepEqual(m.pg_to_up_acting_osds(9, 0), { up: [], acting: [], up_primary: -1, acting_primary: -1 });
  });

  it("walks the CRUSH map as Ceph's CRUSHMap does", () => {
    const c = acc.get_osdmap().get_crush();
    assert.equal(CRUSHMap.ITEM_NONE, 0x7fffffff);
    assert.deepEqual(c.find_takes(), [-1]);
    assert.deepEqual(c.find_roots(), [-1, -2]);
    assert.equal(c.get_item_name(-3), 'vm');
    assert.equal(c.get_item_name(1), 'osd.1');
    assert.equal(c.get_rule_root('replicated_rule'), -1);
    assert.equal(c.get_rule_by_id(0)?.rule_name, 'replicated_rule');
    assert.deepEqual(c.get_osds_under(-1), [0, 1, 2]);
    assert.deepEqual(c.device_class_counts(), { hdd: 3 });
    const w = c.get_take_weight_osd_map(-1);
    assert.deepEqual(Object.keys(w), ['0', '1', '2']);
    assert.ok(Math.abs(Object.values(w).reduce((a, b) => a + b, 0) - 1) < 1e-6, 'shares add up to 1');
  });

  it('is a typed ENOENT error before the first OSD map', () => {
    const empty = new Accessors(() => createEmptyState());
    assert.throws(
      () => empty.get_osdmap(),
      (e: unknown) => e instanceof MgrError && e.code === 'MGR_ERR_NO_OSD_MAP' && e.errno === 2,
    );
  });
});
