import type { OsdDevice } from './device-failures.ts';
import { driveOfOsd, type Topology } from './topology.ts';
import { uuidOf } from './uuid-of.ts';

/** OSD `o`'s data device: its kernel name and by-path path on its host, its device id (`<model>_<serial>`). */
export function osdDevice(topo: Topology, o: number, seed: number): OsdDevice {
  const k = driveOfOsd(topo, o);
  const dev = `sd${String.fromCharCode(98 + (k % 24))}`;
  const devid = `ST${Math.round(topo.osdBytes[o]! / 1e12)}000NM0008_${uuidOf(seed, o, 31).slice(0, 8).toUpperCase()}`;
  const path = `/dev/disk/by-path/pci-0000:3b:00.0-scsi-0:0:${k}:0`;
  return { devid, host: topo.hostNames[topo.osdHost[o]!]!, dev, path };
}
