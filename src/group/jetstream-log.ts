import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { type ObjectStore, Objm } from '@nats-io/obj';
import { connect, headers, type NatsConnection, nuid } from '@nats-io/transport-node';
import type { JournaledEvent } from '../../schemas/event.ts';
import { MgrError } from '../errors.ts';
import {
  DEFAULT_FOLLOW_TIMING,
  type FollowedLog,
  type FollowTiming,
  followLog,
  RetryDelivery,
  withTimeout,
} from './log-follower.ts';
import {
  CURSOR_HEADER,
  type DecodedLogEvent,
  decodeLogEvent,
  ENCODING_HEADER,
  encodeLogEvent,
  type LogCursor,
} from './log-message.ts';

/** The stream's name when `--stream` is not given. */
export const DEFAULT_STREAM = 'MGRKIT';

export interface JetStreamLogOptions {
  /** `nats://HOST:PORT[,nats://HOST:PORT...]` (the scheme may be left out). */
  readonly url: string;
  readonly stream?: string;
  /** Replicas of the stream and buckets; by default 3 when the cluster has at least 3 servers, else 1. */
  readonly replicas?: number;
  /** How long a publish waits for the stream's acknowledgement. */
  readonly timeoutMs?: number;
}

/** Splits `nats://a:1,nats://b:2` into the servers the client takes. */
export function parseLogUrl(url: string): string[] {
  const servers = url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => s.replace(/^nats:\/\//, ''));
  if (servers.length === 0 || servers.some((s) => !/^[^\s/:]+:\d+$/.test(s))) {
    throw new MgrError('MGR_ERR_USAGE', `--log takes nats://HOST:PORT[,nats://HOST:PORT...], got "${url}"`);
  }
  return servers;
}

/** One message read from the stream, decoded. */
export type LogEntry = DecodedLogEvent & {
  readonly streamSeq: number;
  /** How many more messages the stream holds after this one, as the server counted when it sent it. */
  readonly pending: number;
};

/**
 * The event journal on a NATS JetStream stream, replicated by JetStream across its own cluster. Message N of the
 * stream is event N: each publish expects the stream to end at N-1 (so two writers cannot both append N) and
 * carries N as its message id (so a publish resent after a lost acknowledgement is dropped as a duplicate).
 */
export class JetStreamLog {
  readonly stream: string;
  readonly subject: string;
  readonly replicas: number;
  readonly nc: NatsConnection;
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  private readonly timeoutMs: number;

  private constructor(
    nc: NatsConnection,
    js: JetStreamClient,
    jsm: JetStreamManager,
    stream: string,
    r: number,
    t: number,
  ) {
    this.nc = nc;
    this.js = js;
    this.jsm = jsm;
    this.stream = stream;
    this.subject = `${stream.toLowerCase()}.events`;
    this.replicas = r;
    this.timeoutMs = t;
  }

  /** Connects and makes sure the stream exists (created with `replicas` if it does not). */
  static async open(options: JetStreamLogOptions): Promise<JetStreamLog> {
    const servers = parseLogUrl(options.url);
    const stream = options.stream ?? DEFAULT_STREAM;
    if (!/^[A-Za-z0-9_-]+$/.test(stream)) {
      throw new MgrError('MGR_ERR_USAGE', `a stream name is letters, digits, "-" and "_", got "${stream}"`);
    }
    let nc: NatsConnection;
    try {
      nc = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'mgrkit' });
    } catch (e) {
      throw new MgrError('MGR_ERR_LOG_CONNECT', `cannot connect to ${servers.join(', ')}: ${(e as Error).message}`);
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    const js = jetstream(nc, { timeout: timeoutMs });
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
    const known = nc.info?.connect_urls?.length ?? servers.length;
    const replicas = options.replicas ?? (Math.max(known, servers.length) >= 3 ? 3 : 1);
    const log = new JetStreamLog(nc, js, jsm, stream, replicas, timeoutMs);
    await log.ensureStream();
    return log;
  }

  private async ensureStream(): Promise<void> {
    try {
      await this.jsm.streams.info(this.stream);
      return;
    } catch {
      // not there yet
    }
    try {
      await this.jsm.streams.add({
        name: this.stream,
        subjects: [this.subject],
        num_replicas: this.replicas,
        duplicate_window: 120 * 1_000_000_000,
      });
    } catch (e) {
      // Another host may have made it at the same moment.
      try {
        await this.jsm.streams.info(this.stream);
      } catch {
        throw new MgrError('MGR_ERR_LOG_CONNECT', `cannot create stream ${this.stream}: ${(e as Error).message}`);
      }
    }
  }

  /** The seq of the last event in the stream (0 when empty). */
  async lastSeq(): Promise<number> {
    const info = await this.jsm.streams.info(this.stream);
    return info.state.last_seq;
  }

  /**
   * Appends sequenced events that must follow event `events[0].seq - 1` exactly; the last carries `cursor`. Resolves
   * once the stream has them all; rejects with `MGR_ERR_LOG_CONFLICT` when another writer got there first, and
   * `MGR_ERR_LOG_APPEND` when the stream is unreachable or an event is larger than the servers take (sending the
   * same events again is then safe: those the stream has are dropped as duplicates).
   */
  async append(events: readonly JournaledEvent[], cursor: LogCursor | null = null): Promise<void> {
    const acks: Promise<unknown>[] = [];
    const bodies: Uint8Array[] = [];
    // Room for the headers: a body near the limit goes to the object store instead.
    const max = (this.nc.info?.max_payload ?? 1024 * 1024) - 4096;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const enc = encodeLogEvent(e, i === events.length - 1 ? cursor : null);
      const h = headers();
      if (enc.cursor !== null) h.set(CURSOR_HEADER, enc.cursor);
      let body = enc.body;
      if (body.length > max) {
        // Too large for one message (a whole OSD map of a large cluster): the message names an object holding it.
        const name = `${e.seq}.${nuid.next()}`;
        await (await this.largeEvents()).putBlob({ name }, body);
        body = new TextEncoder().encode(name);
        h.set(ENCODING_HEADER, `object+${enc.encoding ?? 'json'}`);
      } else if (enc.encoding !== null) h.set(ENCODING_HEADER, enc.encoding);
      bodies.push(body);
      acks.push(
        this.js.publish(this.subject, body, {
          msgID: enc.msgId,
          expect: { lastSequence: e.seq - 1 },
          headers: h,
          timeout: this.timeoutMs,
        }),
      );
    }
    const results = await Promise.allSettled(acks);
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      const seq = events[i]!.seq;
      if (r.status === 'rejected') {
        const message = (r.reason as Error).message;
        throw new MgrError(
          /wrong last sequence/i.test(message) ? 'MGR_ERR_LOG_CONFLICT' : 'MGR_ERR_LOG_APPEND',
          `stream ${this.stream} did not take event ${seq}: ${message}`,
        );
      }
      // A resend after a lost acknowledgement is a duplicate of our own message; another writer's is a conflict.
      if ((r.value as { duplicate?: boolean }).duplicate && !(await this.holds(seq, bodies[i]!))) {
        throw new MgrError('MGR_ERR_LOG_CONFLICT', `stream ${this.stream} already holds another event ${seq}`);
      }
    }
  }

  /** Whether message `seq` of the stream is exactly `body`. */
  private async holds(seq: number, body: Uint8Array): Promise<boolean> {
    const stored = await this.jsm.streams.getMessage(this.stream, { seq }).catch(() => null);
    return stored !== null && Buffer.compare(Buffer.from(stored.data), Buffer.from(body)) === 0;
  }

  /**
   * Reads the stream in order from event `afterSeq + 1`, handing each decoded message to `onEntry` (awaited: a
   * slow reader holds the stream back). Runs until `signal` aborts; survives a server's loss: a consumer that ends,
   * fails, stays silent while the stream holds messages it has not delivered, or whose delivery does not return
   * (a read from a killed server) is made again from the first message not delivered. A delivery given up may
   * still finish: `onEntry` may then see that message again, and must skip what it has applied.
   */
  async follow(
    afterSeq: number,
    onEntry: (entry: LogEntry) => Promise<void> | void,
    signal: AbortSignal,
    options: { timing?: FollowTiming; onRestart?: (why: string, next: number) => void } = {},
  ): Promise<void> {
    const timing = options.timing ?? DEFAULT_FOLLOW_TIMING;
    const place = `nats:${this.stream}`;
    const log: FollowedLog<JsMsg> = {
      consume: async (from) => {
        // The ordered consumer does not always come back after its server is killed, and closing it does not always
        // end its iteration: the follower leaves such a one behind and makes another.
        const consumer = await this.js.consumers.get(this.stream, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: from,
        });
        // Pulls that expire every 5 s (heartbeats every 2.5 s): a consumer whose server died is noticed within seconds.
        const messages = await consumer.consume({ max_messages: 1024, expires: 5000 });
        return { messages, close: () => void messages.close().catch(() => undefined) };
      },
      lastSeq: () => this.lastSeq(),
      seqOf: (m) => m.seq,
    };
    const deliver = async (m: JsMsg): Promise<void> => {
      let body: Uint8Array | null = m.data;
      let encoding = m.headers?.get(ENCODING_HEADER);
      if (encoding?.startsWith('object+')) {
        const name = new TextDecoder().decode(m.data);
        // Boxed, to tell an object that is gone (null) from a read that never answers.
        const read = this.largeEvents().then(async (store) => ({ blob: await store.getBlob(name) }));
        const got = await withTimeout(read, timing.hungMs);
        if (got === null) {
          read.catch(() => undefined);
          throw new RetryDelivery(`reading object ${name} of ${this.stream}_events took over ${timing.hungMs} ms`);
        }
        body = got.blob;
        encoding = encoding.slice('object+'.length);
      }
      const entry: DecodedLogEvent =
        body === null
          ? {
              rejection: {
                file: place,
                line: m.seq,
                code: 'MGR_ERR_LOG_MESSAGE',
                path: [],
                reason: `the object holding event ${m.seq} is gone from ${this.stream}_events`,
              },
            }
          : decodeLogEvent(body, m.seq, place, m.headers?.get(CURSOR_HEADER), encoding);
      await onEntry({ ...entry, streamSeq: m.seq, pending: m.info.pending });
    };
    await followLog(log, afterSeq, deliver, signal, {
      timing,
      fatal: (e) => e instanceof MgrError && e.code === 'MGR_ERR_LOG_MESSAGE',
      ...(options.onRestart !== undefined ? { onRestart: options.onRestart } : {}),
    });
  }

  /** A KV bucket beside the stream (`<stream>_<name>`), made with `ttlMs` if it does not exist. */
  async bucket(name: string, ttlMs: number): Promise<KV> {
    // Reads go to the stream's leader, not to any replica (a "direct get"): a lagging replica's answer is stale,
    // and a lease taken or a roster read on a stale answer was seen to keep a standby from taking over.
    return new Kvm(this.js).create(`${this.stream}_${name}`, {
      ttl: ttlMs,
      replicas: this.replicas,
      history: 1,
      allow_direct: false,
    });
  }

  /**
   * A bucket made by {@link bucket}, opened through a client whose requests give up after `requestTimeoutMs`: the
   * lease's checks. A request to a bucket just made can go unanswered until it times out (10 s by default), and a
   * standby whose only check hung that long missed a lease given up meanwhile.
   */
  async bucketWithin(name: string, requestTimeoutMs: number): Promise<KV> {
    const quick = jetstream(this.nc, { timeout: requestTimeoutMs });
    return new Kvm(quick).open(`${this.stream}_${name}`, { allow_direct: false });
  }

  private large: Promise<ObjectStore> | null = null;

  /** The object store of events too large for a message (`<stream>_events`). */
  private largeEvents(): Promise<ObjectStore> {
    this.large ??= new Objm(this.js).create(`${this.stream}_events`, { replicas: this.replicas });
    return this.large;
  }

  /** The object store of state snapshots (`<stream>_snapshots`). */
  async snapshots(): Promise<ObjectStore> {
    return new Objm(this.js).create(`${this.stream}_snapshots`, { replicas: this.replicas });
  }

  /** Drains the connection (at most a second: a consumer that lost its server may never finish), then closes it. */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 1000);
    });
    await Promise.race([this.nc.drain().catch(() => undefined), late]);
    clearTimeout(timer);
    if (!this.nc.isClosed()) await this.nc.close();
  }
}
