import type { DaemonMetadata } from '../../schemas/daemon/perf.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { ServiceMap } from '../../schemas/maps/service-map.ts';
import { cephStamp } from '../cluster/ceph-time.ts';
import { daemonMetadata } from './host-metadata.ts';
import { RGW_PERF_SCHEMA, RgwCounters } from './rgw-counters.ts';
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
}

/**
 * The cluster's RGW daemons, one a host from the last, each in the single-site zone `default`. As a real radosgw
 * does, each registers in the service map under its instance id (its RADOS client's gid) with its metadata (`id`,
 * zone and zonegroup, frontend), opens its session with the manager under that key (`rgw.<gid>`), and reports its
 * counters every stats period.
 */
export class RgwDaemons {
  private readonly daemons: RgwDaemon[];
  private readonly registeredMs: number;

  constructor(
    count: number,
    private readonly topo: Topology,
    private readonly seed: number,
    startMs: number,
    /** S3 requests a second each daemon serves. */
    private readonly requestsPerSec: number,
  ) {
    this.registeredMs = startMs - 3_600_000;
    this.daemons = Array.from({ length: count }, (_, i) => {
      const host = topo.hosts - 1 - (i % topo.hosts);
      const suffix = Array.from({ length: 6 }, (_, k) =>
        String.fromCharCode(97 + (hash32(seed, 0x26f, i, k) % 26)),
      ).join('');
      return {
        id: `default.${topo.hostNames[host]}.${suffix}`,
        gid: 24_200 + 31 * i,
        host,
        nonce: 1000 + (hash32(seed, 0x26e, i) % 4_000_000_000),
        counters: new RgwCounters(),
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
          perf_schema: structuredClone(RGW_PERF_SCHEMA),
        }),
      ),
    ];
  }

  /** Each daemon's report of its counters at `now`, covering the `periodMs` before it. */
  reports(now: number, periodMs: number): ClusterEvent[] {
    return this.daemons.map((d, i) => {
      const noise = 0.8 + (hash32(this.seed, 0x26d, i, Math.floor(now / periodMs)) % 1000) / 2500;
      d.counters.serve(Math.round(this.requestsPerSec * (periodMs / 1000) * noise), periodMs / 1000);
      return { v: 1, t: now, kind: 'daemon_report', daemon: `rgw.${d.gid}`, counters: d.counters.report() };
    });
  }

  /** The metadata it registers with (all strings): its host's, its own, and its zone's. */
  private metadata(d: RgwDaemon, i: number): DaemonMetadata {
    return daemonMetadata(this.topo.hostNames[d.host]!, {
      'frontend_config#0': `beast port=${FRONTEND_PORT}`,
      'frontend_type#0': 'beast',
      id: d.id,
      num_handles: '1',
      pid: String(2000 + (hash32(this.seed, 0x26c, i) % 60_000)),
      realm_id: '',
      realm_name: '',
      zone_id: uuidOf(this.seed, 0x26b, 1),
      zone_name: 'default',
      zonegroup_id: uuidOf(this.seed, 0x26b, 2),
      zonegroup_name: 'default',
    });
  }
}
