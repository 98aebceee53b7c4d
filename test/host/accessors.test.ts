import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finalState } from '../../bench/accessors.bench.ts';
import { MgrError } from '../../src/errors.ts';
import { Accessors } from '../../src/host/accessors.ts';
import { WHOLE_TRACE } from '../helpers.ts';

describe('accessors', () => {
  const state = finalState(WHOLE_TRACE);
  const acc = new Accessors(() => state);

  it("return the snapshot's own frozen objects: the same object on every call, never a copy", () => {
    const a = acc.get('osd_map');
    assert.equal(acc.get('osd_map'), a);
    assert.equal(a, state.maps.osd_map!.map);
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a!.osds) && Object.isFrozen(a!.osds[0]));
    assert.equal(acc.get('health'), acc.get('health'), 'the health text is built once per map');
    assert.throws(() => {
      (a as { epoch: number }).epoch = 1;
    }, TypeError);
  });

  it('throw a typed error for an unknown name, suggesting the nearest and listing all', () => {
    assert.throws(
      () => acc.get('osd_mapp' as never),
      (e: unknown) =>
        e instanceof MgrError &&
        e.code === 'MGR_ERR_GET_UNKNOWN_NAME' &&
        e.errno === 2 &&
        /did you mean "osd_map"/.test(e.message) &&
        /osd_map_crush/.test(e.message),
    );
  });

  it('give the default for a missing daemon and empty series for unknown counters, as Ceph does', () => {
    assert.equal(acc.get_metadata('osd', '99'), null);
    assert.deepEqual(acc.get_metadata('osd', '99', { absent: true }), { absent: true });
    assert.equal(acc.get_metadata('osd', '0')?.hostname, 'vm');
    assert.deepEqual(acc.get_counter('osd', '0', 'no.such'), { 'no.such': [] });
    assert.deepEqual(acc.get_latest_counter('osd', '9', 'osd.op_w'), { 'osd.op_w': [] });
    assert.equal(acc.get_counter('osd', '0', 'osd.op_w')['osd.op_w']!.length, 20);
  });

  it('report no monitor connection after a session down, a silent stretch, or the end of the source', () => {
    let now = state.stamp;
    let alive = true;
    const live = new Accessors(() => state, { now: () => now, sourceAlive: () => alive });
    assert.equal(live.have_mon_connection(), true);
    now = state.stamp + 30_001;
    assert.equal(live.have_mon_connection(), false);
    now = state.stamp;
    alive = false;
    assert.equal(live.have_mon_connection(), false);
    const down = new Accessors(() => ({ ...state, monSession: 'down' }));
    assert.equal(down.have_mon_connection(), false);
  });
});
