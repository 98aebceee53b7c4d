/** One consumer of a log, reading from some seq on: its messages in order, and a way to leave it. */
export interface LogConsumer<M> {
  readonly messages: AsyncIterable<M>;
  close(): void;
}

/** What following needs of a log: consumers from a seq, and the seq of its last message. */
export interface FollowedLog<M> {
  consume(from: number): Promise<LogConsumer<M>>;
  lastSeq(): Promise<number>;
  seqOf(message: M): number;
}

export interface FollowTiming {
  /** How long a consumer may stay silent while the log holds messages it has not delivered. */
  readonly stallMs: number;
  /**
   * How long one delivery may take before it is given up: it may wait on a server that was killed (an object
   * store read) and never return.
   */
  readonly hungMs: number;
  /** The pause before a consumer is made again. */
  readonly reconsumeMs: number;
}

export const DEFAULT_FOLLOW_TIMING: FollowTiming = { stallMs: 3000, hungMs: 12_000, reconsumeMs: 250 };

/** Thrown by a delivery that cannot finish now (a read timed out): the consumer is made again from its seq. */
export class RetryDelivery extends Error {}

/** `p`, or null once `ms` have passed without it settling. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * Reads `log` in order from `afterSeq + 1`, handing each message to `deliver` (awaited: a slow reader holds the
 * log back), until `signal` aborts or `deliver` throws an error `fatal` accepts. A consumer that ends, fails, stays
 * silent while the log holds more, or whose delivery has not returned within `hungMs` is left behind and a new one
 * made from the first message not yet delivered. A delivery left behind may still finish later: the next consumer
 * hands that message over again, so `deliver` must skip a seq it has applied (it never sees one out of order).
 */
export async function followLog<M>(
  log: FollowedLog<M>,
  afterSeq: number,
  deliver: (message: M) => Promise<void>,
  signal: AbortSignal,
  options: {
    timing?: FollowTiming;
    fatal?: (e: unknown) => boolean;
    onRestart?: (why: string, next: number) => void;
  } = {},
): Promise<void> {
  const timing = options.timing ?? DEFAULT_FOLLOW_TIMING;
  const position = { next: afterSeq + 1 };
  while (!signal.aborted) {
    let why: string;
    try {
      why = await consumeOnce(log, position, deliver, signal, timing);
    } catch (e) {
      if (signal.aborted) break;
      if (options.fatal?.(e)) throw e;
      why = `consumer failed: ${(e as Error).message}`;
    }
    if (signal.aborted) break;
    options.onRestart?.(why, position.next);
    await new Promise((r) => setTimeout(r, timing.reconsumeMs));
  }
}

/** One consumer's run from `position.next`; resolves with why it ended (moving `position` on as it delivers). */
async function consumeOnce<M>(
  log: FollowedLog<M>,
  position: { next: number },
  deliver: (message: M) => Promise<void>,
  signal: AbortSignal,
  timing: FollowTiming,
): Promise<string> {
  const first = position.next;
  let consumer: LogConsumer<M> | null = null;
  let left = false;
  let lastProgress = Date.now();
  let busySince: number | null = null;
  let leave = (_why: string): void => undefined;
  const leaving = new Promise<string>((resolve) => {
    leave = (why) => {
      if (left) return;
      left = true;
      consumer?.close();
      resolve(why);
    };
  });
  const onAbort = () => leave('stopped');
  signal.addEventListener('abort', onAbort, { once: true });
  let asking = false;
  // The watchdog runs from before the consumer is made: making it may hang too, when its server was just killed.
  const watchdog = setInterval(() => {
    const now = Date.now();
    if (busySince !== null) {
      if (now - busySince >= timing.hungMs) leave(`a delivery has not returned in ${now - busySince} ms`);
      return;
    }
    const silent = now - lastProgress;
    if (silent < timing.stallMs || asking) return;
    asking = true;
    withTimeout(log.lastSeq(), timing.stallMs)
      .catch(() => null)
      .then((last) => {
        asking = false;
        if (busySince !== null || Date.now() - lastProgress < timing.stallMs) return;
        if (last === null ? silent >= 4 * timing.stallMs : last >= position.next) {
          leave(`silent for ${silent} ms${last === null ? '' : ` with the log at ${last}`}`);
        }
      });
  }, timing.stallMs / 2);
  const reading = (async (): Promise<string> => {
    const c = await log.consume(first);
    if (left) {
      c.close();
      return 'left';
    }
    consumer = c;
    for await (const m of c.messages) {
      if (left) break;
      const seq = log.seqOf(m);
      // A consumer made again may start before where it was asked to: those were delivered already.
      if (seq < position.next) continue;
      busySince = Date.now();
      try {
        await deliver(m);
      } catch (e) {
        if (e instanceof RetryDelivery) return `delivery of ${seq} to be tried again: ${e.message}`;
        throw e;
      } finally {
        busySince = null;
      }
      // A delivery that finished after its consumer was left behind moves nothing: the next consumer has its seq.
      if (left) break;
      position.next = Math.max(position.next, seq + 1);
      lastProgress = Date.now();
      if (signal.aborted) break;
    }
    return 'consumer ended';
  })();
  try {
    return await Promise.race([reading, leaving]);
  } finally {
    left = true;
    clearInterval(watchdog);
    signal.removeEventListener('abort', onAbort);
    (consumer as LogConsumer<M> | null)?.close();
    reading.catch(() => undefined);
  }
}
