import type { MgrHost } from '../host/host.ts';
import type { IngestReport } from '../ingest/ingestor.ts';
import type { Rejection } from '../ingest/rejection.ts';
import type { Source, SourceItem } from '../ingest/source-item.ts';
import type { BridgeLink } from '../sources/bridge-link.ts';
import { followSource } from '../sources/follow-source.ts';
import { listenSource } from '../sources/listen-source.ts';
import type { Store } from '../store/store.ts';
import { connectSource } from './connect-source.ts';

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
  options: {
    /** Commits the disk refuses are tried again until this aborts. */
    readonly retryCommitsUntil?: AbortSignal;
    /** For `listen:`: the two-way bridge to the recorder's cluster, and the secret it must prove. */
    readonly bridge?: BridgeLink;
    readonly secret?: Buffer;
  } = {},
): Promise<LiveSourceRun> {
  const { retryCommitsUntil } = options;
  const onRejection = (r: Rejection) => watch.rejected(r);
  const report = (done: Promise<unknown>) =>
    done.then(() => host.log.info({ source: spec }, 'source ended')).catch((e) => watch.failed(e));
  const ingest = (source: Source) =>
    ingestLive({ spec, store, host, source, onRejection, ...(retryCommitsUntil ? { retryCommitsUntil } : {}) });
  if (spec.startsWith('follow:')) {
    const path = spec.slice('follow:'.length);
    const abort = new AbortController();
    const done = report(ingest((gate) => followSource(path, { gate, signal: abort.signal })));
    return {
      where: path,
      stop: async () => {
        abort.abort();
        await done;
      },
    };
  }
  let gate: ((item: SourceItem) => Promise<void> | undefined) | undefined;
  const listener = await listenSource(spec.slice('listen:'.length), {
    gate: (item) => gate?.(item),
    ...(options.bridge ? { bridge: options.bridge } : {}),
    ...(options.secret ? { secret: options.secret } : {}),
  });
  const done = report(
    ingest((g) => {
      gate = g;
      return listener.items;
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

export interface IngestLiveOptions {
  /** `follow:FILE` or `listen:ADDRESS`: names the source's cursor in the store and its rejections. */
  readonly spec: string;
  readonly source: Source;
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
  const { store, spec } = options;
  const cursorKey = `live:${spec}`;
  const stored = store.cursor(cursorKey) ?? { source: spec, line: 0, offset: 0, accepted: 0, rejected: 0 };
  const end = await connectSource({
    store,
    host: options.host,
    ...(options.onRejection ? { onRejection: options.onRejection } : {}),
    ...(options.retryCommitsUntil ? { retryCommitsUntil: options.retryCommitsUntil } : {}),
    // A live stream is read from its start each time: only the lifetime counts carry on.
    source: { read: options.source, cursorKey, start: { ...stored, source: spec, line: 0, offset: 0 } },
  });
  return end.report;
}
