/**
 * The admin socket under abuse, in-process: request depth and size limits, back-pressure on a client that pipelines
 * requests without reading its replies, what a client leaves behind when it goes, and who a request says it is.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { CommandTable } from '../../src/commands/command-table.ts';
import { parseDescriptor } from '../../src/commands/descriptor.ts';
import { dispatch } from '../../src/commands/router.ts';
import { ERRORS } from '../../src/errors.ts';
import { AdminClient } from '../../src/server/admin-client.ts';
import { type AdminRequest, AdminSocket, type AdminSocketLimits, parseRequest } from '../../src/server/admin-socket.ts';
import { parseWireJson, stringifyWireJson } from '../../src/server/wire-json.ts';
import { tempDir, waitFor } from '../helpers.ts';

const { EINVAL, EACCES, E2BIG } = constants.errno;

async function serve(
  t: TestContext,
  handle: (req: AdminRequest) => Promise<[number, string, string]>,
  limits: Partial<AdminSocketLimits> = {},
): Promise<{ admin: AdminSocket; path: string }> {
  const path = join(tempDir(t, 'mgrkit-sock-'), 'mgr.sock');
  const admin = await AdminSocket.listen(path, handle, limits);
  t.after(() => admin.close());
  return { admin, path };
}

async function rawClient(t: TestContext, path: string): Promise<Socket> {
  const s = connect(path);
  await once(s, 'connect');
  t.after(() => s.destroy());
  return s;
}

function deep(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

function table(): CommandTable {
  const t = new CommandTable();
  t.add({
    signature: parseDescriptor('foobar name=myarg,type=CephInt name=many,type=CephString,n=N,req=false'),
    desc: 'Do foobar',
    perm: 'r',
    poll: false,
    module: null,
    run: async (cmd) => [0, stringifyWireJson(cmd), ''],
  });
  return t;
}

describe('admin socket limits per request', () => {
  it('answers a 10,000-deep argument with MGR_ERR_REQUEST_TOO_DEEP and keeps serving the connection', async (t) => {
    const commands = table();
    const { path } = await serve(t, (req) =>
      dispatch(commands, req.cmd, { entity: req.entity, caps: 'rw', inbuf: req.inbuf }),
    );
    const c = await AdminClient.connect(path);
    t.after(() => c.close());
    const tooDeep = await c.sendRaw(`{"prefix": "foobar", "myarg": ${deep(10_000)}}`);
    assert.equal(tooDeep.retval, -ERRORS.MGR_ERR_REQUEST_TOO_DEEP.errno);
    assert.match(tooDeep.stderr, /nested deeper than 32 levels/);
    // within the depth limit, a nested value is an invalid argument, named without being printed
    const nested = await c.sendRaw(`{"prefix": "foobar", "myarg": ${deep(20)}}`);
    assert.deepEqual(nested, {
      retval: -EINVAL,
      stdout: '',
      stderr: 'Invalid command: a list is not a <int> value',
    });
    const inList = await c.sendRaw(`{"prefix": "foobar", "myarg": 1, "many": [${deep(20)}]}`);
    assert.equal(inList.retval, -EINVAL);
    const ok = await c.send({ prefix: 'foobar', myarg: 3 });
    assert.deepEqual(ok, { retval: 0, stdout: '{"prefix":"foobar","myarg":3}', stderr: '' });
  });

  it('refuses a request over the size limit with MGR_ERR_REQUEST_TOO_LARGE and closes only that connection', async (t) => {
    const { path } = await serve(t, async () => [0, 'ok', ''], { maxRequestBytes: 1000 });
    const big = await AdminClient.connect(path);
    const reply = await big.sendRaw(JSON.stringify({ prefix: 'status', pad: 'x'.repeat(2000) }));
    assert.equal(reply.retval, -E2BIG);
    assert.equal(reply.retval, -ERRORS.MGR_ERR_REQUEST_TOO_LARGE.errno);
    // a line with no end at all is refused as soon as it passes the limit
    const s = await rawClient(t, path);
    s.setEncoding('utf8');
    let got = '';
    s.on('data', (d: string) => {
      got += d;
    });
    s.write('{"prefix": "'.padEnd(5000, 'x'));
    await once(s, 'close');
    assert.equal(JSON.parse(got).retval, -E2BIG);
    const other = await AdminClient.connect(path);
    assert.equal((await other.send({ prefix: 'status' })).retval, 0);
    other.close();
  });

  it('reads NaN, Infinity and integers past 2^53 as Python sends them, exactly', () => {
    const r = parseWireJson('{"a": NaN, "b": -Infinity, "c": 99999999999999999999, "d": [1.5, -0, 1e400]}', 8);
    assert.ok(r.ok);
    const v = r.value as { a: number; b: number; c: bigint; d: number[] };
    assert.ok(Number.isNaN(v.a));
    assert.equal(v.b, -Infinity);
    assert.equal(v.c, 99999999999999999999n);
    assert.deepEqual(v.d, [1.5, -0, Infinity]);
    assert.equal(stringifyWireJson({ c: v.c, a: v.a, b: v.b }), '{"c":99999999999999999999,"a":NaN,"b":-Infinity}');
    for (const bad of ['{"a": 1,}', '[1 2]', '{"a" 1}', 'nan', '[01]', '"\u0001"', '{"a": 1} x', '']) {
      assert.equal(parseWireJson(bad, 8).ok, false, bad);
    }
    // the full parser (taken when NaN, Infinity or a long integer is there) reads the rest as JSON.parse does
    for (const text of [
      '{"s": "x\\"y\\n\\u00e9\\\\", "k": [true, false, null, {}, [], -0.5e-3, 12345678901234567.5], "k": 2}',
      '[1e20, -1, 0, "NaN", "a\\\\"]',
      ' { "a" : [ 1 , 2 ] } ',
    ]) {
      const fast = parseWireJson(text, 8);
      const isArray = text.trim().startsWith('[');
      const full = parseWireJson(text.replace(/^(\s*)([[{])/, isArray ? '$1$2NaN, ' : '$1$2"z": NaN, '), 8);
      assert.ok(fast.ok && full.ok, text);
      assert.deepEqual(fast.value, JSON.parse(text));
      if (isArray) assert.deepEqual((full.value as unknown[]).slice(1), fast.value);
      else assert.deepEqual({ ...(full.value as object), z: 0 }, { ...(fast.value as object), z: 0 });
    }
    assert.deepEqual(parseWireJson('[-99999999999999999999, NaN]', 8), {
      ok: true,
      value: [-99999999999999999999n, Number.NaN],
    });
    assert.equal(parseWireJson(`[NaN, ${'['.repeat(9)}${']'.repeat(9)}]`, 8).ok, false);
    const proto = parseWireJson('{"__proto__": {"x": 1}}', 8);
    assert.ok(proto.ok && Object.hasOwn(proto.value as object, '__proto__'));
  });
});

describe('admin socket entity names', () => {
  it('refuses an entity that is not a TYPE.ID name, and never runs the command as client.admin', async (t) => {
    const seen: string[] = [];
    const { path } = await serve(t, async (req) => {
      seen.push(req.entity);
      return [0, '', ''];
    });
    const c = await AdminClient.connect(path);
    t.after(() => c.close());
    for (const entity of [
      123,
      null,
      true,
      ['client.admin'],
      '',
      'admin',
      'client.',
      'client',
      'nobody.x',
      'client.a b',
    ]) {
      const r = await c.sendRaw(JSON.stringify({ cmd: { prefix: 'status' }, entity }));
      assert.equal(r.retval, -ERRORS.MGR_ERR_REQUEST_ENTITY.errno, JSON.stringify(entity));
    }
    assert.deepEqual(seen, []);
    assert.equal((await c.sendRaw('{"cmd": {"prefix": "status"}, "inbuf": 7}')).retval, -EINVAL);
    for (const entity of ['client.admin', 'client.ro', 'mgr.x', 'osd.3', 'client.rgw.host-a']) {
      assert.equal((await c.send({ prefix: 'status' }, { entity })).retval, 0);
    }
    // no entity at all is the default name, as for Ceph's CLI
    assert.equal((await c.sendRaw('{"cmd": {"prefix": "status"}}')).retval, 0);
    assert.deepEqual(seen, ['client.admin', 'client.ro', 'mgr.x', 'osd.3', 'client.rgw.host-a', 'client.admin']);
  });

  it('dispatch denies a caller whose name is not an entity name, whatever caps it is given', async () => {
    const r = await dispatch(table(), { prefix: 'foobar', myarg: 1 }, { entity: '123', caps: 'rw', inbuf: '' });
    assert.equal(r[0], -EACCES);
    assert.equal(r[0], -ERRORS.MGR_ERR_COMMAND_DENIED.errno);
  });

  it('dispatch answers a check that throws otherwise than ArgumentError with EINVAL, never a rejection', async () => {
    const t = new CommandTable();
    const sig = parseDescriptor('odd name=v,type=CephString');
    // a goodchars that is no regex can only come from a hand-made signature: parseDescriptor refuses it
    sig.args[0]!.goodchars = '[';
    t.add({ signature: sig, desc: '', perm: 'r', poll: false, module: null, run: async () => [0, '', ''] });
    const r = await dispatch(t, { prefix: 'odd', v: 'x' }, { entity: 'client.admin', caps: 'rw', inbuf: '' });
    assert.equal(r[0], -ERRORS.MGR_ERR_COMMAND_INVALID.errno);
    assert.match(r[2], /^Invalid command: /);
  });

  it('parseRequest gives the registry errnos for malformed requests', () => {
    const r = parseRequest('{"prefix": "status"');
    assert.ok('retval' in r && r.retval === -ERRORS.MGR_ERR_REQUEST_MALFORMED.errno);
  });
});

describe('admin socket back-pressure per connection', () => {
  const N = 100_000;
  const REQUEST = '{"prefix": "status"}\n';
  const limits = { replyHighWater: 64 * 1024, readAhead: 64 * 1024, stallMs: 10 * 60_000 };

  it('stops reading from a client that pipelines 100k requests without reading, then answers all once it reads', async (t) => {
    let handled = 0;
    const answer = 'x'.repeat(200);
    const { admin, path } = await serve(t, async () => [0, `${answer}${++handled}`, ''], limits);
    const s = await rawClient(t, path);
    s.pause();
    s.write(REQUEST.repeat(N));
    await waitFor('the socket to stop reading from the client', () => admin.stats().paused === 1);
    const held = admin.stats();
    // what the server holds: at most its read-ahead plus one read, and its reply high water plus one reply
    assert.ok(held.queuedBytes <= limits.readAhead + 64 * 1024, `queued ${held.queuedBytes}`);
    assert.ok(held.unreadReplyBytes <= limits.replyHighWater + 1024, `unread replies ${held.unreadReplyBytes}`);
    assert.ok(held.answered < N / 10, `answered ${held.answered} of ${N} without the client reading`);

    // Once the client reads, every request is answered, in order.
    let lines = 0;
    let last = '';
    let rest = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop()!;
      lines += parts.length;
      if (parts.length > 0) last = parts.at(-1)!;
    });
    s.resume();
    await waitFor('every reply', () => lines === N);
    assert.equal(JSON.parse(last).stdout, `${answer}${N}`);
    assert.equal(admin.stats().answered, N);
  });

  it("releases a client's queued requests when it goes, and runs none of them", async (t) => {
    let handled = 0;
    const { admin, path } = await serve(
      t,
      async () => {
        handled++;
        return [0, 'y'.repeat(500), ''];
      },
      limits,
    );
    const s = await rawClient(t, path);
    s.pause();
    s.write(REQUEST.repeat(N));
    await waitFor('the socket to stop reading from the client', () => admin.stats().paused === 1);
    s.destroy();
    await waitFor('the connection to go', () => admin.stats().connections === 0);
    assert.deepEqual(
      { ...admin.stats(), answered: 0 },
      { connections: 0, queuedBytes: 0, unreadReplyBytes: 0, paused: 0, answered: 0, dropped: 0 },
    );
    const after = handled;
    // the next client is served at once: nothing of the first is still being run before it
    const c = await AdminClient.connect(path);
    assert.equal((await c.send({ prefix: 'status' })).retval, 0);
    c.close();
    assert.equal(handled, after + 1);
    assert.ok(after < N / 10, `ran ${after} of the ${N} requests`);
  });

  it('answers every request of a client that shuts its side after sending, then closes', async (t) => {
    let n = 0;
    const { admin, path } = await serve(t, async () => [0, String(++n), '']);
    const s = await rawClient(t, path);
    s.setEncoding('utf8');
    let got = '';
    s.on('data', (d: string) => {
      got += d;
    });
    const closed = new Promise((resolve) => s.once('close', resolve));
    // the last request has no newline: the end of the input ends it
    s.end('{"prefix": "a"}\n{"prefix": "b"}\n\n{"prefix": "c"}');
    await closed;
    assert.deepEqual(
      got
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l).stdout),
      ['1', '2', '3'],
    );
    await waitFor('the connection to go', () => admin.stats().connections === 0);
  });

  it('refuses connections past maxConnections and serves the ones it holds', async (t) => {
    const { admin, path } = await serve(t, async () => [0, 'ok', ''], { maxConnections: 2 });
    const a = await AdminClient.connect(path);
    const b = await AdminClient.connect(path);
    await waitFor('two connections', () => admin.stats().connections === 2);
    const third = await rawClient(t, path);
    await new Promise((resolve) => third.once('close', resolve));
    assert.equal((await a.send({ prefix: 'status' })).retval, 0);
    assert.equal((await b.send({ prefix: 'status' })).retval, 0);
    a.close();
    b.close();
  });

  it('drops a client that leaves its replies unread past the stall limit', async (t) => {
    const { admin, path } = await serve(t, async () => [0, 'z'.repeat(500), ''], { ...limits, stallMs: 50 });
    const s = await rawClient(t, path);
    s.pause();
    // the client's own writes fail once it is dropped (EPIPE): what it sees is its connection closing
    s.on('error', () => {});
    const closed = new Promise((resolve) => s.once('close', resolve));
    s.write(REQUEST.repeat(N));
    await waitFor('the client to be dropped', () => admin.stats().dropped === 1);
    await closed;
    await waitFor('the connection to go', () => admin.stats().connections === 0);
    assert.equal(admin.stats().queuedBytes, 0);
    // the socket goes on serving others
    const c = await AdminClient.connect(path);
    assert.equal((await c.send({ prefix: 'status' })).retval, 0);
    c.close();
  });
});

describe('admin client', () => {
  it('fails a request whose reply is not JSON, and the process goes on', async (t) => {
    const path = join(tempDir(t, 'mgrkit-sock-'), 'bad.sock');
    const server = createServer((s) => s.on('data', () => s.write('not json\n')));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    t.after(() => server.close());
    const c = await AdminClient.connect(path);
    await assert.rejects(c.send({ prefix: 'status' }), /not JSON/);
    c.close();
  });
});
