import type { EventKind } from '../../../schemas/event.ts';
import { reduceDaemonClose, reduceDaemonOpen, reduceDaemonReport } from './daemon.ts';
import {
  reduceFsMap,
  reduceHealth,
  reduceMgrMap,
  reduceMonMap,
  reduceMonStatus,
  reduceOsdMap,
  reduceServiceMap,
} from './map.ts';
import { reducePgStats } from './pg-stats.ts';
import type { Reducer } from './reducer.ts';
import { reduceClog, reduceConfig, reduceHeartbeat, reduceMonSession } from './stream.ts';

/** One reducer per event kind; the mapped type makes a missing or extra kind a compile error. */
export const REDUCERS: { readonly [K in EventKind]: Reducer<K> } = {
  mon_map: reduceMonMap,
  osd_map: reduceOsdMap,
  fs_map: reduceFsMap,
  mgr_map: reduceMgrMap,
  service_map: reduceServiceMap,
  health: reduceHealth,
  mon_status: reduceMonStatus,
  pg_stats: reducePgStats,
  daemon_open: reduceDaemonOpen,
  daemon_report: reduceDaemonReport,
  daemon_close: reduceDaemonClose,
  clog: reduceClog,
  config: reduceConfig,
  mon_session: reduceMonSession,
  heartbeat: reduceHeartbeat,
};
