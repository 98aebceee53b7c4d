import type { MgrMap } from '../../schemas/maps/mgr-map.ts';
import type { EntityAddrVec, MonMap } from '../../schemas/maps/mon-map.ts';
import { cephStamp, cephStampZ } from '../cluster/ceph-time.ts';
import { MON_NAMES } from './sim-options.ts';
import type { Topology } from './topology.ts';

/** The manager the cluster runs: mgrkit stands in for it, under Ceph's usual test name. */
export const MGR_NAME = 'x';

const MGR_FEATURES = Number('4540138314316775423');

/** Monitor `rank`'s address vector (it runs on host `rank`). */
export function monAddrs(topo: Topology, rank: number): EntityAddrVec {
  const ip = topo.hostAddrs[rank]!;
  return {
    addrvec: [
      { type: 'v2', addr: `${ip}:3300`, nonce: 0 },
      { type: 'v1', addr: `${ip}:6789`, nonce: 0 },
    ],
  };
}

/** `ceph mon dump`: `n` monitors, one a host from the first, all in quorum. */
export function buildMonMap(topo: Topology, fsid: string, createdMs: number, n: number): MonMap {
  return {
    epoch: n,
    fsid,
    modified: cephStampZ(createdMs + 30_000),
    created: cephStampZ(createdMs),
    min_mon_release: 16,
    min_mon_release_name: 'pacific',
    election_strategy: 1,
    'disallowed_leaders: ': '',
    stretch_mode: false,
    tiebreaker_mon: '',
    'removed_ranks: ': '',
    features: {
      persistent: ['kraken', 'luminous', 'mimic', 'osdmap-prune', 'nautilus', 'octopus', 'pacific', 'elector-pinging'],
      optional: [],
    },
    mons: Array.from({ length: n }, (_, rank) => ({
      rank,
      name: MON_NAMES[rank]!,
      public_addrs: monAddrs(topo, rank),
      addr: `${topo.hostAddrs[rank]}:6789/0`,
      public_addr: `${topo.hostAddrs[rank]}:6789/0`,
      priority: 0,
      weight: 0,
      crush_location: '{}',
    })),
    quorum: Array.from({ length: n }, (_, rank) => rank),
  };
}

const AVAILABLE_MODULES = [
  'alerts',
  'balancer',
  'crash',
  'devicehealth',
  'influx',
  'insights',
  'iostat',
  'localpool',
  'mirroring',
  'nfs',
  'orchestrator',
  'osd_support',
  'pg_autoscaler',
  'progress',
  'prometheus',
  'rbd_support',
  'restful',
  'selftest',
  'snap_schedule',
  'stats',
  'status',
  'telegraf',
  'telemetry',
  'test_orchestrator',
  'volumes',
  'zabbix',
];

const ALWAYS_ON = [
  'balancer',
  'crash',
  'devicehealth',
  'orchestrator',
  'pg_autoscaler',
  'progress',
  'rbd_support',
  'status',
  'telemetry',
  'volumes',
];

/** `ceph mgr dump`: one active manager on the first host, no standbys; module options left out for size. */
export function buildMgrMap(topo: Topology, activeMs: number, osdEpoch: number, nonce: number): MgrMap {
  const ip = topo.hostAddrs[0]!;
  return {
    epoch: 8,
    active_gid: 14150,
    active_name: MGR_NAME,
    active_addrs: {
      addrvec: [
        { type: 'v2', addr: `${ip}:6800`, nonce },
        { type: 'v1', addr: `${ip}:6801`, nonce },
      ],
    },
    active_addr: `${ip}:6801/${nonce}`,
    active_change: cephStamp(activeMs),
    active_mgr_features: MGR_FEATURES,
    available: true,
    standbys: [],
    modules: ['iostat', 'nfs', 'prometheus', 'restful'],
    available_modules: AVAILABLE_MODULES.map((name) => ({ name, can_run: true, error_string: '', module_options: {} })),
    services: { prometheus: `http://${ip}:9283/` },
    always_on_modules: { pacific: ALWAYS_ON },
    last_failure_osd_epoch: Math.max(0, osdEpoch - 5),
    active_clients: [],
  };
}
