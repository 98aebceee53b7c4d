import { CONFIG_VIEWS } from './config-views.ts';
import { DAEMON_VIEWS } from './daemon-views.ts';
import { devicesView } from './devices.ts';
import { dfView } from './df.ts';
import { MAP_VIEWS } from './map-views.ts';
import { osdMapTreeView } from './osd-map-tree.ts';
import { osdPingTimesView } from './osd-ping-times.ts';
import { osdPoolStatsView } from './osd-pool-stats.ts';
import { pgDumpView } from './pg-dump.ts';
import { ioRateView } from './pg-rates.ts';
import { pgStatusView } from './pg-status.ts';
import { pgSummaryView } from './pg-summary.ts';
import { PG_VIEWS } from './pg-views.ts';
import { UNSERVED_VIEWS } from './unserved-names.ts';

/** Every data name `get()` accepts, with the function that computes it from a snapshot. */
export const VIEWS = {
  ...MAP_VIEWS,
  ...PG_VIEWS,
  ...DAEMON_VIEWS,
  osd_map_tree: osdMapTreeView,
  pg_summary: pgSummaryView,
  pg_status: pgStatusView,
  df: dfView,
  pg_dump: pgDumpView,
  io_rate: ioRateView,
  osd_pool_stats: osdPoolStatsView,
  ...CONFIG_VIEWS,
  ...UNSERVED_VIEWS,
  osd_ping_times: osdPingTimesView,
  devices: devicesView,
} as const;

/** A data name `get()` accepts. */
export type GetName = keyof typeof VIEWS;
/** What `get(name)` returns for each name. */
export type GetResult<N extends GetName> = ReturnType<(typeof VIEWS)[N]>;

/** The names `get()` accepts, sorted. */
export const GET_NAMES = Object.keys(VIEWS).sort() as GetName[];

export function isGetName(name: string): name is GetName {
  return Object.hasOwn(VIEWS, name);
}

export type { JsonText } from './map-views.ts';
