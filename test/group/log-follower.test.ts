/**
 * Following a log without NATS: a fake log whose consumers hand out its messages, and deliveries that hang. A hung
 * delivery is given up, the consumer made again from the first message not delivered, and (with the apply guarded
 * by seq) every message is applied once, in order, even when the hung delivery finishes later.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FollowedLog, type FollowTiming, followLog, type LogConsumer } from '../../src/group/log-follower.ts';
import { waitFor } from '../helpers.ts';

const TIMING: FollowTiming = { stallMs: 40, hungMs: 150, reconsumeMs: 5 };

/** A log of `size` messages (their seqs); `consumedFrom` lists where each consumer was made from. */
function fakeLog(size: number): FollowedLog<number> & { consumedFrom: number[]; closed: number } {
  const log = {
    consumedFrom: [] as number[],
    closed: 0,
    async consume(from: number): Promise<LogConsumer<number>> {
      log.consumedFrom.push(from);
      let open = true;
      let wake = (): void => undefined;
      async function* messages(): AsyncGenerator<number> {
        for (let seq = from; seq <= size && open; seq++) yield seq;
        // A live consumer waits for more until it is closed.
        while (open) await new Promise<void>((r) => (wake = r));
      }
      return {
        messages: messages(),
        close: () => {
          open = false;
          log.closed++;
          wake();
        },
      };
    },
    lastSeq: async () => size,
    seqOf: (m: number) => m,
  };
  return log;
}

describe('following a log', () => {
  it('gives up a delivery that never returns and goes on from its seq', async () => {
    const log = fakeLog(5);
    const applied: number[] = [];
    const abort = new AbortController();
    let hung = false;
    const following = followLog(
      log,
      0,
      async (seq) => {
        if (seq === 3 && !hung) {
          hung = true;
          await new Promise(() => undefined); // an object-store read whose server was killed
        }
        applied.push(seq);
      },
      abort.signal,
      { timing: TIMING },
    );
    await waitFor('all five applied', () => applied.length >= 5);
    abort.abort();
    await following;
    assert.deepEqual(applied, [1, 2, 3, 4, 5]);
    assert.deepEqual(log.consumedFrom, [1, 3], 'the second consumer starts at the hung message');
    assert.ok(log.closed >= 2, 'both consumers are closed');
  });

  it('a hung delivery that finishes after it was given up is not applied twice', async () => {
    const log = fakeLog(6);
    const applied: number[] = [];
    let head = 0;
    const apply = (seq: number) => {
      // The apply is guarded by seq, as the replica's fold is: what it holds already is skipped.
      if (seq <= head) return;
      assert.equal(seq, head + 1, 'in order');
      head = seq;
      applied.push(seq);
    };
    let release = (): void => undefined;
    const late = new Promise<void>((r) => (release = r));
    let calls = 0;
    let lateReturned = false;
    const abort = new AbortController();
    const following = followLog(
      log,
      0,
      async (seq) => {
        calls++;
        if (seq === 2 && calls === 2) {
          await late; // returns, but only once the next consumer has delivered the rest
          try {
            apply(seq);
          } finally {
            lateReturned = true;
          }
          return;
        }
        apply(seq);
      },
      abort.signal,
      { timing: TIMING },
    );
    await waitFor('all six applied', () => applied.length >= 6);
    release();
    await waitFor('the late delivery to return', () => lateReturned);
    abort.abort();
    await following;
    assert.deepEqual(applied, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(log.consumedFrom, [1, 2]);
  });

  it('leaves a consumer that stays silent while the log holds more', async () => {
    const log = fakeLog(4);
    const real = log.consume.bind(log);
    let made = 0;
    // The first consumer delivers two messages, then nothing (its server died): no error, no end.
    log.consume = async (from) => {
      made++;
      if (made > 1) return real(from);
      let wake = (): void => undefined;
      let open = true;
      async function* messages(): AsyncGenerator<number> {
        yield from;
        yield from + 1;
        while (open) await new Promise<void>((r) => (wake = r));
      }
      return {
        messages: messages(),
        close: () => {
          open = false;
          wake();
        },
      };
    };
    const applied: number[] = [];
    const abort = new AbortController();
    const following = followLog(log, 0, async (seq) => void applied.push(seq), abort.signal, { timing: TIMING });
    await waitFor('all four applied', () => applied.length >= 4);
    abort.abort();
    await following;
    assert.deepEqual(applied, [1, 2, 3, 4]);
    assert.deepEqual(log.consumedFrom, [3]);
  });

  it('a consumer that cannot be made is made again', async () => {
    const log = fakeLog(3);
    const real = log.consume.bind(log);
    let made = 0;
    log.consume = async (from) => {
      made++;
      if (made === 1) throw new Error('no responders');
      if (made === 2) return new Promise(() => undefined); // its server was killed while it was being made
      return real(from);
    };
    const applied: number[] = [];
    const abort = new AbortController();
    const following = followLog(log, 0, async (seq) => void applied.push(seq), abort.signal, { timing: TIMING });
    await waitFor('all three applied', () => applied.length >= 3);
    abort.abort();
    await following;
    assert.deepEqual(applied, [1, 2, 3]);
  });

  it('stops at once when aborted, even while a delivery hangs', async () => {
    const log = fakeLog(3);
    const abort = new AbortController();
    let started = false;
    const following = followLog(
      log,
      0,
      async () => {
        started = true;
        await new Promise(() => undefined);
      },
      abort.signal,
      { timing: { ...TIMING, hungMs: 60_000 } },
    );
    await waitFor('a delivery started', () => started);
    abort.abort();
    await following;
  });
});
