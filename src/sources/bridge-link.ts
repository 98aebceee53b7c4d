import { randomUUID } from 'node:crypto';
import { BRIDGE_VERSION, type BridgeMessage, type BridgeReply, type BridgeRequest } from '../../schemas/bridge.ts';
import { MgrError } from '../errors.ts';

/** Bytes of data (RADOS objects, CephFS files) per bridge message: more goes in pieces, each its own request. */
export const BRIDGE_CHUNK_BYTES = 4 * 1024 * 1024;

/** How long a request waits for the recorder to connect again before it fails with ENOTCONN. */
export const RECONNECT_GRACE_MS = 10_000;

/** What answers a request: errno-style `r`, output, status text, and the OSD map epoch a command left. */
export type BridgeAnswer = Omit<BridgeReply, 'bridge' | 'id'>;

/** Serves one operation the other end asks for. */
export type BridgeHandler = (args: Readonly<Record<string, unknown>>) => Promise<BridgeAnswer>;

/** Where the link writes: the current connection. */
export interface BridgeConnection {
  write(line: string): void;
}

/** What the link tells about itself. */
export interface BridgeLinkEvents {
  /** A peer that did not authenticate was refused (its address, and why). */
  refused?(peer: string, why: string): void;
  /** The recorder said hello (it serves `ops`) or went away. */
  changed?(up: boolean): void;
}

interface Pending {
  readonly line: string;
  /** The recorder run it was sent to (undefined: not sent yet). */
  sentTo: string | undefined;
  readonly op: string;
  readonly resolve: (a: BridgeAnswer) => void;
  readonly reject: (e: MgrError) => void;
  deadline: NodeJS.Timeout | undefined;
  grace: NodeJS.Timeout | undefined;
}

/**
 * mgrkit's end of the two-way bridge to a real cluster: the connection a recorder (`mgrkit_recorder` in the real
 * ceph-mgr) opened to `--source listen:` carries its events one way and requests both ways. mgrkit asks for
 * commands and health to be applied there; the recorder asks for mgrkit's commands (`ceph mgrkit ...`).
 *
 * A request keeps its id for life: when the connection is lost before its answer, it waits for the recorder to
 * connect again (at most {@link RECONNECT_GRACE_MS}, then ENOTCONN) and is sent again with the same id; the recorder
 * answers a request it has already applied with the answer it gave, so nothing is applied twice. A request with a
 * timeout fails with ETIMEDOUT when it passes, connected or not.
 */
export class BridgeLink {
  readonly #pending = new Map<string, Pending>();
  readonly #handlers = new Map<string, BridgeHandler>();
  readonly #prefix = randomUUID();
  readonly #events: BridgeLinkEvents;
  #next = 0;
  #conn: BridgeConnection | null = null;
  #ops: ReadonlySet<string> = new Set();
  #mgr = '';
  #instance = '';

  constructor(events: BridgeLinkEvents = {}) {
    this.#events = events;
  }

  /** Whether a recorder that serves requests is connected. */
  get up(): boolean {
    return this.#conn !== null;
  }

  /** The manager the recorder runs in (`x`), once one has said hello. */
  get mgr(): string {
    return this.#mgr;
  }

  /** Requests sent and not answered yet. */
  get waiting(): number {
    return this.#pending.size;
  }

  /** Serves `op` when the recorder asks for it. */
  handle(op: string, handler: BridgeHandler): void {
    this.#handlers.set(op, handler);
  }

  /** Tells `events.refused` (the listener calls it for a peer that failed to authenticate). */
  refused(peer: string, why: string): void {
    this.#events.refused?.(peer, why);
  }

  /**
   * A connection said hello: from now on requests go through it, those waiting first. A request already sent to
   * another run of the recorder (the manager restarted or failed over) is not sent again: that run may have applied
   * it, and this one cannot know; it fails with ENOTCONN saying so.
   */
  open(conn: BridgeConnection, hello: { ops: readonly string[]; mgr: string; instance?: string | undefined }): void {
    this.#conn = conn;
    this.#ops = new Set(hello.ops);
    this.#mgr = hello.mgr;
    this.#instance = hello.instance ?? '';
    for (const [id, p] of [...this.#pending]) {
      if (p.sentTo !== undefined && p.sentTo !== this.#instance) {
        this.#fail(
          id,
          new MgrError(
            'MGR_ERR_BRIDGE_DOWN',
            `${p.op}: the recorder restarted (mgr.${hello.mgr}) before answering; not sent again, as it may have been applied`,
          ),
        );
        continue;
      }
      if (p.grace !== undefined) clearTimeout(p.grace);
      p.grace = undefined;
      this.#send(p);
    }
    this.#events.changed?.(true);
  }

  /** The connection is gone: waiting requests wait for the next one, each for at most the grace. */
  close(conn: BridgeConnection): void {
    if (this.#conn !== conn) return;
    this.#conn = null;
    for (const [id, p] of this.#pending) this.#startGrace(id, p);
    this.#events.changed?.(false);
  }

  /**
   * Asks the recorder for `op`; `timeoutMs` (0 or undefined: none) bounds the whole wait. Rejects with an
   * `MgrError`: `MGR_ERR_BRIDGE_TIMED_OUT`, `MGR_ERR_BRIDGE_DOWN`, or `MGR_ERR_BRIDGE_NO_OP`.
   */
  call(op: string, args: Record<string, unknown>, timeoutMs?: number): Promise<BridgeAnswer> {
    if (this.#conn !== null && !this.#ops.has(op)) {
      return Promise.reject(
        new MgrError('MGR_ERR_BRIDGE_NO_OP', `the recorder in mgr.${this.#mgr} does not serve "${op}": update it`),
      );
    }
    const id = `${this.#prefix}-${++this.#next}`;
    const request: BridgeRequest = { bridge: 'request', id, op, args };
    return new Promise<BridgeAnswer>((resolve, reject) => {
      const p: Pending = {
        line: `${JSON.stringify(request)}\n`,
        sentTo: undefined,
        op,
        resolve,
        reject,
        deadline: undefined,
        grace: undefined,
      };
      this.#pending.set(id, p);
      if (timeoutMs !== undefined && timeoutMs > 0) {
        p.deadline = setTimeout(
          () =>
            this.#fail(id, new MgrError('MGR_ERR_BRIDGE_TIMED_OUT', `${op}: no answer within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }
      if (this.#conn !== null) this.#send(p);
      else this.#startGrace(id, p);
    });
  }

  /** A bridge line from the current connection (not challenge/auth/hello, which the listener takes). */
  receive(conn: BridgeConnection, message: BridgeMessage): void {
    if (message.bridge === 'reply') {
      const p = this.#pending.get(message.id);
      if (p === undefined) return;
      this.#settle(message.id, p);
      const { bridge: _b, id: _i, ...answer } = message;
      p.resolve(answer);
    } else if (message.bridge === 'request') void this.#serve(conn, message);
  }

  /** Fails every waiting request (the host stops). */
  shutdown(): void {
    for (const id of [...this.#pending.keys()])
      this.#fail(id, new MgrError('MGR_ERR_BRIDGE_DOWN', 'mgrkit is stopping: the request was not answered'));
  }

  async #serve(conn: BridgeConnection, request: BridgeRequest): Promise<void> {
    const handler = this.#handlers.get(request.op);
    let answer: BridgeAnswer;
    if (handler === undefined) {
      const e = new MgrError(
        'MGR_ERR_BRIDGE_NO_OP',
        `mgrkit serves no "${request.op}" (bridge version ${BRIDGE_VERSION})`,
      );
      answer = { r: -e.errno, outb: '', outs: e.message };
    } else {
      try {
        answer = await handler(request.args);
      } catch (e) {
        // As Ceph answers a command whose handler raised: -EINVAL with the error (the link itself is fine).
        const err =
          e instanceof MgrError
            ? e
            : new MgrError('MGR_ERR_BRIDGE_REQUEST_RAISED', `${request.op}: ${(e as Error)?.message ?? String(e)}`);
        answer = { r: -err.errno, outb: '', outs: err.message };
      }
    }
    const reply: BridgeReply = { bridge: 'reply', id: request.id, ...answer };
    conn.write(`${JSON.stringify(reply)}\n`);
  }

  #send(p: Pending): void {
    p.sentTo = this.#instance;
    this.#conn!.write(p.line);
  }

  #startGrace(id: string, p: Pending): void {
    if (p.grace !== undefined) return;
    p.grace = setTimeout(
      () =>
        this.#fail(
          id,
          new MgrError(
            'MGR_ERR_BRIDGE_DOWN',
            `${p.op}: no recorder connected to mgrkit within ${RECONNECT_GRACE_MS / 1000} s (mgrkit_recorder output = listen:...)`,
          ),
        ),
      RECONNECT_GRACE_MS,
    );
  }

  #settle(id: string, p: Pending): void {
    if (p.deadline !== undefined) clearTimeout(p.deadline);
    if (p.grace !== undefined) clearTimeout(p.grace);
    this.#pending.delete(id);
  }

  #fail(id: string, e: MgrError): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.#settle(id, p);
    p.reject(e);
  }
}
