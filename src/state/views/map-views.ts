import type { CrushMap, FsMap, MgrMap, MonMap, OsdMap, ServiceMap } from '../../../schemas/maps/index.ts';
import type { ClusterState } from '../cluster-state.ts';
import { cephJsonText, HEALTH_ORDER, type KeyOrder, MON_STATUS_ORDER } from './ceph-json.ts';

/** What Ceph hands a module for `health` and `mon_status`: the JSON text, not the object. */
export interface JsonText {
  readonly json: string;
}

const texts = new WeakMap<object, JsonText>();

/** The `{json}` wrapper of a map, built once per map object (so shared by every snapshot that shares the map). */
function jsonText(map: object | undefined, order: KeyOrder): JsonText | null {
  if (map === undefined) return null;
  let t = texts.get(map);
  if (t === undefined) {
    t = Object.freeze({ json: cephJsonText(map, order) });
    texts.set(map, t);
  }
  return t;
}

const monMaps = new WeakMap<MonMap, MonMap>();

/**
 * `MonMap::dump`, which is what the manager serves: `ceph mon dump` (what a trace carries) adds the quorum, which
 * the mon map itself does not hold, so it is left out here.
 */
function monMapView(map: MonMap | undefined): MonMap | null {
  if (map === undefined) return null;
  if (!('quorum' in map)) return map;
  let v = monMaps.get(map);
  if (v === undefined) {
    const { quorum: _, ...rest } = map as MonMap & { quorum?: unknown };
    v = Object.freeze(rest) as MonMap;
    monMaps.set(map, v);
  }
  return v;
}

/** `get()` names served straight from the maps: each returns the snapshot's own frozen object, or null. */
export const MAP_VIEWS = {
  osd_map: (s: ClusterState): OsdMap | null => s.maps.osd_map?.map ?? null,
  osd_map_crush: (s: ClusterState): CrushMap | null => s.maps.osd_map?.crush ?? null,
  mon_map: (s: ClusterState): MonMap | null => monMapView(s.maps.mon_map?.map),
  fs_map: (s: ClusterState): FsMap | null => s.maps.fs_map?.map ?? null,
  mgr_map: (s: ClusterState): MgrMap | null => s.maps.mgr_map?.map ?? null,
  service_map: (s: ClusterState): ServiceMap | null => s.maps.service_map?.map ?? null,
  health: (s: ClusterState): JsonText | null => jsonText(s.maps.health?.map, HEALTH_ORDER),
  mon_status: (s: ClusterState): JsonText | null => jsonText(s.maps.mon_status?.map, MON_STATUS_ORDER),
} as const;
