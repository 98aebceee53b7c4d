import { type ClusterReader, InputsMemo } from './reader.ts';

/** The cluster's raw capacity and how close its OSDs are to the OSD map's fullness ratios. */
export interface CapacityView {
  /** `df`'s `total_bytes`, `total_used_raw_bytes`, `total_avail_bytes` and `total_used_raw_ratio`. */
  readonly total_bytes: number;
  readonly used_raw_bytes: number;
  readonly avail_bytes: number;
  readonly used_raw_ratio: number;
  /** The OSD map's ratios (null when the state has no OSD map or the map leaves them out). */
  readonly ratios: {
    readonly nearfull: number | null;
    readonly backfillfull: number | null;
    readonly full: number | null;
  };
  /** The fullest OSD's `kb_used / kb`, and how many OSDs are at or past each ratio (from their last report). */
  readonly osds: {
    readonly reporting: number;
    readonly max_usage: number;
    readonly nearfull: number;
    readonly backfillfull: number;
    readonly full: number;
  };
}

interface DfLike {
  stats?: {
    total_bytes?: number;
    total_used_raw_bytes?: number;
    total_avail_bytes?: number;
    total_used_raw_ratio?: number;
  };
}

interface RatiosLike {
  nearfull_ratio?: number;
  backfillfull_ratio?: number;
  full_ratio?: number;
}

interface OsdStatLike {
  kb?: number;
  kb_used?: number;
}

/** Ceph keeps the ratios as floats, 0.8500000238418579: rounded to show, compared as they are. */
const ratio = (r: number | undefined) => (r === undefined ? null : Math.round(r * 1e6) / 1e6);

/** An OSD counts as past a ratio as Ceph's OSD judges its own fullness: used over total, at or above it. */
const past = (usage: number, r: number | undefined) => r !== undefined && r > 0 && usage >= r;

const capacity = new InputsMemo(
  (df: DfLike | null, map: RatiosLike | null, stats: { osd_stats?: readonly OsdStatLike[] } | null): CapacityView => {
    const ratios = {
      nearfull: ratio(map?.nearfull_ratio),
      backfillfull: ratio(map?.backfillfull_ratio),
      full: ratio(map?.full_ratio),
    };
    const osds = { reporting: 0, max_usage: 0, nearfull: 0, backfillfull: 0, full: 0 };
    for (const s of stats?.osd_stats ?? []) {
      if (!s.kb) continue;
      const usage = (s.kb_used ?? 0) / s.kb;
      osds.reporting++;
      osds.max_usage = Math.max(osds.max_usage, usage);
      // Each OSD in its highest band only, as `ceph health` names an OSD nearfull or full, not both.
      if (past(usage, map?.full_ratio)) osds.full++;
      else if (past(usage, map?.backfillfull_ratio)) osds.backfillfull++;
      else if (past(usage, map?.nearfull_ratio)) osds.nearfull++;
    }
    const st = df?.stats;
    return {
      total_bytes: st?.total_bytes ?? 0,
      used_raw_bytes: st?.total_used_raw_bytes ?? 0,
      avail_bytes: st?.total_avail_bytes ?? 0,
      used_raw_ratio: st?.total_used_raw_ratio ?? 0,
      ratios,
      osds,
    };
  },
);

/** Raw capacity (from `df`), the fullness ratios (from the OSD map) and the OSDs past them (from `osd_stats`). */
export function capacityView(r: ClusterReader): CapacityView {
  return capacity.get([r.get('df'), r.get('osd_map'), r.get('osd_stats')]);
}
