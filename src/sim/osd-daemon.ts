import { CEPH_PERF_SCHEMA } from '../../schemas/daemon/ceph-perf-schema.ts';
import type { CounterValue, DaemonMetadata, PerfSchema } from '../../schemas/daemon/perf.ts';
import { cephStampZ } from '../cluster/ceph-time.ts';
import { BLUESTORE_PERF_SCHEMA, bluestoreCounters } from './bluestore-counters.ts';
import { CEPH_VERSION, daemonMetadata } from './host-metadata.ts';
import { osdAddrs } from './osd-addrs.ts';
import { osdDevice } from './osd-device.ts';
import { driveOfOsd, type Topology } from './topology.ts';

/** The OSD's own counters the simulator reports, in the order its schema lists them. */
const OSD_COUNTERS = [
  'objecter.op_active',
  'osd.numpg',
  'osd.numpg_removing',
  'osd.op',
  'osd.op_in_bytes',
  'osd.op_latency',
  'osd.op_out_bytes',
  'osd.op_process_latency',
  'osd.op_r',
  'osd.op_r_latency',
  'osd.op_r_out_bytes',
  'osd.op_rw',
  'osd.op_w',
  'osd.op_w_in_bytes',
  'osd.op_w_latency',
  'osd.op_wip',
  'osd.recovery_bytes',
  'osd.recovery_ops',
  'osd.stat_bytes',
  'osd.stat_bytes_used',
] as const;

/**
 * The OSD perf counters the simulator reports: a compact subset of a Pacific OSD's schema, each entry Ceph's own
 * (`CEPH_PERF_SCHEMA`, copied from a real one), and BlueStore's and BlueFS's counters of priority 5 and up. Type 10
 * is a counter (U64|COUNTER), 2 a gauge, 5 a time average (TIME|LONGRUNAVG) whose sum is in nanoseconds.
 */
export const OSD_PERF_SCHEMA: PerfSchema = {
  ...Object.fromEntries(OSD_COUNTERS.map((path) => [path, CEPH_PERF_SCHEMA.osd![path]!])),
  ...BLUESTORE_PERF_SCHEMA,
};

/** An OSD's cumulative client and recovery counters, one element per OSD. */
export class OsdCounters {
  readonly opR: Float64Array;
  readonly opW: Float64Array;
  readonly inBytes: Float64Array;
  readonly outBytes: Float64Array;
  /** Sums of op latencies, in ns. */
  readonly rLatNs: Float64Array;
  readonly wLatNs: Float64Array;
  readonly recoveryOps: Float64Array;
  readonly recoveryBytes: Float64Array;
  /** Operations in flight at the last report (a gauge). */
  readonly wip: Float64Array;
  /** Shards repaired since the OSD started (its `osd_stat.num_shards_repaired`). */
  readonly shardsRepaired: Float64Array;

  constructor(osds: number) {
    this.opR = new Float64Array(osds);
    this.opW = new Float64Array(osds);
    this.inBytes = new Float64Array(osds);
    this.outBytes = new Float64Array(osds);
    this.rLatNs = new Float64Array(osds);
    this.wLatNs = new Float64Array(osds);
    this.recoveryOps = new Float64Array(osds);
    this.recoveryBytes = new Float64Array(osds);
    this.wip = new Float64Array(osds);
    this.shardsRepaired = new Float64Array(osds);
  }

  /** The `daemon_report` counters of one OSD, with its PG count and space figures (`metaBytes` of `usedBytes` BlueStore's own). */
  report(
    o: number,
    numPgs: number,
    removing: number,
    statBytes: number,
    usedBytes: number,
    metaBytes: number,
  ): Record<string, CounterValue> {
    const r = this.opR[o]!;
    const w = this.opW[o]!;
    const avg = (count: number, sumNs: number) => ({ avgcount: count, sum: Math.round(sumNs) });
    return {
      'objecter.op_active': 0,
      'osd.numpg': numPgs,
      'osd.numpg_removing': removing,
      'osd.op': r + w,
      'osd.op_in_bytes': this.inBytes[o]!,
      'osd.op_latency': avg(r + w, this.rLatNs[o]! + this.wLatNs[o]!),
      'osd.op_out_bytes': this.outBytes[o]!,
      'osd.op_process_latency': avg(r + w, (this.rLatNs[o]! + this.wLatNs[o]!) * 0.8),
      'osd.op_r': r,
      'osd.op_r_latency': avg(r, this.rLatNs[o]!),
      'osd.op_r_out_bytes': this.outBytes[o]!,
      'osd.op_rw': 0,
      'osd.op_w': w,
      'osd.op_w_in_bytes': this.inBytes[o]!,
      'osd.op_w_latency': avg(w, this.wLatNs[o]!),
      'osd.op_wip': this.wip[o]!,
      'osd.recovery_bytes': this.recoveryBytes[o]!,
      'osd.recovery_ops': this.recoveryOps[o]!,
      'osd.stat_bytes': statBytes,
      'osd.stat_bytes_used': usedBytes,
      ...bluestoreCounters({
        opR: r,
        opW: w,
        inBytes: this.inBytes[o]!,
        rLatNs: this.rLatNs[o]!,
        wLatNs: this.wLatNs[o]!,
        recoveryOps: this.recoveryOps[o]!,
        totalBytes: statBytes,
        dataBytes: Math.max(0, usedBytes - metaBytes),
        metaBytes: Math.min(metaBytes, usedBytes),
      }),
    };
  }
}

/** The version every simulated daemon runs, as its metadata gives it. */
export { CEPH_VERSION };

/** `ceph osd metadata` for one OSD (all strings), shaped like a real BlueStore OSD on its host. */
export function osdMetadata(topo: Topology, o: number, nonce: number, seed: number, createdMs: number): DaemonMetadata {
  const host = topo.hostNames[topo.osdHost[o]!]!;
  const a = osdAddrs(topo, o, nonce).meta;
  const k = driveOfOsd(topo, o);
  const { dev, devid, path } = osdDevice(topo, o, seed);
  return daemonMetadata(host, {
    back_addr: a.back,
    back_iface: 'eth1',
    bluefs: '1',
    bluefs_dedicated_db: '0',
    bluefs_dedicated_wal: '0',
    bluefs_single_shared_device: '1',
    bluestore_bdev_access_mode: 'blk',
    bluestore_bdev_dev_node: `/dev/dm-${k}`,
    bluestore_bdev_rotational: '1',
    bluestore_bdev_size: String(topo.osdBytes[o]!),
    bluestore_bdev_type: 'hdd',
    ceph_version_when_created: CEPH_VERSION,
    container_name: '',
    created_at: cephStampZ(createdMs + o),
    default_device_class: 'hdd',
    device_ids: `${dev}=${devid}`,
    device_paths: `${dev}=${path}`,
    devices: dev,
    front_addr: a.front,
    front_iface: 'eth0',
    hb_back_addr: a.hbBack,
    hb_front_addr: a.hbFront,
    journal_rotational: '1',
    network_numa_unknown_ifaces: 'back_iface,front_iface',
    objectstore_numa_unknown_devices: dev,
    osd_data: `/var/lib/ceph/osd/ceph-${o}`,
    osd_objectstore: 'bluestore',
    osdspec_affinity: '',
    rotational: '1',
  });
}
