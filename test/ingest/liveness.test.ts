import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MgrHost } from '../../src/host/host.ts';
import { replayTrace } from '../../src/host/replay.ts';
import type { LivenessChange } from '../../src/ingest/liveness.ts';
import { StreamClock } from '../../src/ingest/stream-clock.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers.ts';

const T = 1_795_573_738_000;

function writeTrace(dir: string): string {
  const lines = [
    { kind: 'heartbeat', t: T },
    { kind: 'heartbeat', t: T + 200 },
    { kind: 'mon_session', t: T + 400, state: 'down' },
    { kind: 'mon_session', t: T + 600, state: 'up' },
    { kind: 'heartbeat', t: T + 800 },
    // 1.5 s of silence: longer than the 1 s timeout set below.
    { kind: 'heartbeat', t: T + 2300 },
    { kind: 'heartbeat', t: T + 2400 },
  ];
  const file = join(dir, 'liveness.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

async function changesAt(speed: number, dir: string, trace: string): Promise<Array<LivenessChange & { wall: number }>> {
  const store = Store.open(join(dir, `db-${speed}`));
  const host = await MgrHost.create({
    store,
    builtinModules: false,
    clock: new StreamClock(speed),
    logger: createRootLogger({ file: '/dev/null' }),
  });
  await host.config.set('mon_connection_timeout', '1');
  const seen: Array<LivenessChange & { wall: number }> = [];
  host.liveness.changes.subscribe((c) => seen.push({ ...c, wall: performance.now() }));
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
      { connected: false, at: T + 400, reason: 'mon_session down' },
      { connected: true, at: T + 600, reason: 'event' },
      { connected: false, at: T + 1800, reason: 'silence' },
      { connected: true, at: T + 2300, reason: 'event' },
      { connected: false, at: T + 2400, reason: 'source ended' },
    ];
    const fast = await changesAt(Number.POSITIVE_INFINITY, dir, trace);
    const real = await changesAt(1, dir, trace);
    const strip = (cs: typeof fast) => cs.map(({ connected, at, reason }) => ({ connected, at, reason }));
    assert.deepEqual(strip(fast), expected);
    assert.deepEqual(strip(real), expected);
    // In real time the silence is noticed while it lasts, ~0.5 s before the event that ends it.
    const lost = real[3]!.wall;
    const back = real[4]!.wall;
    assert.ok(back - lost > 300, `silence noticed only ${back - lost} ms before the next event`);
  });
});
