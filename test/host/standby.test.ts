import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrModule, MgrStandbyModule, type NotifyType } from '../../src/index.ts';
import { FIXTURES, waitFor } from '../helpers.ts';

let activeConstructed = 0;

class Active extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['mgr_map'];
  constructor() {
    super();
    activeConstructed++;
  }
}

class Standby extends MgrStandbyModule {
  served = false;
  async serve() {
    this.served = true;
  }
}

const mgrMap = JSON.parse(readFileSync(join(FIXTURES, 'cli-mgr_dump.json'), 'utf8'));

describe('standby', () => {
  it('runs only StandbyModule classes on a standby host, which reach the active through the mgr map', async () => {
    activeConstructed = 0;
    const h = await createModuleHarness({ module: Active, name: 'dash', StandbyModule: Standby, standby: true });
    const standby = h.host.modules.instance<Standby>('dash')!;
    assert.ok(standby instanceof Standby);
    assert.equal(activeConstructed, 0);
    await h.push({
      kind: 'mgr_map',
      t: 1,
      epoch: mgrMap.epoch,
      map: { ...mgrMap, services: { dash: 'https://10.0.0.1:8443/' } },
    });
    assert.equal(standby.served, true);
    assert.equal(standby.get_active_uri(), 'https://10.0.0.1:8443/');
    assert.equal(standby.get_mgr_id(), 'x');
    await h.stop();
  });

  it('becomes standby when the mgr map names another active and lists this manager as a standby', async () => {
    activeConstructed = 0;
    const h = await createModuleHarness({ module: Active, name: 'dash', StandbyModule: Standby, mgrId: 'y' });
    assert.equal(activeConstructed, 1);
    const withStandby = { ...mgrMap, active_name: 'x', standbys: [{ gid: 4242, name: 'y', available_modules: [] }] };
    await h.push({ kind: 'mgr_map', t: 1, epoch: mgrMap.epoch, map: withStandby });
    await waitFor('the standby instance', () => h.host.modules.instance('dash') instanceof Standby);
    await h.push({
      kind: 'mgr_map',
      t: 2,
      epoch: mgrMap.epoch + 1,
      map: { ...withStandby, epoch: mgrMap.epoch + 1, active_name: 'y', standbys: [] },
    });
    await waitFor('the active instance', () => h.host.modules.instance('dash') instanceof Active);
    assert.equal(activeConstructed, 2);
    await h.stop();
  });

  it("a standby module's get is Ceph's standby get: mgr_ips only, none known here, so get_mgr_ip is the host name", async () => {
    const h = await createModuleHarness({ module: Active, name: 'dash', StandbyModule: Standby, standby: true });
    await h.push({ kind: 'mgr_map', t: 1, epoch: mgrMap.epoch, map: mgrMap });
    const standby = h.host.modules.instance<Standby>('dash')!;
    assert.deepEqual(standby.get('mgr_ips'), { ips: [] });
    assert.equal(standby.get_mgr_ip(), hostname());
    assert.equal(standby.get_hostname(), hostname());
    assert.equal(standby.get_ceph_option('mon_max_pg_per_osd'), 250);
    assert.throws(() => standby.get('osd_map' as 'mgr_ips'), /only "mgr_ips"/);
    await h.stop();
  });
});
