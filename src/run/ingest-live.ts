import type { Observable } from 'rxjs';
import type { JournaledEvent } from '../../schemas/event.ts';
import type { MgrHost } from '../host/host.ts';
import { Ingestor, type IngestReport } from '../ingest/ingestor.ts';
import type { Rejection } from '../ingest/rejection.ts';
import type { SourceItem } from '../ingest/source-item.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { stateAt } from '../store/recovery.ts';
import type { Store } from '../store/store.ts';

export interface IngestLiveOptions {
  /** `follow:FILE` or `listen:ADDRESS`: names the source's cursor in the store and its rejections. */
  readonly spec: string;
  /** The live source; `gate` is what it calls before each item, so that reading waits while the fold is behind. */
  readonly source: (gate: (item: SourceItem) => Promise<void> | undefined) => Observable<SourceItem>;
  readonly store: Store;
  readonly host: MgrHost;
  readonly onRejection?: (r: Rejection) => void;
  /** Commits the disk refuses are tried again until this aborts. */
  readonly retryCommitsUntil?: AbortSignal;
}

/**
 * Folds a live source (a followed file, a recorder's connection) into the store as its events come, unpaced: their
 * times are already the wall clock. Resolves when the source completes; the host then keeps serving the last state
 * with the monitors counted as gone.
 */
export async function ingestLive(options: IngestLiveOptions): Promise<IngestReport> {
  const { store, host } = options;
  const cursorKey = `live:${options.spec}`;
  const initial = stateAt(store);
  host.setInitialState(initial);
  const ingestor = new Ingestor(store, initial, {
    ...(options.onRejection ? { onRejection: options.onRejection } : {}),
    ...(options.retryCommitsUntil ? { retryCommitsUntil: options.retryCommitsUntil } : {}),
    onPublish: (state: ClusterState, events: readonly JournaledEvent[]) => host.publish(state, events),
  });
  host.setEventSink(ingestor);
  const start = store.cursor(cursorKey) ?? { source: options.spec, line: 0, offset: 0, accepted: 0, rejected: 0 };
  const report = await ingestor.ingest((gate) => options.source(() => gate()), cursorKey, {
    ...start,
    source: options.spec,
    line: 0,
    offset: 0,
  });
  host.endOfSource();
  await host.idle();
  return report;
}
