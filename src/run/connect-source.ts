import type { MgrHost } from '../host/host.ts';
import { Ingestor, type IngestReport } from '../ingest/ingestor.ts';
import type { ParseOptions } from '../ingest/input-stage.ts';
import { createPacer } from '../ingest/pace.ts';
import type { Rejection } from '../ingest/rejection.ts';
import type { Source } from '../ingest/source-item.ts';
import { type ClusterState, createEmptyState } from '../state/cluster-state.ts';
import { stateAt } from '../store/recovery.ts';
import type { SourceCursor, Store } from '../store/store.ts';

/** A source to connect, and where its reading starts. */
export interface ConnectedSource {
  readonly read: Source;
  /** The store key its cursor is committed under, with each batch. */
  readonly cursorKey: string;
  /** The cursor this run starts from (`source` names it in rejections). */
  readonly start: SourceCursor;
  /** Events are released no faster than their own times allow at this many times real time (default unpaced). */
  readonly speed?: number;
  /**
   * Whether the host is told when the source ends (the last stats period closes, the monitors count as gone) and
   * the modules are waited for (default true). A simulated cluster ends only when the daemon stops its modules.
   */
  readonly announceEnd?: boolean;
}

export interface ConnectOptions {
  /** The journal; without one (a host that keeps none) events are folded and published only. */
  readonly store: Store | null;
  /** The module host fed: it adopts the start state, gets every snapshot, and sends its own events in. */
  readonly host?: MgrHost;
  /** What feeds the engine; without one, only the host's own events do, and no monitors stand behind it. */
  readonly source?: ConnectedSource;
  readonly strict?: boolean;
  readonly snapshotEvery?: number;
  readonly onRejection?: (r: Rejection) => void;
  /** Commits the disk refuses are tried again until this aborts (a daemon); without it the first failure ends. */
  readonly retryCommitsUntil?: AbortSignal;
  /** Where the source's lines are parsed (by default on this thread; see `ParseOptions`). */
  readonly parsing?: ParseOptions;
}

/** How a connected source ended. */
export interface SourceEnd {
  readonly report: IngestReport;
  /** The snapshot when the source ended (before the host's modules were waited for, which may add events). */
  readonly state: ClusterState;
}

/**
 * Connects a source to the engine and the host: the state recovered from the store (the host's own, with no
 * source) is where the engine starts and what the host adopts; the engine publishes to the host, and the host's
 * own events (a module's `cluster_log`) go into the same stream; when the source ends the host is told, and its
 * modules are waited for. Resolves then, once what the source gave is committed. With no source, no monitors stand
 * behind the host, so RADOS calls fail at once (ENOTCONN) rather than wait for them; it resolves at once.
 */
export function connectSource(options: ConnectOptions & { source: ConnectedSource }): Promise<SourceEnd>;
export function connectSource(options: ConnectOptions & { source?: undefined }): Promise<null>;
export function connectSource(options: ConnectOptions): Promise<SourceEnd | null> {
  const { store, host, source } = options;
  // With no source the host's own state goes on: it adopted the store's when it started.
  const initial = source !== undefined && store !== null ? stateAt(store) : (host?.state ?? createEmptyState());
  if (source !== undefined) host?.feed.adopt(initial);
  else host?.feed.end();
  const ingestor = new Ingestor(store, initial, {
    strict: options.strict ?? false,
    ...(options.snapshotEvery !== undefined ? { snapshotEvery: options.snapshotEvery } : {}),
    ...(options.onRejection ? { onRejection: options.onRejection } : {}),
    ...(options.retryCommitsUntil ? { retryCommitsUntil: options.retryCommitsUntil } : {}),
    ...(host ? { publisher: host.feed } : {}),
    ...(source?.speed !== undefined ? { pace: createPacer(source.speed) } : {}),
    ...(options.parsing ? { parsing: options.parsing } : {}),
  });
  host?.feed.sink(ingestor);
  if (source === undefined) return Promise.resolve(null);
  return ingestor.ingest(source.read, source.cursorKey, source.start).then(async (report) => {
    const state = ingestor.state;
    if (host && (source.announceEnd ?? true)) {
      host.feed.end();
      await host.idle();
    }
    return { report, state };
  });
}
