import { z } from 'zod';
import { EntityAddrVecSchema } from './mon-map.ts';

const Int = z.number().int();
const Epoch = z.number().int().nonnegative();

/** A CompatSet (`{compat, ro_compat, incompat}`, each `feature_N` -> description). */
export const CompatSetSchema = z.looseObject({
  compat: z.record(z.string(), z.string()),
  ro_compat: z.record(z.string(), z.string()),
  incompat: z.record(z.string(), z.string()),
});
/** What {@link CompatSetSchema} parses to. */
export type CompatSet = z.infer<typeof CompatSetSchema>;

/** One MDS daemon as `ceph fs dump` prints it, in `standbys` and in a file system's `mdsmap.info`. */
export const MdsInfoSchema = z.looseObject({
  gid: Int,
  name: z.string(),
  /** -1 for a standby. */
  rank: Int,
  /** `up:active`, `up:standby`, `up:replay`, ... */
  state: z.string(),
  incarnation: Int.optional(),
  state_seq: Int.optional(),
  addr: z.string().optional(),
  addrs: EntityAddrVecSchema.optional(),
  join_fscid: Int.optional(),
  export_targets: z.array(Int).optional(),
  /** A 64-bit feature mask: may exceed 2^53, so not an exact integer in JS. */
  features: z.number().optional(),
  flags: Int.optional(),
  /** Printed for standbys only: the FSMap epoch the standby joined at. */
  epoch: Epoch.optional(),
});
/** What {@link MdsInfoSchema} parses to. */
export type MdsInfo = z.infer<typeof MdsInfoSchema>;

/** One file system's MDS map (`filesystems[].mdsmap` of `ceph fs dump`). */
export const MdsMapSchema = z.looseObject({
  epoch: Epoch,
  fs_name: z.string(),
  flags: Int,
  created: z.string(),
  modified: z.string(),
  max_mds: Int,
  /** The ranks that are in. */
  in: z.array(Int),
  /** `mds_<rank>` -> gid of the daemon holding it. */
  up: z.record(z.string(), Int),
  failed: z.array(Int),
  damaged: z.array(Int),
  stopped: z.array(Int),
  /** `gid_<gid>` -> that daemon. */
  info: z.record(z.string(), MdsInfoSchema),
  data_pools: z.array(Int),
  metadata_pool: Int,
  enabled: z.boolean(),
  ever_allowed_features: Int.optional(),
  explicitly_allowed_features: Int.optional(),
  tableserver: Int.optional(),
  root: Int.optional(),
  session_timeout: Int.optional(),
  session_autoclose: Int.optional(),
  min_compat_client: z.string().optional(),
  max_file_size: Int.optional(),
  last_failure: Epoch.optional(),
  last_failure_osd_epoch: Epoch.optional(),
  compat: CompatSetSchema.optional(),
  balancer: z.string().optional(),
  standby_count_wanted: Int.optional(),
});
/** What {@link MdsMapSchema} parses to. */
export type MdsMap = z.infer<typeof MdsMapSchema>;

/** One element of `ceph fs dump`'s `filesystems`. */
export const FilesystemSchema = z.looseObject({
  /** The fscid. */
  id: Int,
  mdsmap: MdsMapSchema,
});
/** What {@link FilesystemSchema} parses to. */
export type Filesystem = z.infer<typeof FilesystemSchema>;

/** The file system map as `ceph fs dump -f json` prints it (ceph-mgr's `get('fs_map')`). */
export const FsMapSchema = z.looseObject({
  epoch: Epoch,
  standbys: z.array(MdsInfoSchema),
  filesystems: z.array(FilesystemSchema),
  /** The legacy client fscid; -1 when there is none. */
  default_fscid: Int.optional(),
  compat: CompatSetSchema.optional(),
  feature_flags: z
    .looseObject({
      enable_multiple: z.boolean(),
      ever_enabled_multiple: z.boolean(),
    })
    .optional(),
});
/** What {@link FsMapSchema} parses to. */
export type FsMap = z.infer<typeof FsMapSchema>;
