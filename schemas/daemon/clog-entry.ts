import { z } from 'zod';
import { EntityAddrVecSchema } from '../maps/mon-map.ts';

/** One cluster log entry as `ceph log last -f json` prints it (Pacific's ceph-mgr passes it to `notify`). */
export const ClogEntrySchema = z.looseObject({
  /** The sender's entity name, e.g. `"mon.a"`, `"osd.2"`, `"client.admin"`. */
  name: z.string(),
  /** The sender's entity *instance* as a string (`"mon.0"`, `"client.?"`), not a number. */
  rank: z.string(),
  stamp: z.string(),
  seq: z.number().int().nonnegative(),
  /** `cluster` or `audit`. */
  channel: z.string(),
  /** In brackets: `"[DBG]"`, `"[INF]"`, `"[SEC]"`, `"[WRN]"`, `"[ERR]"`. */
  priority: z.string(),
  message: z.string(),
  addrs: EntityAddrVecSchema.optional(),
});
/** What {@link ClogEntrySchema} parses to. */
export type ClogEntry = z.infer<typeof ClogEntrySchema>;
