import type { DaemonMetadata } from '../../schemas/daemon/index.ts';

/** The version string every simulated daemon reports. */
export const CEPH_VERSION = 'ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)';

/** What every simulated daemon's metadata says of its build and its host (all hosts are alike). */
const HOST_METADATA: Readonly<Record<string, string>> = {
  arch: 'x86_64',
  ceph_release: 'pacific',
  ceph_version: CEPH_VERSION,
  ceph_version_short: '16.2.15',
  cpu: 'Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz',
  distro: 'rhel',
  distro_description: 'Red Hat Enterprise Linux 8.8 (Ootpa)',
  distro_version: '8.8',
  kernel_description: '#1 SMP Thu Jun 8 19:27:49 EDT 2023',
  kernel_version: '4.18.0-477.13.1.el8_8.x86_64',
  mem_swap_kb: '0',
  mem_total_kb: '196438024',
  os: 'Linux',
};

/** A daemon's metadata: the host's and build's fields, its hostname and its own, keys in code-unit order as Ceph's. */
export function daemonMetadata(hostname: string, own: Readonly<Record<string, string>>): DaemonMetadata {
  const all: Record<string, string> = { ...HOST_METADATA, hostname, ...own };
  const out: Record<string, string> = {};
  for (const k of Object.keys(all).sort()) out[k] = all[k]!;
  return out;
}
