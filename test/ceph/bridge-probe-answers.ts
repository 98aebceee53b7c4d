/** What `probe fs write` / `probe fs read` of the bridge_probe module answer for its tree, on any cluster. */
export const PROBE_FS_TREE = {
  root: ['a', 'big.bin'],
  a: ['b', 'one.txt'],
  b: ['deux.txt'],
  one: 'one',
  deux: 3000,
  big: true,
  tag: 'mgrkit',
  dir: true,
};

/** What `probe rados write POOL 300` answers, on any cluster (its listing takes two pages). */
export const PROBE_RADOS_300 = {
  size: 9 * 1024 * 1024 + 123 + 4,
  sameBig: true,
  missing: 'ObjectNotFound',
  noXattr: 'NoData',
  omap: ['k1', 'k10', 'k100', 'k101', 'k102'],
  listed: 302,
};
