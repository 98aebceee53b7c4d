import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrError } from '../../src/errors.ts';
import { MgrModule, type NotifyType } from '../../src/index.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { CEPH_OPTIONS } from '../../src/options/ceph-options.ts';
import { type ClusterState, createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { finalState } from '../fixtures/final-state.ts';
import { FIXTURES, WHOLE_TRACE } from '../helpers.ts';

class Plain extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
}

const real = JSON.parse(readFileSync(join(FIXTURES, 'accessors-3osd.json'), 'utf8')).get;
const modified = new Set<string>(real.modified_config_options.options);
const traced = finalState(WHOLE_TRACE);

let t = 1e13;
function fold(state: ClusterState, ...events: object[]): ClusterState {
  const inputs = events.map((e, ref) => ({ event: { t: t++, ...e } as ClusterEvent, ref }));
  const r = foldBatch(state, inputs);
  assert.deepEqual(r.rejected, []);
  return r.state;
}

function setConfig(state: ClusterState, ...changes: Array<[string, string, string | null]>): ClusterState {
  return fold(state, { kind: 'config', changes: changes.map(([who, name, value]) => ({ who, name, value })) });
}

function config(state: ClusterState): Readonly<Record<string, string>> {
  return new Accessors(() => state).get('config');
}

describe('config', () => {
  it("has every option real ceph-mgr printed, as text, equal to its value wherever the cluster kept Ceph's default", () => {
    const ours = config(traced);
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(real.config).sort());
    assert.deepEqual(Object.keys(ours).slice(0, 3), ['name', 'cluster', 'admin_socket'], "show_config's order");
    for (const [name, value] of Object.entries(ours)) assert.equal(typeof value, 'string', name);
    const same = Object.keys(real.config).filter((k) => !modified.has(k));
    assert.ok(same.length > 1700);
    assert.deepEqual(
      Object.fromEntries(same.map((k) => [k, ours[k]])),
      Object.fromEntries(same.map((k) => [k, real.config[k]])),
    );
  });

  it("expands metavariables for the manager and prints each type as Ceph does, fsid from the cluster's map", () => {
    const ours = config(traced);
    assert.equal(ours.name, 'mgr.x');
    assert.equal(ours.admin_socket, '/var/run/ceph/ceph-mgr.x.asok');
    assert.equal(ours.mgr_data, '/var/lib/ceph/mgr/ceph-x');
    assert.equal(ours.keyring, '/var/lib/ceph/mgr/ceph-x/keyring', "ceph-mgr's own default, through $mgr_data");
    assert.equal(ours.mon_cluster_log_file, real.config.mon_cluster_log_file, '$channel is not a metavariable');
    assert.equal(ours.auth_mon_ticket_ttl, '259200.000000');
    assert.equal(ours.daemonize, 'true', "a daemon's default");
    assert.equal(ours.fsid, traced.maps.osd_map!.map.fsid);
    assert.equal(ours.fsid, real.config.fsid);
  });

  it('follows config events: global, then mgr, then mgr.<id> win in turn, and removing a setting restores the default', () => {
    let s = setConfig(traced, ['global', 'mon_max_pg_per_osd', '300']);
    assert.equal(config(s).mon_max_pg_per_osd, '300');
    s = setConfig(s, ['mgr', 'mon_max_pg_per_osd', '500']);
    assert.equal(config(s).mon_max_pg_per_osd, '500');
    s = setConfig(s, ['mgr.x', 'mon_max_pg_per_osd', '600'], ['osd', 'mon_max_pg_per_osd', '700']);
    assert.equal(config(s).mon_max_pg_per_osd, '600', 'another type of daemon does not count');
    s = setConfig(s, ['mgr.x', 'mon_max_pg_per_osd', null], ['mgr', 'mon_max_pg_per_osd', null]);
    assert.equal(config(s).mon_max_pg_per_osd, '300');
    s = setConfig(s, ['global', 'mon_max_pg_per_osd', null]);
    assert.equal(config(s).mon_max_pg_per_osd, real.config.mon_max_pg_per_osd);
  });

  it('normalises set values as Ceph prints them, ignores what Ceph rejects, and re-expands what refers to them', () => {
    const s = setConfig(
      traced,
      ['mgr', 'mon_allow_pool_delete', '1'],
      ['mgr', 'mon_osd_full_ratio', '0.9'],
      ['mgr', 'mgr_stats_threshold', 'junk'],
      ['mgr', 'osd_memory_target', '4G'],
      ['mgr', 'mon_max_pg_per_osd', '2K'],
      ['mgr', 'target_max_misplaced_ratio', '0.5'],
      ['mgr', 'mgr_tick_period', '1 minutes 5 seconds'],
      ['mgr', 'run_dir', '/run/ceph'],
      ['mgr', 'mon_host', '10.0.0.1'],
    );
    const c = config(s);
    assert.equal(c.mon_allow_pool_delete, 'true');
    assert.equal(c.mon_osd_full_ratio, real.config.mon_osd_full_ratio, 'taken from the config file only');
    assert.equal(c.mgr_stats_threshold, real.config.mgr_stats_threshold, 'an invalid int leaves the default');
    assert.equal(c.osd_memory_target, String(4 * 2 ** 30));
    assert.equal(c.mon_max_pg_per_osd, '2000');
    assert.equal(c.target_max_misplaced_ratio, '0.500000');
    assert.equal(c.mgr_tick_period, '65');
    assert.equal(c.admin_socket, '/run/ceph/ceph-mgr.x.asok');
    assert.equal(c.mon_host, '', 'mon_host comes from the config file, never the monitors');
  });

  it('is made for the active manager of the manager map', () => {
    const map = JSON.parse(readFileSync(join(FIXTURES, 'cli-mgr_dump.json'), 'utf8'));
    const s = fold(setConfig(traced, ['mgr.y', 'mon_max_pg_per_osd', '42']), {
      kind: 'mgr_map',
      epoch: map.epoch,
      map: { ...map, active_name: 'y' },
    });
    const c = config(s);
    assert.equal(c.name, 'mgr.y');
    assert.equal(c.admin_socket, '/var/run/ceph/ceph-mgr.y.asok');
    assert.equal(c.mon_max_pg_per_osd, '42');
  });

  it('is one frozen object per state of the config, kept by events that do not touch it', () => {
    const acc = new Accessors(() => traced);
    const c = acc.get('config');
    assert.equal(acc.get('config'), c);
    assert.ok(Object.isFrozen(c));
    const later = fold(traced, { kind: 'heartbeat' });
    assert.equal(config(later), c);
    assert.notEqual(config(setConfig(traced, ['mgr', 'mon_max_pg_per_osd', '500'])), c);
  });
});

describe('modified_config_options', () => {
  it("is empty for the trace, which has no central config (the cluster's were set in its config files)", () => {
    assert.deepEqual(Object.keys(real.modified_config_options), ['options']);
    assert.deepEqual(new Accessors(() => traced).get('modified_config_options'), { options: [] });
  });

  it('lists the Ceph options set for any who, sorted, once each; module settings and file-only options are not', () => {
    let s = setConfig(
      traced,
      ['osd', 'osd_max_backfills', '2'],
      ['global', 'mon_allow_pool_delete', 'true'],
      ['mgr', 'mgr/dashboard/ssl', 'false'],
      ['osd.1', 'osd_max_backfills', '3'],
      ['global', 'mon_host', '10.0.0.1'],
    );
    const acc = new Accessors(() => s);
    assert.deepEqual(acc.get('modified_config_options'), { options: ['mon_allow_pool_delete', 'osd_max_backfills'] });
    assert.equal(acc.get('modified_config_options'), acc.get('modified_config_options'));
    s = setConfig(s, ['osd', 'osd_max_backfills', null], ['osd.1', 'osd_max_backfills', null]);
    assert.deepEqual(new Accessors(() => s).get('modified_config_options'), { options: ['mon_allow_pool_delete'] });
  });
});

describe('have_local_config_map', () => {
  it('is true once the monitors have sent anything, as at the recorded moment, and false before', () => {
    assert.deepEqual(new Accessors(() => traced).get('have_local_config_map'), real.have_local_config_map);
    const empty = createEmptyState();
    assert.deepEqual(new Accessors(() => empty).get('have_local_config_map'), { have_local_config_map: false });
    const configured = setConfig(empty, ['global', 'osd_max_backfills', '2']);
    assert.deepEqual(new Accessors(() => configured).get('have_local_config_map'), { have_local_config_map: true });
  });
});

describe('get_ceph_option', () => {
  it("returns the manager's value typed by the option's type", () => {
    const acc = new Accessors(() => setConfig(traced, ['mgr', 'osd_memory_target', '1G']));
    assert.equal(acc.get_ceph_option('mon_max_pg_per_osd'), 250);
    assert.equal(acc.get_ceph_option('osd_memory_target'), 2 ** 30);
    assert.equal(acc.get_ceph_option('auth_mon_ticket_ttl'), 259200);
    assert.equal(acc.get_ceph_option('mgr_tick_period'), 2);
    assert.equal(acc.get_ceph_option('daemonize'), true);
    assert.equal(acc.get_ceph_option('mon_allow_pool_delete'), false);
    assert.equal(acc.get_ceph_option('admin_socket'), '/var/run/ceph/ceph-mgr.x.asok');
    assert.equal(acc.get_ceph_option('fsid'), real.config.fsid);
    assert.equal(CEPH_OPTIONS.get('cephsqlite_lock_renewal_interval')?.type, 'millisecs');
    assert.equal(acc.get_ceph_option('cephsqlite_lock_renewal_interval'), '2000', 'Ceph has no case for millisecs');
  });

  it('raises a typed ENOENT error for a name that is not a Ceph option, from the accessors and from a module', async () => {
    const isUnknown = (e: unknown) =>
      e instanceof MgrError && e.code === 'MGR_ERR_CONFIG_UNKNOWN_OPTION' && e.errno === 2;
    assert.throws(() => new Accessors(() => traced).get_ceph_option('name'), isUnknown);
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    assert.throws(
      () => h.module.get_ceph_option('mon_max_pg_per_osdd'),
      (e: unknown) => {
        return isUnknown(e) && /did you mean "mon_max_pg_per_osd"/.test((e as Error).message);
      },
    );
    await h.push({ kind: 'config', t: 1000, changes: [{ who: 'mgr', name: 'mon_max_pg_per_osd', value: '500' }] });
    assert.equal(h.module.get_ceph_option('mon_max_pg_per_osd'), 500);
    assert.equal(h.module.get('config').mon_max_pg_per_osd, '500');
    await h.stop();
  });
});
