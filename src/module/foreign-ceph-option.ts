import { closest, MgrError } from '../errors.ts';
import { printCephValue, typedCephValue } from '../options/ceph-option-value.ts';
import { CEPH_OPTIONS } from '../options/ceph-options.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { own } from '../state/data-key.ts';

const ENTITY_TYPES = new Set(['mon', 'mgr', 'osd', 'mds', 'client']);

/**
 * Ceph's `get_foreign_ceph_option(entity, key)`: the value another daemon (`osd.0`, `mds.a`, `client.admin`, or a
 * type alone, `osd`) gets for one of Ceph's options from the central config, as the monitors' `config get` gives it:
 * the config for `global`, then the type, then the daemon, else the option's default; no `$` expansion. Typed as
 * `get_ceph_option` types it. Unknown option: `MGR_ERR_CONFIG_UNKNOWN_OPTION`; bad entity:
 * `MGR_ERR_CONFIG_INVALID_ENTITY` (both KeyError in Ceph).
 */
export function foreignCephOption(state: ClusterState, who: string, key: string): string | number | boolean {
  const option = CEPH_OPTIONS.get(key);
  if (option === undefined) {
    const near = closest(key, [...CEPH_OPTIONS.keys()]);
    const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
    throw new MgrError('MGR_ERR_CONFIG_UNKNOWN_OPTION', `option not found: ${key}${hint}`);
  }
  const dot = who.indexOf('.');
  const type = dot === -1 ? who : who.slice(0, dot);
  if (!ENTITY_TYPES.has(type) || (dot !== -1 && dot === who.length - 1)) {
    throw new MgrError('MGR_ERR_CONFIG_INVALID_ENTITY', `invalid entity: ${who}`);
  }
  let value = option.default;
  // Options a daemon takes only from its own config file are not in the central config's answer either.
  if (!option.noMonUpdate) {
    for (const section of dot === -1 ? ['global', type] : ['global', type, who]) {
      const raw = own(state.config, section)?.[key];
      if (raw === undefined) continue;
      const printed = printCephValue(option.type, raw);
      if (printed !== undefined) value = printed;
    }
  }
  return typedCephValue(option, value);
}
