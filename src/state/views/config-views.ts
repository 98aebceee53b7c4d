import { type CephEntity, expandCephMeta } from '../../options/ceph-meta.ts';
import { printCephValue } from '../../options/ceph-option-value.ts';
import { CEPH_OPTIONS } from '../../options/ceph-options.ts';
import type { ClusterState } from '../cluster-state.ts';
import { own } from '../data-key.ts';
import { tableGet } from '../keyed-table.ts';
import { once } from './memo.ts';

/** The id the manager's config is made for when the snapshot has no manager map: the host's default id. */
export const DEFAULT_MGR_ID = 'x';
/** Ceph's cluster name, which `$cluster` stands for; traces carry no other. */
const CLUSTER = 'ceph';

/** `get('config')`: every Ceph option → its value as text, plus `name` and `cluster`. */
export type ConfigDump = Readonly<Record<string, string>>;

/** The manager the config is for: the active one of the manager map (this host, when it is active). */
export function configMgrId(s: ClusterState): string {
  return s.maps.mgr_map?.map.active_name || DEFAULT_MGR_ID;
}

function build(s: ClusterState, entity: CephEntity, fsid: string | undefined): ConfigDump {
  const values = new Map<string, string>();
  for (const [name, o] of CEPH_OPTIONS) values.set(name, o.default);
  // MonClient sets fsid from the monitors' map when it fetches the monmap; the central config cannot.
  if (fsid !== undefined) values.set('fsid', fsid);
  for (const who of ['global', entity.type, `${entity.type}.${entity.id}`]) {
    for (const [name, raw] of Object.entries(own(s.config, who) ?? {})) {
      const o = CEPH_OPTIONS.get(name);
      if (o === undefined || o.noMonUpdate) continue;
      const v = printCephValue(o.type, raw);
      if (v !== undefined) values.set(name, v);
    }
  }
  const lookup = (n: string) => {
    const o = CEPH_OPTIONS.get(n);
    return o === undefined ? undefined : { type: o.type, value: values.get(n)! };
  };
  const ctx = { entity, dataDirOption: `${entity.type}_data`, lookup };
  const out: Record<string, string> = { name: `${entity.type}.${entity.id}`, cluster: entity.cluster };
  for (const [name, o] of CEPH_OPTIONS) {
    const v = values.get(name)!;
    out[name] = o.type === 'str' ? expandCephMeta(v, ctx, name) : v;
  }
  return out;
}

const configMemo = new WeakMap<object, { readonly ident: string; readonly value: ConfigDump }>();

/**
 * `get('config')`: the manager's own configuration as `md_config_t::show_config` prints it: `name`, `cluster`, then
 * every option of Ceph Pacific by name → its value as text (bools `true`/`false`, floats to 6 places). Each value is
 * the manager's default, overlaid by the central config for `global`, then `mgr`, then `mgr.<id>` (options Ceph
 * takes only from a daemon's own config file, such as `mon_host` or `keyring`, keep their defaults), with `$cluster`,
 * `$name`, `$run_dir`, ... expanded for `mgr.<id>`; `fsid` is the cluster's, from the monitors' (or OSD) map.
 */
export function configView(s: ClusterState): ConfigDump {
  const id = configMgrId(s);
  const fsid = s.maps.mon_map?.map.fsid ?? s.maps.osd_map?.map.fsid;
  const host = tableGet(s.daemons, `mgr.${id}`)?.hostname || undefined;
  const ident = `${id}\n${fsid ?? ''}\n${host ?? ''}`;
  const hit = configMemo.get(s.config);
  if (hit?.ident === ident) return hit.value;
  const value = Object.freeze(build(s, { cluster: CLUSTER, type: 'mgr', id, ...(host ? { host } : {}) }, fsid));
  configMemo.set(s.config, { ident, value });
  return value;
}

/**
 * `get('modified_config_options')`: `{options: [names]}`, sorted. Ceph lists the options any daemon reports as set
 * away from its default; the snapshot has the central config instead, so these are the Ceph options set there for
 * any `who`. Module settings (`mgr/<module>/<option>`) are not Ceph options, and options a daemon takes only from
 * its own config file (`mon_host`, `keyring`, ...) ignore the central config: both are left out.
 */
export function modifiedConfigOptionsView(s: ClusterState): { readonly options: readonly string[] } {
  return once('modified_config_options', s.config, () => {
    const names = new Set<string>();
    for (const section of Object.values(s.config)) {
      for (const name of Object.keys(section)) if (CEPH_OPTIONS.get(name)?.noMonUpdate === false) names.add(name);
    }
    return { options: [...names].sort() };
  });
}

const HAVE = Object.freeze({ have_local_config_map: true });
const HAVE_NOT = Object.freeze({ have_local_config_map: false });

/**
 * `get('have_local_config_map')`: whether the manager holds the monitors' config map. Ceph sets it once the monitors'
 * key-value data with the central config has arrived (monitors of Pacific or later send it with the rest of what a
 * manager subscribes to), and never clears it; here it is true once anything from the monitors (a map or a config
 * change) has been folded in.
 */
export function haveLocalConfigMapView(s: ClusterState): { readonly have_local_config_map: boolean } {
  return Object.keys(s.maps).length > 0 || Object.keys(s.config).length > 0 ? HAVE : HAVE_NOT;
}

export const CONFIG_VIEWS = {
  config: configView,
  modified_config_options: modifiedConfigOptionsView,
  have_local_config_map: haveLocalConfigMapView,
} as const;
