import { createRng } from './rng.ts';
import type { SimConfig } from './sim-options.ts';

/** CRUSH weights are 16.16 fixed point: 0x10000 is 1.0 (one TiB of capacity, by convention). */
export const WEIGHT_ONE = 0x10000;

/**
 * Above this many hosts the CRUSH tree gets a rack level, as large clusters have: straw2 costs one draw per item of
 * a bucket, so a flat root of a thousand hosts would make every placement a thousand draws.
 */
export const FLAT_HOST_LIMIT = 24;

/** Empty drives each host has beyond those its OSDs use: room for an orchestrator to deploy OSDs on. */
export const SPARE_DRIVES_PER_HOST = 2;

/** Drive sizes a host is built from (bytes); each host has one size, as real hosts mostly do. */
const DRIVE_BYTES = [4e12, 8e12, 12e12] as const;

/** A compressed list of lists: the items of bucket `b` are `items[start[b]] .. items[start[b + 1] - 1]`. */
export interface Csr {
  readonly start: Int32Array;
  readonly items: Int32Array;
}

/**
 * The physical cluster: OSDs on hosts, hosts in racks (for large clusters), each OSD's capacity and CRUSH weight,
 * and the CRUSH bucket ids Ceph would give them (root -1 and its device-class shadow -2, then each bucket and its
 * shadow in turn).
 */
export interface Topology {
  /** OSDs that exist (ids 0..osds-1); grows when {@link addOsd} creates one. */
  osds: number;
  /** How many OSDs the per-OSD arrays have room for: the first OSDs plus one per spare drive. */
  readonly capacity: number;
  /** Each host's drives (`/dev/sdb`, ...): those of its OSDs first, then its spare ones. */
  readonly hostDrives: readonly number[];
  readonly hosts: number;
  /** 0 when hosts hang off the root directly. */
  readonly racks: number;
  readonly hostNames: readonly string[];
  readonly rackNames: readonly string[];
  /** Each host's address on the public network. */
  readonly hostAddrs: readonly string[];
  readonly osdHost: Int32Array;
  readonly hostRack: Int32Array;
  readonly hostOsds: Csr;
  readonly rackHosts: Csr;
  /** CRUSH weight (16.16) of each OSD: its capacity in TiB. */
  readonly osdWeight: Int32Array;
  readonly hostWeight: Float64Array;
  readonly rackWeight: Float64Array;
  /** Raw capacity of each OSD in bytes. */
  readonly osdBytes: Float64Array;
  readonly hostBucketId: Int32Array;
  readonly rackBucketId: Int32Array;
}

/** The CRUSH bucket id of a bucket created `n`th (0-based) after the root, and of its shadow: -3/-4, -5/-6, ... */
export function bucketIdOf(n: number): number {
  return -(3 + 2 * n);
}

/** Groups items `0..count-1` by `groupOf`, into `into` when given (so holders of the arrays see the change). */
function csr(groups: number, groupOf: Int32Array, count = groupOf.length, into?: Csr): Csr {
  const start = into?.start ?? new Int32Array(groups + 1);
  start.fill(0);
  for (let i = 0; i < count; i++) start[groupOf[i]! + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const fill = start.slice(0, groups);
  const items = into?.items ?? new Int32Array(groupOf.length);
  for (let i = 0; i < count; i++) items[fill[groupOf[i]!]!++] = i;
  return { start, items };
}

function names(prefix: string, n: number): string[] {
  const width = Math.max(2, String(n).length);
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
}

/** Builds the topology for a config: OSD ids are consecutive per host, as `ceph-volume` deploys them. */
export function createTopology(
  config: Pick<SimConfig, 'osds' | 'hosts' | 'seed'>,
  spareDrivesPerHost = SPARE_DRIVES_PER_HOST,
): Topology {
  const { osds, hosts } = config;
  const capacity = osds + hosts * spareDrivesPerHost;
  const rng = createRng(config.seed ^ 0x7090);
  const racks = hosts > FLAT_HOST_LIMIT ? Math.ceil(Math.sqrt(hosts)) : 0;
  const osdHost = new Int32Array(capacity);
  const base = Math.floor(osds / hosts);
  const extra = osds % hosts;
  let id = 0;
  for (let h = 0; h < hosts; h++) {
    const n = base + (h < extra ? 1 : 0);
    for (let k = 0; k < n; k++) osdHost[id++] = h;
  }
  const hostRack = new Int32Array(hosts);
  for (let h = 0; h < hosts; h++) hostRack[h] = racks === 0 ? 0 : Math.floor((h * racks) / hosts);

  const osdBytes = new Float64Array(capacity);
  const osdWeight = new Int32Array(capacity);
  const hostBytes = Array.from({ length: hosts }, () => DRIVE_BYTES[rng.int(DRIVE_BYTES.length)]!);
  for (let o = 0; o < osds; o++) {
    osdBytes[o] = hostBytes[osdHost[o]!]!;
    osdWeight[o] = Math.round((osdBytes[o]! / 2 ** 40) * WEIGHT_ONE);
  }
  const hostWeight = new Float64Array(hosts);
  for (let o = 0; o < osds; o++) hostWeight[osdHost[o]!]! += osdWeight[o]!;
  const rackWeight = new Float64Array(Math.max(racks, 1));
  for (let h = 0; h < hosts; h++) rackWeight[hostRack[h]!]! += hostWeight[h]!;

  // Buckets are created rack by rack, each rack followed by its hosts, as `ceph osd crush add-bucket` would.
  const rackBucketId = new Int32Array(racks);
  const hostBucketId = new Int32Array(hosts);
  let n = 0;
  let h = 0;
  for (let r = 0; r < Math.max(racks, 1); r++) {
    if (racks > 0) rackBucketId[r] = bucketIdOf(n++);
    for (; h < hosts && hostRack[h] === r; h++) hostBucketId[h] = bucketIdOf(n++);
  }

  const hostAddrs = Array.from({ length: hosts }, (_, i) => {
    const k = i + 10;
    return `10.${1 + Math.floor(k / 64_000)}.${Math.floor(k / 250) % 256}.${(k % 250) + 2}`;
  });
  const hostDrives = Array.from({ length: hosts }, (_, h) => base + (h < extra ? 1 : 0) + spareDrivesPerHost);
  return {
    osds,
    capacity,
    hostDrives,
    hosts,
    racks,
    hostNames: names('node', hosts),
    rackNames: names('rack', racks),
    hostAddrs,
    osdHost,
    hostRack,
    hostOsds: csr(hosts, osdHost, osds),
    rackHosts: csr(Math.max(racks, 1), hostRack),
    osdWeight,
    hostWeight,
    rackWeight,
    osdBytes,
    hostBucketId,
    rackBucketId,
  };
}

/** Where an OSD sits, as Ceph's health details print it: `root=default,rack=rack01,host=node003`. */
export function crushLocation(topo: Topology, osd: number): string {
  const h = topo.osdHost[osd]!;
  const rack = topo.racks > 0 ? `rack=${topo.rackNames[topo.hostRack[h]!]},` : '';
  return `root=default,${rack}host=${topo.hostNames[h]}`;
}

/** The drive size of a host: its OSDs' size, or (for a host without OSDs) the smallest size. */
function hostDriveBytes(topo: Topology, host: number): number {
  const { start, items } = topo.hostOsds;
  return start[host + 1]! > start[host]! ? topo.osdBytes[items[start[host]!]!]! : DRIVE_BYTES[0];
}

/** Which of its host's drives OSD `osd` sits on (0 for `/dev/sdb`): its place among the host's OSDs. */
export function driveOfOsd(topo: Topology, osd: number): number {
  const host = topo.osdHost[osd]!;
  const { start, items } = topo.hostOsds;
  for (let i = start[host]!; i < start[host + 1]!; i++) if (items[i] === osd) return i - start[host]!;
  return 0;
}

/** A drive's device path: `/dev/sdb` for drive 0, as the OSDs' metadata names them. */
export function drivePath(drive: number): string {
  return `/dev/sd${String.fromCharCode(98 + (drive % 24))}`;
}

/**
 * Puts a new OSD (the next id) on the next free drive of `host`, as `ceph-volume` does when an orchestrator deploys
 * one: its capacity is the host's drive size, and its CRUSH weight adds to the host's (and rack's). Returns the new
 * id, or -1 when the host has no free drive. The CSR arrays are rebuilt in place, so placement sees the new OSD.
 */
export function addOsd(topo: Topology, host: number): number {
  const used = topo.hostOsds.start[host + 1]! - topo.hostOsds.start[host]!;
  if (used >= topo.hostDrives[host]! || topo.osds >= topo.capacity) return -1;
  const osd = topo.osds;
  const bytes = hostDriveBytes(topo, host);
  topo.osdHost[osd] = host;
  topo.osdBytes[osd] = bytes;
  topo.osdWeight[osd] = Math.round((bytes / 2 ** 40) * WEIGHT_ONE);
  topo.hostWeight[host]! += topo.osdWeight[osd]!;
  topo.rackWeight[topo.hostRack[host]!]! += topo.osdWeight[osd]!;
  topo.osds = osd + 1;
  csr(topo.hosts, topo.osdHost, topo.osds, topo.hostOsds);
  return osd;
}
