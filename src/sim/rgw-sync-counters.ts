import type { CounterValue, PerfSchema } from '../../schemas/daemon/perf.ts';

const NS_PER_MS = 1e6;
/** Objects a data sync finds already there, and the shares of fetches and log polls that fail. */
const NOT_MODIFIED_SHARE = 0.02;
const FETCH_ERROR_SHARE = 0.001;
const POLL_ERROR_SHARE = 0.002;
/** Datalog polls a second of one sync (its shards' `RGWReadRemoteDataLogShardCR`s), and how long each takes. */
const POLLS_PER_SEC = 4;
const POLL_MS = 18;

/**
 * The perf counter set radosgw builds for the data sync from one zone (`sync_counters::build` in
 * `rgw_sync_counters.cc`, named `data-sync-from-<zone name>` by `RGWDataSyncProcessorThread`): every counter
 * PRIO_USEFUL, units none; `fetch_bytes` an average of a number (6), `poll_latency` a time average (5), the rest
 * counters (10).
 */
export function syncSchema(sourceZone: string): PerfSchema {
  const set = `data-sync-from-${sourceZone}`;
  const entry = (description: string, type: number) => ({ description, priority: 5, type, units: 1 });
  return {
    [`${set}.fetch_bytes`]: entry('Number of object bytes replicated', 6),
    [`${set}.fetch_not_modified`]: entry('Number of objects already replicated', 10),
    [`${set}.fetch_errors`]: entry('Number of object replication errors', 10),
    [`${set}.poll_latency`]: entry('Average latency of replication log requests', 5),
    [`${set}.poll_errors`]: entry('Number of replication log request errors', 10),
  };
}

/** What one RGW's data sync from one peer zone has done since the daemon started. */
export class RgwSyncCounters {
  private fetched = 0;
  private fetchedBytes = 0;
  private notModified = 0;
  private fetchErrors = 0;
  private polls = 0;
  private pollErrors = 0;

  constructor(readonly sourceZone: string) {}

  /** Replicates `objects` objects of `bytes` in all over `seconds`, polling the source's data log meanwhile. */
  sync(objects: number, bytes: number, seconds: number): void {
    this.fetched += objects;
    this.fetchedBytes += bytes;
    this.notModified += Math.round(objects * NOT_MODIFIED_SHARE);
    this.fetchErrors += Math.round(objects * FETCH_ERROR_SHARE);
    const polls = Math.round(seconds * POLLS_PER_SEC);
    this.polls += polls;
    this.pollErrors += Math.round(polls * POLL_ERROR_SHARE);
  }

  /** The set's counters as the daemon reports them. */
  report(): Record<string, CounterValue> {
    const set = `data-sync-from-${this.sourceZone}`;
    return {
      [`${set}.fetch_bytes`]: { avgcount: this.fetched, sum: this.fetchedBytes },
      [`${set}.fetch_not_modified`]: this.notModified,
      [`${set}.fetch_errors`]: this.fetchErrors,
      [`${set}.poll_latency`]: { avgcount: this.polls, sum: Math.round(this.polls * POLL_MS * NS_PER_MS) },
      [`${set}.poll_errors`]: this.pollErrors,
    };
  }
}
