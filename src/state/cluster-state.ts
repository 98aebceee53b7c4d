import type {
  ClogEntry,
  CounterValue,
  DaemonHealthMetric,
  DaemonMetadata,
  DaemonStatus,
  OsdStat,
  PerfSchema,
} from '../../schemas/daemon/index.ts';
import type { MapKind } from '../../schemas/event.ts';
import type {
  CrushMap,
  FsMap,
  HealthMap,
  MgrMap,
  MonMap,
  MonStatus,
  OsdMap,
  ServiceMap,
} from '../../schemas/maps/index.ts';
import { emptyStateSum } from './digest-sum.ts';
import { emptyTable, type KeyedTable } from './keyed-table.ts';
import type { Lanes } from './lane-hash.ts';
import type { PgTable } from './pg-table.ts';
import { emptyRing, type Ring } from './ring.ts';
import { emptyDeltas, type PgDeltas } from './stats-window.ts';

/** The map type each map kind carries. */
export interface MapTypes {
  mon_map: MonMap;
  osd_map: OsdMap;
  fs_map: FsMap;
  mgr_map: MgrMap;
  service_map: ServiceMap;
  health: HealthMap;
  mon_status: MonStatus;
}

/** The current map of one kind: the map itself, its epoch (for epoch'd kinds), and the event that set it. */
export interface MapEntry<M> {
  readonly map: M;
  readonly epoch: number | null;
  readonly seq: number;
  readonly stamp: number;
}

/** The OSD map also carries the CRUSH map it was sent with. */
export interface OsdMapEntry extends MapEntry<OsdMap> {
  readonly crush: CrushMap | null;
}

export type MapEntries = { readonly [K in Exclude<MapKind, 'osd_map'>]?: MapEntry<MapTypes[K]> } & {
  readonly osd_map?: OsdMapEntry;
};

/** One counter sample: `[t, value]`, or `[t, sum, count]` for an average; `t` in seconds, as Ceph gives it. */
export type CounterSample = readonly [number, number] | readonly [number, number, number];

/** An OSD's counts for the OSD perf queries, summed: query key -> sub-keys' JSON -> `[value, count]` per counter. */
export type OsdPerfTotals = {
  readonly [query: string]: { readonly [key: string]: readonly (readonly [number, number])[] };
};

/** What the manager knows of one daemon: its session, metadata, perf counter schema and recent samples. */
export interface DaemonState {
  readonly type: string;
  readonly id: string;
  readonly hostname: string;
  readonly open: boolean;
  readonly metadata: DaemonMetadata;
  readonly status: DaemonStatus;
  /** What the daemon last reported of its health (slow ops, ...); absent until it reports any. */
  readonly healthMetrics?: readonly DaemonHealthMetric[];
  /**
   * An OSD's counts for the manager's OSD perf queries, summed over its reports: query (`osdPerfQueryKey`) ->
   * key (the JSON of its sub-keys) -> `[value, count]` per counter. Absent until it reports any.
   */
  readonly osdPerfTotals?: OsdPerfTotals;
  readonly perfSchema: PerfSchema | null;
  /** The recent samples of each counter path, oldest first, at most {@link COUNTER_HISTORY}. */
  readonly counters: { readonly [path: string]: Ring<CounterSample> };
  readonly lastReport: number | null;
}

/** What one OSD last reported about itself and its PGs. */
export interface PgReport {
  readonly epoch: number;
  readonly stamp: number;
  readonly pgids: readonly string[];
  readonly osdStat: OsdStat | null;
  readonly poolStatfs: unknown;
}

/** The raw PG statistics: the latest stats of each PG by pool, and what each reporter said last. */
export interface PgStatsState {
  readonly pgs: PgTable;
  readonly reporters: KeyedTable<PgReport>;
  /** The running sums and the deltas between the manager's ticks, which rates are computed from. */
  readonly deltas: PgDeltas;
}

/**
 * The whole cluster state at one point of the stream: an immutable, structurally shared snapshot. It is plain
 * JSON (no Map, no class), so that it is stored as it is. Its large tables are laid out so that a change copies
 * little (chunked tables, rings); the digest and the views read them as the plain dictionaries and arrays they
 * stand for (`logical-state.ts`).
 */
export interface ClusterState {
  /** The layout of this object: a stored snapshot of another layout is not used (the journal is replayed instead). */
  readonly format: number;
  /** The seq of the last event folded in (0 for the empty state). */
  readonly seq: number;
  /** The stream clock: `t` of the last event, in ms since the epoch (0 before any). */
  readonly stamp: number;
  readonly maps: MapEntries;
  readonly pgStats: PgStatsState;
  /** By name (`osd.0`). */
  readonly daemons: KeyedTable<DaemonState>;
  /** The latest cluster log entries, oldest first, at most {@link CLOG_HISTORY}. */
  readonly clog: Ring<ClogEntry>;
  /** The cluster's central config: who → option name → value. */
  readonly config: { readonly [who: string]: { readonly [name: string]: string } };
  /** Whether the monitors' session is up, as the last `mon_session` event said (up until told otherwise). */
  readonly monSession: 'up' | 'down';
  /**
   * The sum of the hashes of every leaf of this state (`digest-sum.ts`), kept by the fold as it goes: the state
   * digest is made from it, the seq and the stream clock.
   */
  readonly digestSum: Lanes;
}

/** The layout of `ClusterState` this code reads and writes (5: with its digest sum). */
export const STATE_FORMAT = 5;
/**
 * The layout the logical state (`logical-state.ts`) describes: format 3, where daemons and reporters were single
 * dictionaries and the histories plain arrays.
 */
export const LOGICAL_FORMAT = 3;
/**
 * The definition of the state digest (`digest.ts`): 4, a sum of leaf hashes. A change to it changes this and
 * {@link STATE_FORMAT} (a snapshot carries its state's digest sum), so that sums kept under another definition are
 * never read as this one's.
 */
export const DIGEST_FORMAT = 4;
/** How many counter samples a daemon keeps per path, as Ceph's `PerfCounterInstance` does. */
export const COUNTER_HISTORY = 20;
/** How many cluster log entries the state keeps. */
export const CLOG_HISTORY = 500;

/** The state before any event. */
export function createEmptyState(): ClusterState {
  const s = {
    format: STATE_FORMAT,
    seq: 0,
    stamp: 0,
    maps: {},
    pgStats: { pgs: {}, reporters: emptyTable<PgReport>(), deltas: emptyDeltas() },
    daemons: emptyTable<DaemonState>(),
    clog: emptyRing<ClogEntry>(),
    config: {},
    monSession: 'up' as const,
  };
  return { ...s, digestSum: emptyStateSum(s.pgStats.deltas, s.clog, s.monSession) };
}

export type { CounterValue };
