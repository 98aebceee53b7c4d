import type { DaemonMetadata } from '../../schemas/daemon/perf.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { ServiceMap } from '../../schemas/maps/service-map.ts';
import { cephStamp } from '../cluster/ceph-time.ts';
import { daemonMetadata } from './host-metadata.ts';
import { PUT_BYTES, RGW_PERF_SCHEMA, RgwCounters } from './rgw-counters.ts';
import { RgwSyncCounters, syncSchema } from './rgw-sync-counters.ts';
import { hash32 } from './rng.ts';
import type { Topology } from './topology.ts';
import { uuidOf } from './uuid-of.ts';

/** The RGW frontend a daemon serves S3 on. */
const FRONTEND_PORT = 8080;

interface RgwDaemon {
  /** Its name without the `client.rgw.` prefix (`default.node-3.kqzrmx`): the `id` in its metadata. */
  readonly id: string;
  readonly gid: number;
  readonly host: number;
  readonly nonce: number;
  readonly counters: RgwCounters;
  /** Its zone's index in the zone group. */
  readonly zone: number;
  /** Its data sync from each other zone of the zone group (none single-site). */
  readonly syncs: readonly RgwSyncCounters[];
}

/**
 * The zones of a multisite zone group of `count` zones: `zone`, `zone2`, `zone3`, ... Single-site, the one zone is
 * `default`, as `radosgw` makes it.
 */
export function zoneNames(count: number): string[] {
  if (count <= 1) return ['default'];
  return Array.from({ length: count }, (_, i) => (i === 0 ? 'zone' : `zone${i + 1}`));
}

/**
 * The cluster's RGW daemons, one a host from the last, each in the single-site zone `default`, or, with `zones` of 2
 * and more, dealt in turn to the zones of a multisite zone group ({@link zoneNames}) of the realm `default`. As a
 * real radosgw does, each registers in the service map under its instance id (its RADOS client's gid) with its
 * metadata (`id`, zone and zonegroup, frontend), opens its session with the manager under that key (`rgw.<gid>`),
 * and reports its counters every stats period; in a multisite zone group also a `data-sync-from-<zone>` set for
 * each other zone, replicating the objects that zone's daemons were sent (its PUTs), shared among the daemons of
 * its own zone.
 */
export class RgwDaemons {
  private readonly daemons: RgwDaemon[];
  private readonly registeredMs: number;
  private readonly zones: readonly string[];

  constructor(
    count: number,
    private readonly topo: Topology,
    private readonly seed: number,
    startMs: number,
    /** S3 requests a second each daemon serves. */
    private readonly requestsPerSec: number,
    /** Zones of the zone group: 1 is single-site. */
    zones = 1,
  ) {
    this.registeredMs = startMs - 3_600_000;
    this.zones = zoneNames(zones);
    this.daemons = Array.from({ length: count }, (_, i) => {
      const zone = i % this.zones.length;
      const host = topo.hosts - 1 - (i % topo.hosts);
      const suffix = Array.from({ length: 6 }, (_, k) =>
        String.fromCharCode(97 + (hash32(seed, 0x26f, i, k) % 26)),
      ).join('');
      return {
        id: `${this.zones[zone]}.${topo.hostNames[host]}.${suffix}`,
        gid: 24_200 + 31 * i,
        host,
        nonce: 1000 + (hash32(seed, 0x26e, i) % 4_000_000_000),
        counters: new RgwCounters(),
        zone,
        syncs: this.zones.filter((_, z) => z !== zone).map((name) => new RgwSyncCounters(name)),
      };
    });
  }

  /** `ceph service dump` with the daemons registered (one epoch each). */
  serviceMap(): ServiceMap {
    const daemons: Record<string, unknown> = { summary: '' };
    this.daemons.forEach((d, i) => {
      daemons[String(d.gid)] = {
        start_epoch: i + 2,
        start_stamp: cephStamp(this.registeredMs + i * 2000),
        gid: d.gid,
        addr: `${this.topo.hostAddrs[d.host]}:0/${d.nonce}`,
        metadata: this.metadata(d, i),
        task_status: {},
      };
    });
    return {
      epoch: this.daemons.length + 1,
      modified: cephStamp(this.registeredMs + (this.daemons.length - 1) * 2000),
      services: { rgw: { daemons } } as ServiceMap['services'],
    };
  }

  /** What a manager learns of them first: the service map, and each daemon's session. */
  openEvents(now: number): ClusterEvent[] {
    const map = this.serviceMap();
    return [
      { v: 1, t: now, kind: 'service_map', epoch: map.epoch, map },
      ...this.daemons.map(
        (d, i): ClusterEvent => ({
          v: 1,
          t: now,
          kind: 'daemon_open',
          daemon: `rgw.${d.gid}`,
          hostname: this.topo.hostNames[d.host]!,
          metadata: this.metadata(d, i),
          perf_schema: Object.assign(
            structuredClone(RGW_PERF_SCHEMA),
            ...d.syncs.map((sync) => syncSchema(sync.sourceZone)),
          ),
        }),
      ),
    ];
  }

  /** Each daemon's report of its counters at `now`, covering the `periodMs` before it. */
  reports(now: number, periodMs: number): ClusterEvent[] {
    const seconds = periodMs / 1000;
    const puts = this.zones.map(() => 0);
    this.daemons.forEach((d, i) => {
      const noise = 0.8 + (hash32(this.seed, 0x26d, i, Math.floor(now / periodMs)) % 1000) / 2500;
      puts[d.zone]! += d.counters.serve(Math.round(this.requestsPerSec * seconds * noise), seconds);
    });
    const perZone = this.zones.map((_, z) => this.daemons.filter((d) => d.zone === z).length);
    return this.daemons.map((d) => {
      const counters = d.counters.report();
      for (const sync of d.syncs) {
        const objects = Math.round(puts[this.zones.indexOf(sync.sourceZone)]! / perZone[d.zone]!);
        sync.sync(objects, objects * PUT_BYTES, seconds);
        Object.assign(counters, sync.report());
      }
      return { v: 1, t: now, kind: 'daemon_report', daemon: `rgw.${d.gid}`, counters };
    });
  }

  /** The metadata it registers with (all strings): its host's, its own, and its zone's. */
  private metadata(d: RgwDaemon, i: number): DaemonMetadata {
    const multisite = this.zones.length > 1;
    return daemonMetadata(this.topo.hostNames[d.host]!, {
      'frontend_config#0': `beast port=${FRONTEND_PORT}`,
      'frontend_type#0': 'beast',
      id: d.id,
      num_handles: '1',
      pid: String(2000 + (hash32(this.seed, 0x26c, i) % 60_000)),
      realm_id: multisite ? uuidOf(this.seed, 0x26b, 3) : '',
      realm_name: multisite ? 'default' : '',
      zone_id: uuidOf(this.seed, 0x26b, d.zone === 0 ? 1 : 16 + d.zone),
      zone_name: this.zones[d.zone]!,
      zonegroup_id: uuidOf(this.seed, 0x26b, 2),
      zonegroup_name: 'default',
    });
  }
}
