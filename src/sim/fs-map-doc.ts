import type { CompatSet, Filesystem, FsMap, MdsInfo, MdsMap } from '../../schemas/maps/fs-map.ts';
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

/** Where a rank's MDS daemon is: the file system and the rank. */
export interface MdsRole {
  readonly fs: string;
  readonly rank: number;
}

/**
 * The monitors' file system map (`ceph fs dump`, a manager's `get('fs_map')`): the file systems with their pools,
 * and the MDS daemons (standbys, and those holding a rank) when the cluster runs any; without them each file
 * system's rank 0 is in but not up. Changes go to a pending epoch that {@link commit} publishes.
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
    // Its daemons, failed first (`fs fail`), restart as standbys.
    for (const info of Object.values(gone.mdsmap.info)) {
      const { rank: _rank, state: _state, incarnation: _inc, ...rest } = info;
      this.map.standbys.push({ ...rest, rank: -1, incarnation: 0, state: 'up:standby', epoch: this.map.epoch + 1 });
    }
    const filesystems = this.map.filesystems.filter((f) => f !== gone);
    const default_fscid = this.map.default_fscid === gone.id ? -1 : this.map.default_fscid;
    this.map = { ...this.map, default_fscid, filesystems };
    this.dirty = true;
  }

  /** The standby daemons, in the order they joined. */
  standbys(): readonly MdsInfo[] {
    return this.map.standbys;
  }

  /** A daemon joins as a standby (`up:standby`, no rank), as of the pending epoch. */
  addStandby(info: MdsInfo): void {
    this.map.standbys.push({ ...info, rank: -1, state: 'up:standby', epoch: this.map.epoch + 1 });
    this.dirty = true;
  }

  /** The file system and rank daemon `gid` holds, if any. */
  roleOf(gid: number): MdsRole | undefined {
    for (const f of this.map.filesystems) {
      const info = f.mdsmap.info[`gid_${gid}`];
      if (info !== undefined) return { fs: f.mdsmap.fs_name, rank: info.rank };
    }
    return undefined;
  }

  /**
   * Daemon `gid` is gone (it stopped, or the monitors failed it): a standby leaves the map, a rank it held is failed
   * (`fail_mds_gid`). Returns the role it held.
   */
  removeDaemon(gid: number): MdsRole | undefined {
    const standbys = this.map.standbys.filter((s) => s.gid !== gid);
    if (standbys.length !== this.map.standbys.length) {
      this.map.standbys = standbys;
      this.dirty = true;
      return undefined;
    }
    const held = this.dropRankHolder(gid);
    if (held === undefined) return undefined;
    const { m, rank } = held;
    m.failed = [...m.failed, rank].sort((a, b) => a - b);
    m.last_failure = this.map.epoch + 1;
    this.touch(m);
    return { fs: m.fs_name, rank };
  }

  /**
   * Standby `gid` takes `rank` of file system `fs` (`FSMap::promote`): a failed rank it replays (`up:replay`), a
   * stopped one it starts (`up:starting`), a new one it creates (`up:creating`). Its incarnation is the pending epoch.
   */
  promote(gid: number, fs: string, rank: number): void {
    const f = this.get(fs);
    const standby = this.map.standbys.find((s) => s.gid === gid);
    if (f === undefined || standby === undefined) return;
    this.map.standbys = this.map.standbys.filter((s) => s !== standby);
    const m = f.mdsmap;
    const state = m.failed.includes(rank) ? 'up:replay' : m.stopped.includes(rank) ? 'up:starting' : 'up:creating';
    const { epoch: _joined, ...info } = standby;
    m.info[`gid_${gid}`] = {
      ...info,
      rank,
      incarnation: this.map.epoch + 1,
      state,
      state_seq: (info.state_seq ?? 0) + 1,
    };
    m.up[`mds_${rank}`] = gid;
    m.failed = m.failed.filter((r) => r !== rank);
    m.stopped = m.stopped.filter((r) => r !== rank);
    if (!m.in.includes(rank)) m.in = [...m.in, rank].sort((a, b) => a - b);
    this.touch(m);
  }

  /** Daemon `gid`, holding a rank, reports a new state (`up:reconnect`, `up:active`, ...). */
  setState(gid: number, state: string): void {
    for (const f of this.map.filesystems) {
      const info = f.mdsmap.info[`gid_${gid}`];
      if (info === undefined) continue;
      info.state = state;
      info.state_seq = (info.state_seq ?? 0) + 1;
      this.touch(f.mdsmap);
    }
  }

  /** `fs set NAME max_mds N`: the ranks the monitors grow or shrink the file system to. */
  setMaxMds(name: string, n: number): void {
    const f = this.get(name);
    if (f === undefined || f.mdsmap.max_mds === n) return;
    f.mdsmap.max_mds = n;
    this.touch(f.mdsmap);
  }

  /** Takes daemon `gid` out of the MDS map whose rank it holds: the map and the rank, or `undefined` if it holds none. */
  private dropRankHolder(gid: number): { m: MdsMap; rank: number } | undefined {
    for (const f of this.map.filesystems) {
      const m = f.mdsmap;
      const info = m.info[`gid_${gid}`];
      if (info === undefined) continue;
      delete m.info[`gid_${gid}`];
      delete m.up[`mds_${info.rank}`];
      return { m, rank: info.rank };
    }
    return undefined;
  }

  /** Daemon `gid` has stopped its rank (after `up:stopping`): the rank leaves `in` for `stopped`, the daemon the map. */
  finishStopping(gid: number): void {
    const held = this.dropRankHolder(gid);
    if (held === undefined) return;
    const { m, rank } = held;
    m.in = m.in.filter((r) => r !== rank);
    m.stopped = [...m.stopped, rank].sort((a, b) => a - b);
    this.touch(m);
  }

  private touch(m: MdsMap): void {
    m.epoch = this.map.epoch + 1;
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
