import { driveOfOsd, type Topology } from './topology.ts';

/** The four addresses of an OSD (public, cluster, heartbeat back and front), each a v2 and a v1 port. */
export function osdAddrs(topo: Topology, osd: number, nonce: number) {
  const host = topo.osdHost[osd]!;
  const ip = topo.hostAddrs[host]!;
  const k = driveOfOsd(topo, osd);
  const port = 6800 + 8 * k;
  const vec = (p: number) => ({
    addrvec: [
      { type: 'v2', addr: `${ip}:${p}`, nonce },
      { type: 'v1', addr: `${ip}:${p + 1}`, nonce },
    ],
  });
  const legacy = (p: number) => `${ip}:${p + 1}/${nonce}`;
  const brackets = (p: number) => `[v2:${ip}:${p}/${nonce},v1:${ip}:${p + 1}/${nonce}]`;
  return {
    public_addrs: vec(port),
    cluster_addrs: vec(port + 2),
    heartbeat_back_addrs: vec(port + 4),
    heartbeat_front_addrs: vec(port + 6),
    public_addr: legacy(port),
    cluster_addr: legacy(port + 2),
    heartbeat_back_addr: legacy(port + 4),
    heartbeat_front_addr: legacy(port + 6),
    /** The `[v2:...,v1:...]` forms the OSD's metadata uses. */
    meta: { front: brackets(port), back: brackets(port + 2), hbBack: brackets(port + 4), hbFront: brackets(port + 6) },
  };
}

/** The address fields of an OSD map entry, in the order `ceph osd dump` prints them. */
export const ADDR_FIELDS = [
  'public_addrs',
  'cluster_addrs',
  'heartbeat_back_addrs',
  'heartbeat_front_addrs',
  'public_addr',
  'cluster_addr',
  'heartbeat_back_addr',
  'heartbeat_front_addr',
] as const;
