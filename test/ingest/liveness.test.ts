import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { JournaledEvent } from '../../schemas/event.ts';
import { MgrHost } from '../../src/entry/host.ts';
import { Liveness, type LivenessChange } from '../../src/ingest/liveness.ts';
import { StreamClock } from '../../src/ingest/stream-clock.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers.ts';

const T = 1_795_573_738_000;

/**
 * Events a few stream milliseconds apart around one silence: at speed 1, a pause of the whole process shorter than
 * the 2 s timeout cannot pass for a silence, and one longer only delays the silence that is there.
 */
function writeTrace(dir: string): string {
  const lines = [
    { kind: 'heartbeat', t: T },
    { kind: 'heartbeat', t: T + 2 },
    { kind: 'mon_session', t: T + 4, state: 'down' },
    { kind: 'mon_session', t: T + 6, state: 'up' },
    { kind: 'heartbeat', t: T + 8 },
    // 2.5 s of silence: longer than the 2 s timeout set below.
    { kind: 'heartbeat', t: T + 2508 },
    { kind: 'heartbeat', t: T + 2510 },
  ];
  const file = join(dir, 'liveness.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

async function changesAt(speed: number, dir: string, trace: string): Promise<LivenessChange[]> {
  const store = Store.open(join(dir, `db-${speed}`));
  const host = await MgrHost.create({
    store,
    builtinModules: false,
    clock: new StreamClock(speed),
    logger: createRootLogger({ file: '/dev/null' }),
  });
  await host.settings.config.set('mon_connection_timeout', '2');
  const seen: LivenessChange[] = [];
  host.liveness.changes.subscribe((c) => seen.push(c));
  host.start();
  await replayTrace({ trace, store, host, speed });
  await host.stop();
  await store.close();
  return seen;
}

describe('have_mon_connection follows the stream', () => {
  it('goes false on mon_session down and on silence, true with the next event: the same at speed max and 1', async (t) => {
    const dir = tempDir(t);
    const trace = writeTrace(dir);
    const expected = [
      { connected: true, at: T, reason: 'event' },
      { connected: false, at: T + 4, reason: 'mon_session down' },
      { connected: true, at: T + 6, reason: 'event' },
      { connected: false, at: T + 2008, reason: 'silence' },
      { connected: true, at: T + 2508, reason: 'event' },
      { connected: false, at: T + 2510, reason: 'source ended' },
    ];
    assert.deepEqual(await changesAt(Number.POSITIVE_INFINITY, dir, trace), expected);
    assert.deepEqual(await changesAt(1, dir, trace), expected);
  });

  const heartbeat = (t: number, seq: number) => ({ kind: 'heartbeat', t, seq }) as JournaledEvent;

  for (const speed of [1, 4]) {
    it(`with a running clock (speed ${speed}), notices a silence while it lasts, before the next event`, (t) => {
      t.mock.timers.enable({ apis: ['setTimeout'] });
      // The stream clock, stepped by the test together with the timers: stream ms = wall ms × speed.
      let now = T;
      const step = (streamMs: number) => {
        now += streamMs;
        t.mock.timers.tick(streamMs / speed);
      };
      const liveness = new Liveness({ timeoutSeconds: () => 1, now: () => now, wallPerStreamMs: 1 / speed });
      const seen: LivenessChange[] = [];
      liveness.changes.subscribe((c) => seen.push(c));
      liveness.observe([heartbeat(T, 1)]);
      step(996);
      assert.equal(liveness.connected, true, 'lost before the timeout');
      step(8);
      assert.equal(liveness.connected, false, 'the silence was not noticed while it lasted');
      liveness.observe([heartbeat(T + 1500, 2)]);
      liveness.stop();
      assert.deepEqual(seen, [
        { connected: true, at: T, reason: 'event' },
        { connected: false, at: T + 1000, reason: 'silence' },
        { connected: true, at: T + 1500, reason: 'event' },
      ]);
    });
  }
});
