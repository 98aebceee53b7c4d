import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MgrHost } from '../../src/entry/host.ts';
import { parseItems } from '../../src/ingest/input-stage.ts';
import type { IngestItem, SourceItem } from '../../src/ingest/source-item.ts';
import { StreamClock } from '../../src/ingest/stream-clock.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { ingestLive } from '../../src/run/live-source.ts';
import { BridgeLink } from '../../src/sources/bridge-link.ts';
import { readBridgeSecret } from '../../src/sources/bridge-secret.ts';
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

/** The lines a peer gets until the listener closes the connection, after sending `send` for each line it gets. */
function converse(address: string, reply: (line: string) => string | null): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const got: string[] = [];
    let buf = '';
    open(address).then((s) => {
      s.on('data', (d) => {
        buf += d;
        const parts = buf.split('\n');
        buf = parts.pop()!;
        for (const line of parts) {
          got.push(line);
          const answer = reply(line);
          if (answer !== null) s.write(`${answer}\n`);
        }
      });
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
    }, reject);
  });
}

describe('the bridge on a listener', () => {
  it('TCP with a secret: a peer answering the challenge is read and says hello; a wrong answer or an event first is cut off and logged', async (t) => {
    const secret = Buffer.from('0123456789abcdef0123456789abcdef');
    const refused: string[] = [];
    const link = new BridgeLink({ refused: (_peer, why) => refused.push(why) });
    const src = await listenSource('127.0.0.1:0', { bridge: link, secret });
    t.after(() => src.close());
    const items: IngestItem[] = [];
    src.items.pipe(parseItems()).subscribe((i) => items.push(i));

    // Each peer answers the first line it gets, and nothing after.
    const once = (answer: string) => {
      let answered = false;
      return () => {
        if (answered) return null;
        answered = true;
        return answer;
      };
    };
    const wrong = await converse(
      src.address,
      once(JSON.stringify({ bridge: 'auth', version: 1, hmac: '0'.repeat(64) })),
    );
    assert.deepEqual(
      wrong.map((l) => (JSON.parse(l) as { bridge: string }).bridge),
      ['challenge', 'refused'],
    );
    assert.deepEqual(JSON.parse(wrong[1]!), { bridge: 'refused', version: 1, why: 'a wrong answer to the challenge' });
    const eventFirst = await converse(src.address, once(lines[0]!.trimEnd()));
    assert.deepEqual(JSON.parse(eventFirst[1]!), {
      bridge: 'refused',
      version: 1,
      why: 'its first line is not an answer to the challenge',
    });
    assert.deepEqual(refused, ['a wrong answer to the challenge', 'its first line is not an answer to the challenge']);
    assert.equal(items.length, 0, 'nothing a refused peer sent was taken');
    assert.equal(link.up, false);

    const s = await open(src.address);
    t.after(() => s.destroy());
    const challenge = await new Promise<{ nonce: string }>((r) => s.once('data', (d) => r(JSON.parse(String(d)))));
    const hmac = createHmac('sha256', secret).update(challenge.nonce).digest('hex');
    s.write(`${JSON.stringify({ bridge: 'auth', version: 1, hmac })}\n`);
    s.write(`${JSON.stringify({ bridge: 'hello', version: 1, ops: ['command'], mgr: 'y' })}\n${lines[0]}`);
    await waitFor('the event', () => items.length === 1);
    await waitFor('the bridge up', () => link.up);
    assert.equal(link.mgr, 'y');
  });

  it('a bridge on TCP without a secret is refused at the start; a Unix socket is made mode 0600 and says open', async (t) => {
    await assert.rejects(listenSource('127.0.0.1:0', { bridge: new BridgeLink() }), { code: 'MGR_ERR_BRIDGE_SECRET' });
    const dir = tempDir(t);
    const path = join(dir, 'rec.sock');
    const src = await listenSource(path, { bridge: new BridgeLink() });
    t.after(() => src.close());
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const s = await open(src.address);
    t.after(() => s.destroy());
    const first = await new Promise<string>((r) => s.once('data', (d) => r(String(d))));
    assert.deepEqual(JSON.parse(first), { bridge: 'open', version: 1 });
  });

  it('a bridge secret file must be private and long enough', (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'secret');
    writeFileSync(file, 'abcdefghijklmnopqrstuvwxyz\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    assert.throws(() => readBridgeSecret(file), {
      code: 'MGR_ERR_BRIDGE_SECRET',
      message: /readable by others.*chmod 600/,
    });
    chmodSync(file, 0o600);
    assert.equal(readBridgeSecret(file).toString(), 'abcdefghijklmnopqrstuvwxyz');
    writeFileSync(file, 'short');
    assert.throws(() => readBridgeSecret(file), {
      code: 'MGR_ERR_BRIDGE_SECRET',
      message: /holds 5 bytes; use at least 16/,
    });
    assert.throws(() => readBridgeSecret(join(dir, 'none')), { code: 'MGR_ERR_BRIDGE_SECRET', message: /ENOENT/ });
  });
});
