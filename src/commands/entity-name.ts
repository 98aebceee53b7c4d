/** The daemon and client types of Ceph's `EntityName` (`entity_name_t`): `client.admin`, `mgr.x`, `osd.3`… */
export const ENTITY_TYPES = ['auth', 'mon', 'osd', 'mds', 'mgr', 'client'] as const;

/** Longer than any name Ceph writes; a bound so a name can key a lookup without costing much. */
const MAX_ENTITY_NAME = 256;

// An id is printable ASCII without spaces: what Ceph's own names use, and nothing a log line or a key can trip on.
const ENTITY_NAME = new RegExp(`^(?:${ENTITY_TYPES.join('|')})\\.[\\x21-\\x7e]+$`);

/**
 * Whether a value is an entity name of Ceph's form `TYPE.ID` (a known type, a non-empty id). The name only selects
 * caps; a value that is not one is refused, never read as `client.admin`.
 */
export function isEntityName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ENTITY_NAME && ENTITY_NAME.test(value);
}
