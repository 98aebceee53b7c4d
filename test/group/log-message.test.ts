import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JournaledEvent } from '../../schemas/event.ts';
import { decodeLogEvent, encodeLogEvent } from '../../src/group/log-message.ts';
import { PATCH_TRACE, readJsonl } from '../helpers.ts';

const events = readJsonl<JournaledEvent>(PATCH_TRACE)
  .slice(0, 50)
  .map((e, i) => ({ ...e, seq: i + 1 }) as JournaledEvent);

describe('event log messages', () => {
  it('round-trip recorded events with their seq as message id, and the cursor on the message that carries it', () => {
    for (const e of events) {
      const cursor = {
        key: 'trace:x',
        value: { source: 't', line: e.seq, offset: e.seq * 10, accepted: e.seq, rejected: 0 },
      };
      const enc = encodeLogEvent(e, cursor);
      assert.equal(enc.msgId, String(e.seq));
      const dec = decodeLogEvent(enc.body, e.seq, 'nats:S', enc.cursor ?? undefined);
      assert.ok('event' in dec);
      assert.deepEqual(dec.event, e);
      assert.deepEqual(dec.cursor, cursor);
    }
  });

  it('rejects a message whose seq is not its place in the stream, naming the stream and the place', () => {
    const enc = encodeLogEvent(events[4]!);
    const dec = decodeLogEvent(enc.body, 7, 'nats:S');
    assert.ok('rejection' in dec);
    assert.equal(dec.rejection.code, 'MGR_ERR_LOG_MESSAGE');
    assert.equal(dec.rejection.file, 'nats:S');
    assert.equal(dec.rejection.line, 7);
    assert.deepEqual(dec.rejection.path, [events[4]!.kind, 'seq']);
  });

  it('rejects bytes that are not an event, and a cursor header of the wrong shape', () => {
    const notJson = decodeLogEvent(new TextEncoder().encode('{"kind":'), 1, 'nats:S');
    assert.ok('rejection' in notJson && notJson.rejection.code === 'MGR_ERR_LOG_MESSAGE');
    const badKind = decodeLogEvent(new TextEncoder().encode('{"kind":"nope","t":1,"seq":1}'), 1, 'nats:S');
    assert.ok('rejection' in badKind && badKind.rejection.path[0] === 'kind');
    const enc = encodeLogEvent(events[0]!);
    const badCursor = decodeLogEvent(enc.body, 1, 'nats:S', '{"key":""}');
    assert.ok('rejection' in badCursor && badCursor.rejection.path[0] === 'Mgrkit-Cursor');
  });
});

describe('large event log messages', () => {
  it('gzip a body over 64 KiB and read it back as it was', () => {
    const big = {
      v: 1,
      t: 1,
      seq: 3,
      kind: 'clog',
      entry: {
        name: 'mon.a',
        rank: 'mon.0',
        stamp: '2026-11-25T00:00:00.000000+0000',
        seq: 1,
        channel: 'cluster',
        priority: '[INF]',
        message: 'x'.repeat(200_000),
      },
    } as unknown as JournaledEvent;
    const enc = encodeLogEvent(big);
    assert.equal(enc.encoding, 'gzip');
    assert.ok(enc.body.length < 20_000);
    const dec = decodeLogEvent(enc.body, 3, 'nats:S', undefined, enc.encoding ?? undefined);
    assert.ok('event' in dec);
    assert.deepEqual(dec.event, big);
  });
});
