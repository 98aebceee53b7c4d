import { CEPH_PERF_SCHEMA } from '../../schemas/daemon/ceph-perf-schema.ts';
import type { CounterValue, PerfSchema } from '../../schemas/daemon/perf.ts';

/** The BlueStore and BlueFS counters a simulated OSD reports: Ceph's entries of priority 5 and up. */
export const BLUESTORE_PERF_SCHEMA: PerfSchema = Object.fromEntries(
  Object.entries(CEPH_PERF_SCHEMA.osd!).filter(
    ([path, s]) => (path.startsWith('bluestore.') || path.startsWith('bluefs.')) && s.priority >= 5,
  ),
);

/** What one OSD has done and holds, for its BlueStore figures. */
export interface BlueStoreInput {
  readonly opR: number;
  readonly opW: number;
  /** Client bytes written. */
  readonly inBytes: number;
  /** Sums of the client ops' latencies, in ns. */
  readonly rLatNs: number;
  readonly wLatNs: number;
  readonly recoveryOps: number;
  /** The device's size. */
  readonly totalBytes: number;
  /** Object data allocated on it. */
  readonly dataBytes: number;
  /** BlueStore's own metadata (RocksDB on BlueFS). */
  readonly metaBytes: number;
}

const MiB = 1 << 20;
/** RocksDB's SST files are about this size. */
const SST_BYTES = 64 * MiB;
/** Transactions the kv_sync thread commits in one batch, on average. */
const KV_BATCH = 3;

const avg = (count: number, ns: number): CounterValue => ({ avgcount: count, sum: Math.round(ns) });

/**
 * One OSD's BlueStore and BlueFS counters, as a BlueStore OSD on one device reports them (the layout its metadata
 * gives: `bluefs_single_shared_device`): RocksDB lives on the main device, so BlueFS's DB is the whole device and
 * it has no WAL or slow device (their totals 0, still reported). Commits follow client writes and recovery, reads
 * the client reads; the latencies are the shares of an op's latency BlueStore's stages take, and 96% of onode
 * lookups hit the cache.
 */
export function bluestoreCounters(i: BlueStoreInput): Record<string, CounterValue> {
  const commits = i.opW + i.recoveryOps;
  const batches = Math.ceil(commits / KV_BATCH);
  const lookups = (i.opR + i.opW) * 1.6;
  // RocksDB's WAL takes each transaction's metadata and small writes; flushes and compactions write it again as SSTs.
  const walBytes = Math.round(commits * 4096 + i.inBytes * 0.05);
  return {
    'bluefs.db_total_bytes': i.totalBytes,
    'bluefs.db_used_bytes': i.metaBytes,
    'bluefs.wal_total_bytes': 0,
    'bluefs.wal_used_bytes': 0,
    'bluefs.slow_total_bytes': 0,
    'bluefs.slow_used_bytes': 0,
    'bluefs.num_files': Math.ceil(i.metaBytes / SST_BYTES) + 6,
    'bluefs.log_bytes': 4 * MiB + ((commits * 4096) % (12 * MiB)),
    'bluefs.bytes_written_wal': walBytes,
    'bluefs.bytes_written_sst': Math.round(walBytes * 0.8),
    'bluestore.allocated': Math.round(i.dataBytes),
    'bluestore.stored': Math.round(i.dataBytes * 0.985),
    'bluestore.submit_lat': avg(commits, commits * 60e3),
    'bluestore.commit_lat': avg(commits, i.wLatNs * 0.55 + i.recoveryOps * 4e6),
    'bluestore.read_lat': avg(i.opR, i.rLatNs * 0.8),
    'bluestore.kv_flush_lat': avg(batches, batches * 150e3),
    'bluestore.kv_commit_lat': avg(batches, batches * 900e3),
    'bluestore.kv_sync_lat': avg(batches, batches * 1.2e6),
    'bluestore.kv_final_lat': avg(batches, batches * 60e3),
    'bluestore.onode_hits': Math.round(lookups * 0.96),
    'bluestore.onode_misses': Math.round(lookups * 0.04),
  };
}
