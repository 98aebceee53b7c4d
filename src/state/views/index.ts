import { DAEMON_VIEWS } from './daemon-views.ts';
import { dfView } from './df.ts';
import { MAP_VIEWS } from './map-views.ts';
import { osdMapTreeView } from './osd-map-tree.ts';
import { pgStatusView } from './pg-status.ts';
import { pgSummaryView } from './pg-summary.ts';
import { PG_VIEWS } from './pg-views.ts';

/** Every data name `get()` accepts, with the function that computes it from a snapshot. */
export const VIEWS = {
  ...MAP_VIEWS,
  ...PG_VIEWS,
  ...DAEMON_VIEWS,
  osd_map_tree: osdMapTreeView,
  pg_summary: pgSummaryView,
  pg_status: pgStatusView,
  df: dfView,
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
