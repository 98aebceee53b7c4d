import { type ClusterReader, InputsMemo } from './reader.ts';

/** Client IO across the cluster, as `ceph status` shows it. */
export interface IoRates {
  readonly read_bytes_sec: number;
  readonly write_bytes_sec: number;
  readonly read_op_per_sec: number;
  readonly write_op_per_sec: number;
}

export interface PgView {
  readonly total: number;
  readonly by_state: ReadonlyArray<{ readonly state: string; readonly count: number }>;
  readonly by_pool: ReadonlyArray<{
    readonly pool_id: number;
    readonly pool_name: string;
    readonly states: ReadonlyArray<{ readonly state: string; readonly count: number }>;
  }>;
}

export interface PoolRow {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly pg_num: number;
  readonly stored: number;
  readonly objects: number;
  readonly bytes_used: number;
  readonly percent_used: number;
  readonly max_avail: number;
  readonly io: IoRates;
}

interface PgStatusLike {
  num_pgs?: number;
  pgs_by_state?: ReadonlyArray<{ state_name: string; count: number }>;
  pgs_by_pool_state?: ReadonlyArray<{
    pool_id: number;
    pg_state_counts: ReadonlyArray<{ state_name: string; count: number }>;
  }>;
  read_bytes_sec?: number;
  write_bytes_sec?: number;
  read_op_per_sec?: number;
  write_op_per_sec?: number;
}

interface PoolLike {
  pool: number;
  pool_name: string;
  type: number;
  size: number;
  pg_num: number;
}

function rates(o: Partial<IoRates> | undefined): IoRates {
  return {
    read_bytes_sec: o?.read_bytes_sec ?? 0,
    write_bytes_sec: o?.write_bytes_sec ?? 0,
    read_op_per_sec: o?.read_op_per_sec ?? 0,
    write_op_per_sec: o?.write_op_per_sec ?? 0,
  };
}

function poolNames(map: { pools?: readonly PoolLike[] } | null): Map<number, PoolLike> {
  return new Map((map?.pools ?? []).map((p) => [p.pool, p]));
}

const pg = new InputsMemo((status: PgStatusLike | null, map: { pools?: readonly PoolLike[] } | null): PgView => {
  const pools = poolNames(map);
  const states = (l: PgStatusLike['pgs_by_state']) =>
    (l ?? []).map((s) => ({ state: s.state_name, count: s.count })).sort((a, b) => b.count - a.count);
  return {
    total: status?.num_pgs ?? 0,
    by_state: states(status?.pgs_by_state),
    by_pool: (status?.pgs_by_pool_state ?? []).map((p) => ({
      pool_id: p.pool_id,
      pool_name: pools.get(p.pool_id)?.pool_name ?? String(p.pool_id),
      states: states(p.pg_state_counts),
    })),
  };
});

/** PG states, over the cluster and per pool (from `pg_status`). */
export function pgView(r: ClusterReader): PgView {
  return pg.get([r.get('pg_status'), r.get('osd_map')]);
}

/** Client IO now (from `pg_status`, as `ceph status` computes it). */
export function ioRates(r: ClusterReader): IoRates {
  return rates(r.get('pg_status') ?? undefined);
}

const POOL_TYPES: Record<number, string> = { 1: 'replicated', 3: 'erasure' };

interface DfPool {
  id: number;
  name: string;
  stats: { stored?: number; objects?: number; bytes_used?: number; percent_used?: number; max_avail?: number };
}

const pools = new InputsMemo(
  (
    df: { pools?: readonly DfPool[] } | null,
    stats: { pool_stats?: ReadonlyArray<{ pool_id: number; client_io_rate?: Partial<IoRates> }> } | null,
    map: { pools?: readonly PoolLike[] } | null,
  ): readonly PoolRow[] => {
    const meta = poolNames(map);
    const io = new Map((stats?.pool_stats ?? []).map((p) => [p.pool_id, rates(p.client_io_rate)]));
    return (df?.pools ?? []).map((p) => {
      const m = meta.get(p.id);
      return {
        id: p.id,
        name: p.name,
        type: POOL_TYPES[m?.type ?? 0] ?? String(m?.type ?? ''),
        size: m?.size ?? 0,
        pg_num: m?.pg_num ?? 0,
        stored: p.stats.stored ?? 0,
        objects: p.stats.objects ?? 0,
        bytes_used: p.stats.bytes_used ?? 0,
        percent_used: p.stats.percent_used ?? 0,
        max_avail: p.stats.max_avail ?? 0,
        io: io.get(p.id) ?? rates(undefined),
      };
    });
  },
);

/** Each pool's usage and client IO (from `df`, `osd_pool_stats` and the OSD map). */
export function poolView(r: ClusterReader): readonly PoolRow[] {
  return pools.get([r.get('df'), r.get('osd_pool_stats'), r.get('osd_map')]);
}
