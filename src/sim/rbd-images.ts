import type { InitialObject } from '../cluster/cluster-commander.ts';
import { poolKind } from './pool-catalog.ts';
import { hash32 } from './rng.ts';
import type { SimConfig } from './sim-options.ts';

/** An RBD image of a simulated pool: its name, its id (`rbd_data.<id>.` names its objects) and its share of the IO. */
export interface RbdImage {
  readonly name: string;
  readonly id: string;
  readonly share: number;
}

const PREFIX: Readonly<Record<string, string>> = {
  rbd: 'vm-disk-',
  volumes: 'volume-',
  images: 'image-',
  backups: 'backup-',
};

/**
 * The RBD images of each initial pool tagged `rbd` (by pool id), as `rbd ls` lists them: a few a pool, more on a
 * larger cluster (half an image an OSD, 4 to 32), ids of 12 hex digits as librbd makes them. The IO of a pool is
 * spread over its images unevenly, the first busiest (shares 1, 1/2, 1/3, ... of the pool's).
 */
export function initialRbdImages(seed: number, pools: number, osds: number): Map<number, RbdImage[]> {
  const count = Math.max(4, Math.min(32, Math.round(osds / 2)));
  const out = new Map<number, RbdImage[]>();
  for (let i = 0; i < pools; i++) {
    const kind = poolKind(i);
    if (kind.application !== 'rbd') continue;
    const pool = i + 1;
    const weights = Array.from({ length: count }, (_, k) => 1 / (k + 1));
    const total = weights.reduce((s, w) => s + w, 0);
    out.set(
      pool,
      weights.map((w, k) => ({
        name: `${PREFIX[kind.name] ?? 'disk-'}${String(k + 1).padStart(2, '0')}`,
        id: `${(0x1000 + pool * 0x31 + k).toString(16)}${hash32(seed, 0x4bd, pool, k).toString(16).padStart(8, '0')}`,
        share: w / total,
      })),
    );
  }
  return out;
}

/** A string as Ceph encodes it (`encode(std::string)`): its length, 32 bits little-endian, then its bytes. */
function encodeString(s: string): Uint8Array {
  const bytes = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(4 + bytes.length);
  out.writeUInt32LE(bytes.length, 0);
  bytes.copy(out, 4);
  return out;
}

/**
 * The omap of a pool's `rbd_directory` object, as librbd keeps it for format 2 images: `name_<name>` -> the id and
 * `id_<id>` -> the name, each an encoded string.
 */
export function rbdDirectoryOmap(images: readonly RbdImage[]): Record<string, Uint8Array> {
  const omap: Record<string, Uint8Array> = {};
  for (const image of images) {
    omap[`name_${image.name}`] = encodeString(image.id);
    omap[`id_${image.id}`] = encodeString(image.name);
  }
  return omap;
}

/** Each initial RBD pool's `rbd_directory`, for the object store a manager's `this.rados` reads. */
export function initialRbdDirectories(config: SimConfig): InitialObject[] {
  return [...initialRbdImages(config.seed, config.pgNums.length, config.osds)].map(([pool, images]) => ({
    pool: poolKind(pool - 1).name,
    oid: 'rbd_directory',
    omap: rbdDirectoryOmap(images),
  }));
}
