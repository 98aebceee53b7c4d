/** Ceph's releases by major version (Ceph's `CephReleases`), for `lookup_release_name`. */
export const CEPH_RELEASES: Readonly<Record<number, string>> = Object.freeze({
  1: 'argonaut',
  2: 'bobtail',
  3: 'cuttlefish',
  4: 'dumpling',
  5: 'emperor',
  6: 'firefly',
  7: 'giant',
  8: 'hammer',
  9: 'infernalis',
  10: 'jewel',
  11: 'kraken',
  12: 'luminous',
  13: 'mimic',
  14: 'nautilus',
  15: 'octopus',
  16: 'pacific',
  17: 'quincy',
  18: 'reef',
  19: 'squid',
});

/** The release name of a major version, `unknown` for one Ceph does not know (as `ceph_release_name`). */
export function lookupReleaseName(major: number): string {
  return CEPH_RELEASES[major] ?? 'unknown';
}
