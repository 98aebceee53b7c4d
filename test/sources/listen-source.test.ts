import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MgrHost } from '../../src/entry/host.ts';
import { parseItems } from '../../src/ingest/input-stage.ts';
import type { IngestItem, SourceItem } from '../../src/ingest/source-item.ts';
import { StreamClock } from '../../src/ingest/stream-clock.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { ingestLive } from '../../src/run/live-source.ts';
import { listenSource, parseListenAddress } from '../../src/sources/listen-source.ts';
import { Store } from '../../src/store/store.ts';
import { PATCH_TRACE, readJsonl, tempDir, waitFor } from '../helpers.ts';

const lines = readJsonl<Record<string, unknown>>(PATCH_TRACE)
  .slice(0, 250)
  .map((e) => `${JSON.stringify(e)}\n`);

function open(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const m = /^(.*):(\d+)$/.exec(address);
    const s = address.startsWith('unix:')
      ? connect(address.slice(5))
      : connect(Number(m![2]), m![1]!.replace(/^\[|\]$/g, ''));
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes `text` in pieces of `size` bytes, so that lines arrive cut anywhere. */
async function sendInPieces(s: Socket, text: string, size: number): Promise<void> {
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += size) {
    await new Promise<void>((r) => s.write(buf.subarray(i, i + size), () => r()));
  }
}

describe('listening for a recorder', () => {
  it('parses socket paths and HOST:PORT', () => {
    assert.deepEqual(parseListenAddress('/run/mgrkit.sock'), { path: '/run/mgrkit.sock' });
    assert.deepEqual(parseListenAddress('rec.sock'), { path: 'rec.sock' });
    assert.deepEqual(parseListenAddress('127.0.0.1:7700'), { host: '127.0.0.1', port: 7700 });
    assert.deepEqual(parseListenAddress('[::1]:7700'), { host: '::1', port: 7700 });
    assert.throws(() => parseListenAddress('h:70000'), { code: 'MGR_ERR_USAGE' });
  });

  it('reads each connection on a Unix socket in order; a lost connection is a mon_session down', async (t) => {
    const dir = tempDir(t);
    const src = await listenSource(join(dir, 'rec.sock'));
    t.after(() => src.close());
    const items: IngestItem[] = [];
    let completed = false;
    src.items.pipe(parseItems()).subscribe({ next: (i) => items.push(i), complete: () => (completed = true) });

    const first = await open(src.address);
    await sendInPieces(first, lines.slice(0, 200).join(''), 4093);
    await waitFor('200 events', () => items.length === 200);
    first.end();
    await waitFor('the session down', () => items.length === 201);
    const down = items[200]!;
    assert.equal(down.kind === 'event' && down.event.kind, 'mon_session');
    assert.equal(down.kind === 'event' && down.event.kind === 'mon_session' && down.event.state, 'down');

    const second = await open(src.address);
    await sendInPieces(second, lines.slice(200).join(''), 4096);
    await waitFor('the rest', () => items.length === lines.length + 1);
    const events = items.filter((_, n) => n !== 200).map((i) => (i.kind === 'event' ? i.event : i.rejection));
    assert.deepEqual(
      events,
      lines.map((l) => JSON.parse(l)),
    );
    second.destroy();
    await src.close();
    assert.ok(completed);
  });

  it('binds TCP on loopback (port 0: one is chosen), and fails with MGR_ERR_SOURCE_LISTEN where a port is taken', async (t) => {
    const src = await listenSource('127.0.0.1:0');
    t.after(() => src.close());
    const port = Number(/:(\d+)$/.exec(src.address)![1]);
    assert.ok(port > 0);
    const items: IngestItem[] = [];
    src.items.pipe(parseItems()).subscribe((i) => items.push(i));
    const s = await open(src.address);
    s.write(`${lines[0]}{"kind":"nope","t":1}\n`);
    await waitFor('two items', () => items.length === 2);
    assert.equal(items[0]!.kind, 'event');
    assert.equal(items[1]!.kind, 'rejection');
    if (items[1]!.kind === 'rejection') {
      assert.equal(items[1]!.rejection.code, 'MGR_ERR_TRACE_SCHEMA');
      assert.equal(items[1]!.rejection.line, 2);
    }
    s.destroy();

    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    t.after(() => new Promise<void>((r) => taken.close(() => r())));
    const addr = taken.address();
    assert.ok(addr !== null && typeof addr === 'object');
    await assert.rejects(listenSource(`127.0.0.1:${addr.port}`), { code: 'MGR_ERR_SOURCE_LISTEN' });
  });

  it('have_mon_connection() is true while a recorder streams, false when it goes, true again when it is back', async (t) => {
    const dir = tempDir(t);
    const store = Store.open(join(dir, 'db'));
    const host = await MgrHost.create({
      store,
      builtinModules: false,
      clock: new StreamClock(1),
      logger: createRootLogger({ file: '/dev/null' }),
    });
    host.start();
    let gate: ((i: SourceItem) => Promise<void> | undefined) | undefined;
    const src = await listenSource(join(dir, 'rec.sock'), { gate: (i) => gate?.(i) });
    const done = ingestLive({
      spec: 'listen:rec.sock',
      store,
      host,
      source: (g) => {
        gate = g;
        return src.items;
      },
    });
    t.after(async () => {
      await src.close();
      await done;
      await host.stop();
      await store.close();
    });
    const connected = () => host.liveness.connected;
    assert.equal(connected(), false);

    // The trace's own clock is months old: the recorder stamps events with the time it sees them.
    const now = (e: Record<string, unknown>) => `${JSON.stringify({ ...e, t: Date.now() })}\n`;
    const rec = await open(src.address);
    await sendInPieces(
      rec,
      lines
        .slice(0, 100)
        .map((l) => now(JSON.parse(l)))
        .join(''),
      8192,
    );
    await waitFor('the first 100 events folded', () => host.state.seq === 100);
    assert.equal(connected(), true);

    rec.destroy();
    await waitFor('the connection counted as lost', () => !connected());

    const back = await open(src.address);
    back.write(now({ v: 1, kind: 'mon_session', state: 'up' }) + now({ v: 1, kind: 'heartbeat' }));
    await waitFor('the connection back', connected);
    back.destroy();
  });
});
