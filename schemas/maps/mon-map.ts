import { z } from 'zod';

/** One address of an addrvec as Ceph prints it (`{type: "v2", addr: "127.0.0.1:3300", nonce: 0}`). */
export const EntityAddrSchema = z.looseObject({
  type: z.string(),
  addr: z.string(),
  nonce: z.number().int(),
});
/** What {@link EntityAddrSchema} parses to. */
export type EntityAddr = z.infer<typeof EntityAddrSchema>;

/** An address vector (`{addrvec: [...]}`), as Nautilus and later print daemons' addresses. */
export const EntityAddrVecSchema = z.looseObject({
  addrvec: z.array(EntityAddrSchema),
});
/** What {@link EntityAddrVecSchema} parses to. */
export type EntityAddrVec = z.infer<typeof EntityAddrVecSchema>;

/** One monitor of `ceph mon dump`'s `mons`. */
export const MonInfoSchema = z.looseObject({
  rank: z.number().int(),
  name: z.string(),
  public_addr: z.string(),
  addr: z.string().optional(),
  public_addrs: EntityAddrVecSchema.optional(),
  priority: z.number().int().optional(),
  weight: z.number().int().optional(),
  /** Pacific prints the CRUSH location as a string (`"{}"`), not as an object. */
  crush_location: z.string().optional(),
});
/** What {@link MonInfoSchema} parses to. */
export type MonInfo = z.infer<typeof MonInfoSchema>;

/** The monitor map as `ceph mon dump -f json` prints it (`get('mon_map')` is the same without `quorum`). */
export const MonMapSchema = z.looseObject({
  epoch: z.number().int().nonnegative(),
  fsid: z.string(),
  modified: z.string(),
  created: z.string(),
  mons: z.array(MonInfoSchema),
  /** Only the CLI's `mon dump` adds the quorum ranks; ceph-mgr's `get('mon_map')` has no `quorum`. */
  quorum: z.array(z.number().int()).optional(),
  features: z
    .looseObject({
      persistent: z.array(z.string()),
      optional: z.array(z.string()),
    })
    .optional(),
  min_mon_release: z.number().int().optional(),
  min_mon_release_name: z.string().optional(),
  election_strategy: z.number().int().optional(),
  /** Pacific really prints these two keys with a trailing `": "` in the name. */
  'disallowed_leaders: ': z.string().optional(),
  'removed_ranks: ': z.string().optional(),
  stretch_mode: z.boolean().optional(),
  tiebreaker_mon: z.string().optional(),
});
/** What {@link MonMapSchema} parses to. */
export type MonMap = z.infer<typeof MonMapSchema>;
