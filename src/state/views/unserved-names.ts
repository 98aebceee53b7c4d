import type { ClusterState } from '../cluster-state.ts';

/**
 * `get('osd_perf')`: null. ceph-mgr Pacific has no such data name: `ActivePyModules::get_python` logs "requested
 * unknown data" and returns None, which is what a module there gets (OSD latencies are in `osd_stats`' `perf_stat`).
 */
export function osdPerfView(_s: ClusterState): null {
  return null;
}

/**
 * `get('osd_crush_map_text')`: null, for the same reason: Ceph's name is `osdmap_crush_map_text` (the binary CRUSH
 * map in a Python string), and `osd_crush_map_text`, not starting with `osd_map`, falls through to "unknown data".
 */
export function osdCrushMapTextView(_s: ClusterState): null {
  return null;
}

/** Names modules use that ceph-mgr Pacific answers with None; served so they get the same. */
export const UNSERVED_VIEWS = {
  osd_perf: osdPerfView,
  osd_crush_map_text: osdCrushMapTextView,
} as const;
