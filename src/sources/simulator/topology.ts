import { createRng } from './rng.ts';
import type { SimConfig } from './sim-options.ts';

/** CRUSH weights are 16.16 fixed point: 0x10000 is 1.0 (one TiB of capacity, by convention). */
export const WEIGHT_ONE = 0x10000;

/**
 * Above this many hosts the CRUSH tree gets a rack level, as large clusters have: straw2 costs one draw per item of
 * a bucket, so a flat root of a thousand hosts would make every placement a thousand draws.
 */
export const FLAT_HOST_LIMIT = 24;

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
  readonly osds: number;
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

function csr(groups: number, groupOf: Int32Array): Csr {
  const start = new Int32Array(groups + 1);
  for (const g of groupOf) start[g + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const fill = start.slice(0, groups);
  const items = new Int32Array(groupOf.length);
  groupOf.forEach((g, i) => {
    items[fill[g]!++] = i;
  });
  return { start, items };
}

function names(prefix: string, n: number): string[] {
  const width = Math.max(2, String(n).length);
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`);
}

/** Builds the topology for a config: OSD ids are consecutive per host, as `ceph-volume` deploys them. */
export function createTopology(config: Pick<SimConfig, 'osds' | 'hosts' | 'seed'>): Topology {
  const { osds, hosts } = config;
  const rng = createRng(config.seed ^ 0x7090);
  const racks = hosts > FLAT_HOST_LIMIT ? Math.ceil(Math.sqrt(hosts)) : 0;
  const osdHost = new Int32Array(osds);
  const base = Math.floor(osds / hosts);
  const extra = osds % hosts;
  let id = 0;
  for (let h = 0; h < hosts; h++) {
    const n = base + (h < extra ? 1 : 0);
    for (let k = 0; k < n; k++) osdHost[id++] = h;
  }
  const hostRack = new Int32Array(hosts);
  for (let h = 0; h < hosts; h++) hostRack[h] = racks === 0 ? 0 : Math.floor((h * racks) / hosts);

  const osdBytes = new Float64Array(osds);
  const osdWeight = new Int32Array(osds);
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
  return {
    osds,
    hosts,
    racks,
    hostNames: names('node', hosts),
    rackNames: names('rack', racks),
    hostAddrs,
    osdHost,
    hostRack,
    hostOsds: csr(hosts, osdHost),
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
