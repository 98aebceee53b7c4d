import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { tableGet } from '../../src/state/keyed-table.ts';
import { finalState } from '../fixtures/final-state.ts';
import { FIXTURES, WHOLE_TRACE } from '../helpers.ts';

const real = JSON.parse(readFileSync(join(FIXTURES, 'accessors-3osd.json'), 'utf8')).get;

function open(state: ClusterState, daemon: string, hostname: string, metadata: Record<string, string>): ClusterState {
  const event = { kind: 'daemon_open', t: state.stamp + 1, daemon, hostname, metadata } as ClusterEvent;
  const r = foldBatch(state, [{ event, ref: 0 }]);
  assert.deepEqual(r.rejected, []);
  return r.state;
}

describe('devices', () => {
  it("is empty when no daemon names a device, as real ceph-mgr's for the trace's OSDs", () => {
    const state = finalState(WHOLE_TRACE);
    assert.equal(tableGet(state.daemons, 'osd.0')!.metadata.device_ids, '');
    assert.deepEqual(new Accessors(() => state).get('devices'), real.devices);
  });

  it("lists each device of the daemons' device_ids by devid, with where it is attached and who uses it", () => {
    let s = createEmptyState();
    s = open(s, 'osd.10', 'b', {
      device_ids: 'sdb=WDC_2,sdc=SAMSUNG_1',
      device_paths: 'sdb=/dev/disk/by-path/pci-0:1',
    });
    s = open(s, 'osd.2', 'a', { device_ids: 'sda=SAMSUNG_1' });
    s = open(s, 'mon.a', 'a', { device_ids: 'nvme0n1=NVME_9;sdz=' });
    const acc = new Accessors(() => s);
    assert.deepEqual(acc.get('devices'), {
      devices: [
        { devid: 'NVME_9', location: [{ host: 'a', dev: 'nvme0n1', path: '' }], daemons: ['mon.a'] },
        {
          devid: 'SAMSUNG_1',
          location: [
            { host: 'a', dev: 'sda', path: '' },
            { host: 'b', dev: 'sdc', path: '' },
          ],
          daemons: ['osd.10', 'osd.2'],
        },
        { devid: 'WDC_2', location: [{ host: 'b', dev: 'sdb', path: '' }], daemons: ['osd.10'] },
      ],
    });
    assert.equal(acc.get('devices'), acc.get('devices'), 'memoised');
  });

  it("keeps Ceph's lookup of a path by devid: a path shows only where device_paths is keyed by the devid", () => {
    const s = open(createEmptyState(), 'osd.0', 'h', { device_ids: 'sda=ID1', device_paths: 'ID1=/dev/by-id/x' });
    assert.deepEqual(new Accessors(() => s).get('devices').devices[0]?.location, [
      { host: 'h', dev: 'sda', path: '/dev/by-id/x' },
    ]);
  });
});
