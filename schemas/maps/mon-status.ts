import { z } from 'zod';
import { MonMapSchema } from './mon-map.ts';

/** One group of `mon_status`'s `feature_map`: how many connections of an entity type share a feature set. */
export const FeatureMapEntrySchema = z.looseObject({
  /** A hex string (`"0x3f01cfbdfffdffff"`). */
  features: z.string(),
  release: z.string(),
  num: z.number().int().nonnegative(),
});
/** What {@link FeatureMapEntrySchema} parses to. */
export type FeatureMapEntry = z.infer<typeof FeatureMapEntrySchema>;

/** A monitor's status as `ceph mon_status -f json` prints it (the JSON text in ceph-mgr's `get('mon_status')`). */
export const MonStatusSchema = z.looseObject({
  name: z.string(),
  rank: z.number().int(),
  /** `probing`, `synchronizing`, `electing`, `leader`, `peon`, `shutdown`. */
  state: z.string(),
  election_epoch: z.number().int().nonnegative(),
  quorum: z.array(z.number().int()),
  outside_quorum: z.array(z.string()),
  extra_probe_peers: z.array(z.unknown()),
  sync_provider: z.array(z.unknown()),
  monmap: MonMapSchema,
  /** Seconds since the quorum formed (Nautilus+). */
  quorum_age: z.number().int().optional(),
  /** The 64-bit masks are printed as decimal strings here (`"4540138314316775423"`), unlike elsewhere. */
  features: z
    .looseObject({
      required_con: z.string(),
      required_mon: z.array(z.string()),
      quorum_con: z.string(),
      quorum_mon: z.array(z.string()),
    })
    .optional(),
  /** Entity type (`mon`, `osd`, `client`, `mgr`) -> connection groups. */
  feature_map: z.record(z.string(), z.array(FeatureMapEntrySchema)).optional(),
  stretch_mode: z.boolean().optional(),
});
/** What {@link MonStatusSchema} parses to. */
export type MonStatus = z.infer<typeof MonStatusSchema>;
