import type { MgrHost } from '../host/host.ts';
import type { Rejection } from '../ingest/rejection.ts';
import type { SourceItem } from '../ingest/source-item.ts';
import { followSource } from '../sources/follow-source.ts';
import { listenSource } from '../sources/listen-source.ts';
import type { Store } from '../store/store.ts';
import { ingestLive } from './ingest-live.ts';

/** A live source feeding a running host, until stopped. */
export interface LiveSourceRun {
  /** Where it reads: the followed file, or the address bound. */
  readonly where: string;
  stop(): Promise<void>;
}

/** Where a running source's troubles go: its rejected lines, and the error it stopped on. */
export interface SourceWatch {
  rejected(r: Rejection): void;
  failed(e: unknown): void;
}

/** Whether `--source` names a live cluster's stream rather than a trace file. */
export function isLiveSourceSpec(spec: string): boolean {
  return spec.startsWith('follow:') || spec.startsWith('listen:');
}

/**
 * `--source follow:FILE` (a growing trace, across rotation) or `--source listen:PATH|HOST:PORT` (a recorder connects
 * and streams), folded into the store as events arrive. A listener that cannot bind fails here, before any event.
 */
export async function startLiveSource(
  spec: string,
  store: Store,
  host: MgrHost,
  watch: SourceWatch,
  retryCommitsUntil?: AbortSignal,
): Promise<LiveSourceRun> {
  const onRejection = (r: Rejection) => watch.rejected(r);
  const report = (done: Promise<unknown>) =>
    done.then(() => host.log.info({ source: spec }, 'source ended')).catch((e) => watch.failed(e));
  if (spec.startsWith('follow:')) {
    const path = spec.slice('follow:'.length);
    const abort = new AbortController();
    const done = report(
      ingestLive({
        spec,
        store,
        host,
        onRejection,
        ...(retryCommitsUntil ? { retryCommitsUntil } : {}),
        source: (gate) => followSource(path, { gate, signal: abort.signal }),
      }),
    );
    return {
      where: path,
      stop: async () => {
        abort.abort();
        await done;
      },
    };
  }
  let gate: ((item: SourceItem) => Promise<void> | undefined) | undefined;
  const listener = await listenSource(spec.slice('listen:'.length), { gate: (item) => gate?.(item) });
  const done = report(
    ingestLive({
      spec,
      store,
      host,
      onRejection,
      ...(retryCommitsUntil ? { retryCommitsUntil } : {}),
      source: (g) => {
        gate = g;
        return listener.items;
      },
    }),
  );
  return {
    where: listener.address,
    stop: async () => {
      await listener.close();
      await done;
    },
  };
}
