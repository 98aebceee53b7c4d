import { CEPH_OPTIONS } from '../options/ceph-options.ts';

/** The central config as the simulated monitors keep it: section (`global`, `mon`, `mgr`, ...) -> name -> value. */
export type ConfigSections = ReadonlyMap<string, ReadonlyMap<string, string>>;

/**
 * Option `name` as a daemon of type `type` (`mon`, `mgr`) reads it: its section's value, else `global`'s, else
 * Ceph's default; as a number. NaN for an option Ceph does not have.
 */
export function configNumber(settings: ConfigSections, type: string, name: string): number {
  const value = settings.get(type)?.get(name) ?? settings.get('global')?.get(name) ?? CEPH_OPTIONS.get(name)?.default;
  return value === undefined ? Number.NaN : Number(value);
}
