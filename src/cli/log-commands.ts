import type { Logger } from 'pino';
import { JetStreamLog } from '../group/jetstream-log.ts';
import { LogMember, type LogMemberOptions } from '../group/log-member.ts';
import { replayIntoLog } from '../group/log-replay.ts';
import { LogReplica } from '../group/log-replica.ts';
import type { MgrHost } from '../host/host.ts';
import { formatRejection } from '../ingest/rejection.ts';
import { stateDigest } from '../state/digest.ts';
import { stateAt } from '../store/recovery.ts';
import type { Store } from '../store/store.ts';

/** Where `--log` and `--stream` point. */
export interface LogFlags {
  readonly log: string;
  readonly stream?: string;
  readonly leaseMs?: number;
  readonly snapshotCatchUp?: number;
}

/** What `mgrkit replay TRACE --log ...` prints (one JSON object with `--json`). */
export interface LogReplaySummary {
  trace: string;
  stream: string;
  resumedAfterLine: number;
  events: { accepted: number; rejected: number; byKind: Record<string, number> };
  batches: number;
  lastSeq: number;
  digest: string;
  elapsedMs: number;
}

/**
 * Appends a trace to the JetStream event log: this process folds it (so only valid events, sequenced, reach the
 * stream) into its own copy of the log at `store`, after catching up with what the stream already holds.
 */
export async function replayToLog(
  trace: string,
  store: Store,
  flags: LogFlags & { speed?: number; onRejection?: (line: string) => void },
): Promise<LogReplaySummary> {
  const started = performance.now();
  const log = await JetStreamLog.open({ url: flags.log, ...(flags.stream ? { stream: flags.stream } : {}) });
  const replica = new LogReplica(store, log, stateAt(store));
  const following = new AbortController();
  const followed = replica.follow(following.signal);
  try {
    await Promise.race([replica.reached(await log.lastSeq()), followed]);
    const r = await replayIntoLog({
      trace,
      store,
      replica,
      ...(flags.speed !== undefined ? { speed: flags.speed } : {}),
      onRejection: (x) => flags.onRejection?.(formatRejection(x)),
    });
    return {
      trace,
      stream: log.stream,
      resumedAfterLine: r.resumedAfterLine,
      events: { accepted: r.accepted, rejected: r.rejected, byKind: r.perKind as Record<string, number> },
      batches: r.batches,
      lastSeq: replica.state.seq,
      digest: stateDigest(replica.state),
      elapsedMs: performance.now() - started,
    };
  } finally {
    following.abort();
    await followed.catch(() => undefined);
    await log.close();
  }
}

/**
 * Joins `host` to the group on the log: returns what stops it (leaving the group, then the connection). `routing`
 * gets the member as soon as it is made: the admin socket must route through it while it joins, since the mgr map
 * the host shows names the group's managers from then on, and a client that sees a standby there may send it a
 * module command at once.
 */
export async function joinLogGroup(
  host: MgrHost,
  store: Store,
  flags: LogFlags & {
    addr: string;
    source?: string;
    speed?: number;
    logger: Logger;
    watch?: LogMemberOptions['watch'];
  },
  routing: (member: LogMember) => void,
): Promise<{ stop: () => Promise<void> }> {
  const log = await JetStreamLog.open({ url: flags.log, ...(flags.stream ? { stream: flags.stream } : {}) });
  const member = new LogMember({
    host,
    store,
    log,
    addr: flags.addr,
    logger: flags.logger,
    ...(flags.leaseMs !== undefined ? { leaseMs: flags.leaseMs } : {}),
    ...(flags.snapshotCatchUp !== undefined ? { snapshotCatchUp: flags.snapshotCatchUp } : {}),
    ...(flags.source !== undefined ? { source: flags.source } : {}),
    ...(flags.speed !== undefined ? { speed: flags.speed } : {}),
    ...(flags.watch !== undefined ? { watch: flags.watch } : {}),
  });
  routing(member);
  await member.start();
  return {
    stop: async () => {
      await member.stop();
      await log.close();
    },
  };
}
