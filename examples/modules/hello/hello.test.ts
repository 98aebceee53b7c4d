import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createModuleHarness } from 'mgrkit/testing';
import { Module } from './module.ts';

test('hello: cues, stream time and a command', async () => {
  const h = await createModuleHarness<Module>({
    module: Module,
    name: 'hello',
    config: { 'mgr/hello/greeting': 'hi' },
  });
  try {
    // Events as a source sends them, each stamped with stream time `t` (ms) and checked as a trace line is.
    await h.push({ kind: 'health', t: 1_000, map: { status: 'HEALTH_OK', checks: {} } });
    // Stream time moves only with events: advance() sends a heartbeat that much later.
    await h.advance(30_000);
    assert.equal(h.now, 31_000);
    await h.push({ kind: 'health', t: h.now + 500, map: { status: 'HEALTH_WARN', checks: {} } });

    // Every cue the module was given, with the seq of the snapshot it read and the stream time.
    assert.deepEqual(
      h.cues.map(({ type, seq, t }) => ({ type, seq, t })),
      [
        { type: 'health', seq: 1, t: 1_000 },
        { type: 'health', seq: 3, t: 31_500 },
      ],
    );
    assert.equal(h.module.epochs.length, 0);

    // A command as `mgrkit cmd hello greet ceph` sends it; the answer is Ceph's [retval, stdout, stderr].
    assert.deepEqual(await h.command('hello greet', { person: 'ceph' }), [0, 'hi, ceph', '']);
    assert.deepEqual(await h.command('hello greet'), [0, 'hi, world', '']);
  } finally {
    await h.stop();
  }
});
