import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BridgeRequest } from '../../schemas/bridge.ts';
import { BridgeObjects } from '../../src/rados/bridge-objects.ts';
import { BRIDGE_CHUNK_BYTES, BridgeLink } from '../../src/sources/bridge-link.ts';

/** A recorder's side of `rados` requests over objects kept in a map, answering as python-rados does. */
function fakeRecorder(link: BridgeLink) {
  const objects = new Map<string, Buffer>();
  const calls: string[] = [];
  const conn = {
    write(line: string) {
      const req = JSON.parse(line) as BridgeRequest;
      const a = req.args as {
        call: string;
        pool: number;
        oid: string;
        data?: string;
        offset?: number;
        length?: number;
      };
      calls.push(a.call);
      const key = `${a.pool}/${a.oid}`;
      let answer: { r: number; outb: string; outs: string };
      if (a.pool !== 1) answer = { r: -2, outb: '', outs: 'no such pool' };
      else if (a.call === 'write_full' || a.call === 'write') {
        const data = Buffer.from(a.data ?? '', 'base64');
        const before = a.call === 'write_full' ? Buffer.alloc(0) : (objects.get(key) ?? Buffer.alloc(0));
        const next = Buffer.alloc(Math.max(before.length, a.offset! + data.length));
        before.copy(next);
        data.copy(next, a.offset!);
        objects.set(key, next);
        answer = { r: 0, outb: '', outs: '' };
      } else if (a.call === 'stat') {
        const o = objects.get(key);
        answer = o
          ? { r: 0, outb: JSON.stringify({ size: o.length, mtime: 0 }), outs: '' }
          : { r: -2, outb: '', outs: '' };
      } else if (a.call === 'read') {
        const o = objects.get(key);
        answer = o
          ? { r: 0, outb: JSON.stringify(o.subarray(a.offset!, a.offset! + a.length!).toString('base64')), outs: '' }
          : { r: -2, outb: '', outs: '' };
      } else answer = { r: -95, outb: '', outs: `no ${a.call} here` };
      setImmediate(() => link.receive(conn, { bridge: 'reply', id: req.id, ...answer }));
    },
  };
  link.open(conn, { ops: ['rados'], mgr: 'x', instance: 'one' });
  return { objects, calls };
}

describe('RADOS objects through the bridge', () => {
  it('sends a large value in pieces and reads it back in pieces; an append lands at the end', async () => {
    const link = new BridgeLink();
    const rec = fakeRecorder(link);
    const objects = new BridgeObjects(link);
    const big = Buffer.alloc(2 * BRIDGE_CHUNK_BYTES + 5);
    for (let i = 0; i < big.length; i++) big[i] = i % 253;
    assert.deepEqual(await objects.write(1, 'big', big, { at: 'full' }, 0), {
      bytes: 0,
      objects: 0,
      written: big.length,
    });
    assert.deepEqual(rec.calls, ['write_full', 'write', 'write'], 'three pieces, the first replacing the object');
    assert.ok(rec.objects.get('1/big')!.equals(big));
    await objects.write(1, 'big', Buffer.from('tail'), { at: 'end' }, 0);
    const back = await objects.read(1, 'big', big.length + 100, 0);
    assert.equal(back!.length, big.length + 4);
    assert.ok(back!.subarray(0, big.length).equals(big));
    assert.equal(back!.subarray(big.length).toString(), 'tail');
    assert.equal(rec.calls.filter((c) => c === 'read').length, 3);
  });

  it('ENOENT is no such object on a read, and a RadosError on a write (the pool is gone); other errnos as python-rados', async () => {
    const link = new BridgeLink();
    fakeRecorder(link);
    const objects = new BridgeObjects(link);
    assert.equal(await objects.read(1, 'none', 10, 0), undefined);
    assert.equal(await objects.stat(1, 'none'), undefined);
    await assert.rejects(objects.write(2, 'x', Buffer.from('a'), { at: 'full' }, 0), {
      name: 'ObjectNotFound',
      errno: 2,
    });
    await assert.rejects(objects.xattr(1, 'x', 'n'), { errno: 95 });
  });
});
