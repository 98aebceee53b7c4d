import { z } from 'zod';
import { EntityAddrSchema, EntityAddrVecSchema } from './mon-map.ts';

const Int = z.number().int();

/** One option a mgr module declares, as `ceph mgr dump` prints it (all values as strings). */
export const MgrModuleOptionSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  level: z.string().optional(),
  flags: Int.optional(),
  default_value: z.string().optional(),
  min: z.string().optional(),
  max: z.string().optional(),
  enum_allowed: z.array(z.string()).optional(),
  desc: z.string().optional(),
  long_desc: z.string().optional(),
  tags: z.array(z.string()).optional(),
  see_also: z.array(z.string()).optional(),
});
/** What {@link MgrModuleOptionSchema} parses to. */
export type MgrModuleOption = z.infer<typeof MgrModuleOptionSchema>;

/** One module a mgr can run, as Nautilus and later print it in `available_modules`. */
export const MgrModuleInfoSchema = z.looseObject({
  name: z.string(),
  can_run: z.boolean(),
  error_string: z.string().optional(),
  module_options: z.record(z.string(), MgrModuleOptionSchema).optional(),
});
/** What {@link MgrModuleInfoSchema} parses to. */
export type MgrModuleInfo = z.infer<typeof MgrModuleInfoSchema>;

/** An `available_modules` element: a module object (Nautilus+) or just its name (Luminous, Mimic). */
export const MgrAvailableModuleSchema = z.union([MgrModuleInfoSchema, z.string()]);
/** What {@link MgrAvailableModuleSchema} parses to. */
export type MgrAvailableModule = z.infer<typeof MgrAvailableModuleSchema>;

/** One standby mgr of `ceph mgr dump`'s `standbys`. */
export const MgrStandbySchema = z.looseObject({
  gid: Int,
  name: z.string(),
  /** A 64-bit feature mask: may exceed 2^53, so not an exact integer in JS. */
  mgr_features: z.number().optional(),
  available_modules: z.array(MgrAvailableModuleSchema).optional(),
});
/** What {@link MgrStandbySchema} parses to. */
export type MgrStandby = z.infer<typeof MgrStandbySchema>;

/** The manager map as `ceph mgr dump -f json` prints it (ceph-mgr's `get('mgr_map')`). */
export const MgrMapSchema = z.looseObject({
  epoch: z.number().int().nonnegative(),
  active_gid: Int,
  active_name: z.string(),
  /** Legacy form of the active mgr's address (`"127.0.0.1:6801/6599"`). */
  active_addr: z.string(),
  available: z.boolean(),
  standbys: z.array(MgrStandbySchema),
  /** The enabled modules. */
  modules: z.array(z.string()),
  available_modules: z.array(MgrAvailableModuleSchema),
  /** Service name -> URI that the active mgr's modules serve (`{"dashboard": "https://..."}`). */
  services: z.record(z.string(), z.string()),
  active_addrs: EntityAddrVecSchema.optional(),
  active_change: z.string().optional(),
  /** A 64-bit feature mask: larger than 2^53, so JSON.parse rounds it; not an exact integer in JS. */
  active_mgr_features: z.number().optional(),
  /** Release name -> modules that are always on in that release. */
  always_on_modules: z.record(z.string(), z.array(z.string())).optional(),
  last_failure_osd_epoch: z.number().int().nonnegative().optional(),
  active_clients: z
    .array(
      z.looseObject({
        name: z.string(),
        addrvec: z.array(EntityAddrSchema),
      }),
    )
    .optional(),
});
/** What {@link MgrMapSchema} parses to. */
export type MgrMap = z.infer<typeof MgrMapSchema>;
