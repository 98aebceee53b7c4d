import type { CrushBucket, CrushMap } from '../../schemas/maps/crush-map.ts';
import type { Topology } from './topology.ts';

/** The device class every simulated OSD has. */
export const DEVICE_CLASS = 'hdd';

const TYPES = ['osd', 'host', 'chassis', 'rack', 'row', 'pdu', 'pod', 'room', 'datacenter', 'zone', 'region', 'root'];
const typeId = (name: string) => TYPES.indexOf(name);

/** Pacific's default (jewel) tunables, as `ceph osd crush dump` prints them. */
const TUNABLES: CrushMap['tunables'] = {
  choose_local_tries: 0,
  choose_local_fallback_tries: 0,
  choose_total_tries: 50,
  chooseleaf_descend_once: 1,
  chooseleaf_vary_r: 1,
  chooseleaf_stable: 1,
  straw_calc_version: 1,
  allowed_bucket_algs: 54,
  profile: 'jewel',
  optimal_tunables: 1,
  legacy_tunables: 0,
  minimum_required_version: 'jewel',
  require_feature_tunables: 1,
  require_feature_tunables2: 1,
  has_v2_rules: 0,
  require_feature_tunables3: 1,
  has_v3_rules: 0,
  has_v4_buckets: 1,
  require_feature_tunables5: 1,
  has_v5_rules: 0,
};

function bucket(
  id: number,
  name: string,
  type: string,
  items: ReadonlyArray<{ id: number; weight: number }>,
): CrushBucket {
  const weight = items.reduce((s, i) => s + i.weight, 0);
  return {
    id,
    name,
    type_id: typeId(type),
    type_name: type,
    weight,
    alg: 'straw2',
    hash: 'rjenkins1',
    items: items.map((i, pos) => ({ id: i.id, weight: i.weight, pos })),
  };
}

/**
 * `ceph osd crush dump` for the topology: root `default` over racks (when there are any) over hosts over OSDs, each
 * bucket followed by its `~hdd` device-class shadow (shadow id = bucket id - 1, holding the shadows of its children),
 * and the one rule `replicated_rule`: take default, chooseleaf_firstn 0 type host, emit.
 */
export function buildCrushMap(topo: Topology): CrushMap {
  const shadowName = (name: string) => `${name}~${DEVICE_CLASS}`;
  const hostItems = (h: number) => {
    const out: Array<{ id: number; weight: number }> = [];
    for (let i = topo.hostOsds.start[h]!; i < topo.hostOsds.start[h + 1]!; i++) {
      const osd = topo.hostOsds.items[i]!;
      out.push({ id: osd, weight: topo.osdWeight[osd]! });
    }
    return out;
  };
  const hostRef = (h: number, shadow: boolean) => ({
    id: topo.hostBucketId[h]! - (shadow ? 1 : 0),
    weight: topo.hostWeight[h]!,
  });
  const rackRef = (r: number, shadow: boolean) => ({
    id: topo.rackBucketId[r]! - (shadow ? 1 : 0),
    weight: topo.rackWeight[r]!,
  });
  const hostsOfRack = (r: number) => {
    const out: number[] = [];
    for (let i = topo.rackHosts.start[r]!; i < topo.rackHosts.start[r + 1]!; i++) out.push(topo.rackHosts.items[i]!);
    return out;
  };
  const rootChildren = (shadow: boolean) =>
    topo.racks > 0
      ? Array.from({ length: topo.racks }, (_, r) => rackRef(r, shadow))
      : Array.from({ length: topo.hosts }, (_, h) => hostRef(h, shadow));

  const buckets: CrushBucket[] = [
    bucket(-1, 'default', 'root', rootChildren(false)),
    bucket(-2, shadowName('default'), 'root', rootChildren(true)),
  ];
  const addHost = (h: number) => {
    const name = topo.hostNames[h]!;
    buckets.push(bucket(topo.hostBucketId[h]!, name, 'host', hostItems(h)));
    buckets.push(bucket(topo.hostBucketId[h]! - 1, shadowName(name), 'host', hostItems(h)));
  };
  if (topo.racks > 0) {
    for (let r = 0; r < topo.racks; r++) {
      const name = topo.rackNames[r]!;
      const hosts = hostsOfRack(r);
      buckets.push(
        bucket(
          topo.rackBucketId[r]!,
          name,
          'rack',
          hosts.map((h) => hostRef(h, false)),
        ),
      );
      buckets.push(
        bucket(
          topo.rackBucketId[r]! - 1,
          shadowName(name),
          'rack',
          hosts.map((h) => hostRef(h, true)),
        ),
      );
      for (const h of hosts) addHost(h);
    }
  } else {
    for (let h = 0; h < topo.hosts; h++) addHost(h);
  }
  buckets.sort((a, b) => b.id - a.id);

  return {
    devices: Array.from({ length: topo.osds }, (_, id) => ({ id, name: `osd.${id}`, class: DEVICE_CLASS })),
    types: TYPES.map((name, type_id) => ({ type_id, name })),
    buckets,
    rules: [
      {
        rule_id: 0,
        rule_name: 'replicated_rule',
        ruleset: 0,
        type: 1,
        min_size: 1,
        max_size: 10,
        steps: [
          { op: 'take', item: -1, item_name: 'default' },
          { op: 'chooseleaf_firstn', num: 0, type: 'host' },
          { op: 'emit' },
        ],
      },
    ],
    tunables: { ...TUNABLES },
    choose_args: {},
  };
}
