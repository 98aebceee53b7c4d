import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cue } from '../../src/bus/cue.ts';
import { Dispatcher } from '../../src/bus/dispatcher.ts';
import { createNotifyBus } from '../../src/bus/emitter.ts';

const cue = (type: Cue['type'], seq: number): Cue => ({ type, id: '', seq });

describe('Dispatcher', () => {
  it('feeds each module its own queue with the cues of the types it takes, in order', async () => {
    const bus = createNotifyBus();
    const dispatcher = new Dispatcher(bus);
    const got: Record<string, number[]> = { a: [], b: [] };
    const seen: string[] = [];
    const a = dispatcher.subscribe({
      types: ['osd_map', 'mon_map'],
      deliver: (c) => void got.a!.push(c.seq),
      onError: () => assert.fail('no error'),
      onCue: (c) => seen.push(c.type),
    });
    const b = dispatcher.subscribe({
      types: ['mon_map'],
      deliver: (c) => void got.b!.push(c.seq),
      onError: () => assert.fail('no error'),
      onCue: () => {},
    });
    for (const c of [cue('osd_map', 1), cue('mon_map', 2), cue('health', 3), cue('osd_map', 4)]) bus.emit(c.type, c);
    await Promise.all([a.queue.idle(), b.queue.idle()]);
    assert.deepEqual(got, { a: [1, 2, 4], b: [2] });
    assert.deepEqual(seen, ['osd_map', 'mon_map', 'osd_map']);
  });

  it('takes a closed subscription off the bus and counts a cue whose delivery threw', async () => {
    const bus = createNotifyBus();
    const errors: number[] = [];
    const sub = new Dispatcher(bus).subscribe({
      types: ['clog'],
      deliver: (c) => {
        if (c.seq === 1) throw new Error('boom');
      },
      onError: (c) => errors.push(c.seq),
      onCue: () => {},
    });
    bus.emit('clog', cue('clog', 1));
    bus.emit('clog', cue('clog', 2));
    await sub.queue.idle();
    assert.deepEqual(errors, [1]);
    assert.deepEqual(sub.queue.stats, { delivered: 1, coalesced: 0, dropped: 0, errors: 1 });
    sub.close();
    bus.emit('clog', cue('clog', 3));
    await sub.queue.idle();
    assert.equal(sub.queue.stats.delivered, 1);
  });
});
