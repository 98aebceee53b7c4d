import { MgrError } from '../errors.ts';
import type { MgrHost } from '../host/host.ts';
import type { IngestReport } from '../ingest/ingestor.ts';
import type { Rejection } from '../ingest/rejection.ts';
import type { LiveSim } from '../sources/sim-source.ts';
import { stateAt } from '../store/recovery.ts';
import type { Store } from '../store/store.ts';
import { connectSource } from './connect-source.ts';

export interface LiveSimRun {
  /** Resolves when the source has been stopped and what it emitted is committed. */
  readonly done: Promise<IngestReport>;
}

/**
 * Feeds a live simulated cluster through fold → journal → host until `sim.stop()`. A simulated cluster starts from
 * nothing, so the store must be empty (its maps' epochs would be older than what a store already holds).
 */
export function runLiveSim(options: {
  readonly sim: LiveSim;
  readonly spec: string;
  readonly store: Store;
  readonly host: MgrHost;
  readonly onRejection?: (r: Rejection) => void;
  /** Commits the disk refuses are tried again until this aborts. */
  readonly retryCommitsUntil?: AbortSignal;
}): LiveSimRun {
  const { sim, store, host } = options;
  const initial = stateAt(store);
  if (initial.seq > 0) {
    throw new MgrError(
      'MGR_ERR_USAGE',
      `the store at ${store.dir} already holds ${initial.seq} events; a simulated cluster starts from scratch: use a new --db or --reset`,
    );
  }
  const done = connectSource({
    store,
    host,
    ...(options.onRejection ? { onRejection: options.onRejection } : {}),
    ...(options.retryCommitsUntil ? { retryCommitsUntil: options.retryCommitsUntil } : {}),
    source: {
      read: sim.source,
      cursorKey: `sim:${sim.startMs}`,
      start: { source: options.spec, line: 0, offset: 0, accepted: 0, rejected: 0 },
      // It is stopped with the daemon, whose modules stop next.
      announceEnd: false,
    },
  }).then((end) => end.report);
  return { done };
}
