/** The argument types of Ceph's command descriptors (`type=CephInt`), and what checking a word of one needs. */
export const CEPH_ARG_TYPES = [
  'CephString',
  'CephInt',
  'CephFloat',
  'CephBool',
  'CephChoices',
  'CephPoolname',
  'CephObjectname',
  'CephOsdName',
  'CephEntityAddr',
  'CephIPAddr',
  'CephUUID',
  'CephPgid',
  'CephFilepath',
  'CephFragment',
  'CephName',
  'CephPrefix',
  'CephSocketpath',
] as const;
/** One of {@link CEPH_ARG_TYPES}. */
export type CephArgType = (typeof CEPH_ARG_TYPES)[number];

/** What the checks of one word need: the type and its type-specific keys (an `ArgDesc` fits). */
export interface ArgTypeSpec {
  type: CephArgType;
  /** Exact bounds: a CephInt bound past 2^53 is a bigint. */
  range?: Array<number | bigint>;
  strings?: string[];
  goodchars?: string;
  /** CephPrefix only: the literal word. */
  prefix?: string;
}
