import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  familyHeader,
  formatValue,
  isValidMetricName,
  labelSet,
  promethize,
} from '../../modules/prometheus/exposition.ts';

describe('prometheus text format', () => {
  it("renames perf counter paths as Ceph's promethize does", () => {
    assert.equal(promethize('osd.op_w_latency'), 'ceph_osd_op_w_latency');
    assert.equal(promethize('prioritycache:full_pri0_bytes'), 'ceph_prioritycache:full_pri0_bytes');
    assert.equal(
      promethize('throttle-msgr_dispatch_throttler-client.get'),
      'ceph_throttle_msgr_dispatch_throttler_client_get',
    );
    assert.equal(promethize('mds_mem.ino+'), 'ceph_mds_mem_ino_plus');
    assert.equal(promethize('mds_mem.ino-'), 'ceph_mds_mem_ino_minus');
    assert.equal(promethize('a::b/c d'), 'ceph_a_b_c_d');
    assert.equal(isValidMetricName(promethize('odd(name)')), false);
  });

  it('escapes label values and help text, which Ceph writes raw', () => {
    assert.equal(labelSet(['a', 'b'], ['x"y', 'line\nbreak\\']), '{a="x\\"y",b="line\\nbreak\\\\"}');
    assert.equal(labelSet([], []), '');
    assert.equal(
      familyHeader({ name: 'ceph_x', type: 'gauge', help: 'two\nlines \\', labels: [] }),
      '# HELP ceph_x two\\nlines \\\\\n# TYPE ceph_x gauge\n',
    );
  });

  it('writes values as Go parses them', () => {
    assert.deepEqual(
      [1, 0.25, 1e21, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, true, false, null].map(
        formatValue,
      ),
      ['1', '0.25', '1e+21', 'NaN', '+Inf', '-Inf', '1', '0', 'NaN'],
    );
  });
});
