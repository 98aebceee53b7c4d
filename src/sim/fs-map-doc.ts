import type { CompatSet, Filesystem, FsMap, MdsMap } from '../../schemas/maps/fs-map.ts';
import { cephStamp } from '../cluster/ceph-time.ts';

/** The MDS compat set a Pacific cluster prints (`ceph fs dump`). */
const COMPAT: CompatSet = {
  compat: {},
  ro_compat: {},
  incompat: {
    feature_1: 'base v0.20',
    feature_2: 'client writeable ranges',
    feature_3: 'default file layouts on dirs',
    feature_4: 'dir inode in separate object',
    feature_5: 'mds uses versioned encoding',
    feature_6: 'dirfrag is stored in omap',
    feature_8: 'no anchor table',
    feature_9: 'file layout v2',
    feature_10: 'snaprealm v2',
  },
};

/** `allow_snaps` and `allow_multimds_snaps`, which a new file system has. */
const NEW_FS_FLAGS = 18;

/**
 * The monitors' file system map (`ceph fs dump`, a manager's `get('fs_map')`): the file systems with their pools.
 * No MDS daemons run in the simulated cluster, so each file system's rank 0 is in but not up, and there are no
 * standbys. Changes go to a pending epoch that {@link commit} publishes.
 */
export class FsMapDoc {
  private map: FsMap = {
    epoch: 1,
    default_fscid: -1,
    compat: COMPAT,
    feature_flags: { enable_multiple: true, ever_enabled_multiple: true },
    standbys: [],
    filesystems: [],
  };
  private nextFscid = 1;
  /** Set by a change: the next {@link commit} publishes it. A cluster that never had a file system sends no map. */
  private dirty = false;

  /** The file system of that name. */
  get(name: string): Filesystem | undefined {
    return this.map.filesystems.find((f) => f.mdsmap.fs_name === name);
  }

  /** The file systems, in creation order. */
  list(): readonly Filesystem[] {
    return this.map.filesystems;
  }

  /** The file system that uses pool `id`, if any. */
  poolUser(id: number): string | undefined {
    return this.map.filesystems.find((f) => f.mdsmap.metadata_pool === id || f.mdsmap.data_pools.includes(id))?.mdsmap
      .fs_name;
  }

  /** Adds a file system over existing pools; the first one becomes the default (the legacy client fscid). */
  create(name: string, metadataPool: number, dataPool: number, now: number): Filesystem {
    const id = this.nextFscid++;
    const stamp = cephStamp(now);
    const mdsmap: MdsMap = {
      epoch: this.map.epoch + 1,
      flags: NEW_FS_FLAGS,
      ever_allowed_features: 0,
      explicitly_allowed_features: 0,
      created: stamp,
      modified: stamp,
      tableserver: 0,
      root: 0,
      session_timeout: 60,
      session_autoclose: 300,
      min_compat_client: '0 (unknown)',
      max_file_size: 1099511627776,
      last_failure: 0,
      last_failure_osd_epoch: 0,
      compat: COMPAT,
      max_mds: 1,
      in: [0],
      up: {},
      failed: [],
      damaged: [],
      stopped: [],
      info: {},
      data_pools: [dataPool],
      metadata_pool: metadataPool,
      enabled: true,
      fs_name: name,
      balancer: '',
      standby_count_wanted: 1,
    };
    const fs: Filesystem = { mdsmap, id };
    this.map = {
      ...this.map,
      default_fscid: this.map.filesystems.length === 0 ? id : this.map.default_fscid,
      filesystems: [...this.map.filesystems, fs],
    };
    this.dirty = true;
    return fs;
  }

  /** Removes a file system (its pools stay, as `fs rm` leaves them). */
  remove(name: string): void {
    const gone = this.get(name);
    if (gone === undefined) return;
    const filesystems = this.map.filesystems.filter((f) => f !== gone);
    const default_fscid = this.map.default_fscid === gone.id ? -1 : this.map.default_fscid;
    this.map = { ...this.map, default_fscid, filesystems };
    this.dirty = true;
  }

  /** The map as `ceph fs dump` prints it now. */
  snapshot(): FsMap {
    return structuredClone(this.map);
  }

  /** Publishes the pending changes as the next epoch: the map to send, or null when nothing changed. */
  commit(): FsMap | null {
    if (!this.dirty) return null;
    this.dirty = false;
    this.map = { ...this.map, epoch: this.map.epoch + 1 };
    return this.snapshot();
  }
}
