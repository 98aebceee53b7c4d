/** What a simulated pool is for: its name, the application Ceph tags it with, and the size of its objects. */
export interface PoolKind {
  readonly name: string;
  readonly application: string;
  /** Mean object size in bytes: RBD's 4 MiB stripes, CephFS files, RGW's head objects. */
  readonly objectBytes: number;
  /** Share of the cluster's data this kind of pool holds, relative to the others (metadata pools hold little). */
  readonly dataShare: number;
}

const MiB = 1 << 20;

const KINDS: readonly PoolKind[] = [
  { name: 'rbd', application: 'rbd', objectBytes: 4 * MiB, dataShare: 1 },
  { name: 'cephfs.data', application: 'cephfs', objectBytes: 1 * MiB, dataShare: 1 },
  { name: 'rgw.buckets.data', application: 'rgw', objectBytes: 256 * 1024, dataShare: 1 },
  { name: 'cephfs.meta', application: 'cephfs', objectBytes: 4096, dataShare: 0.002 },
  { name: 'rgw.buckets.index', application: 'rgw', objectBytes: 1024, dataShare: 0.001 },
  { name: 'volumes', application: 'rbd', objectBytes: 4 * MiB, dataShare: 1 },
  { name: 'images', application: 'rbd', objectBytes: 4 * MiB, dataShare: 0.5 },
  { name: 'backups', application: 'rbd', objectBytes: 4 * MiB, dataShare: 0.5 },
];

/** The kind of the `i`th initial pool: the list above, then `pool<N>` RBD pools. */
export function poolKind(i: number): PoolKind {
  return KINDS[i] ?? { name: `pool${i + 1}`, application: 'rbd', objectBytes: 4 * MiB, dataShare: 1 };
}

/** Pools created later (by the scenario or `osd pool create`) are RBD-like until told otherwise. */
export function createdPoolKind(name: string): PoolKind {
  return { name, application: 'rbd', objectBytes: 4 * MiB, dataShare: 1 };
}
