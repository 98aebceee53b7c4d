import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BridgeRequest } from '../../schemas/bridge.ts';
import { type BridgeConnection, BridgeLink, RECONNECT_GRACE_MS } from '../../src/sources/bridge-link.ts';

/** A connection that keeps what the link writes to it. */
function conn(): BridgeConnection & { lines: BridgeRequest[] } {
  const lines: BridgeRequest[] = [];
  return { lines, write: (line) => void lines.push(JSON.parse(line) as BridgeRequest) };
}

const HELLO = { ops: ['command', 'health'], mgr: 'x' };

describe('the bridge link', () => {
  it('answers a request by its id; a request waiting for a lost connection is sent again, same id, on the next', async () => {
    const link = new BridgeLink();
    const first = conn();
    link.open(first, HELLO);
    const answered = link.call('command', { cmd: { prefix: 'osd out', ids: ['1'] } });
    assert.equal(first.lines.length, 1);
    const { id } = first.lines[0]!;
    link.close(first);
    const second = conn();
    link.open(second, HELLO);
    assert.deepEqual(
      second.lines.map((l) => l.id),
      [id],
      'sent again with its id',
    );
    link.receive(second, { bridge: 'reply', id, r: 0, outb: 'done', outs: '', osd_epoch: 12 });
    assert.deepEqual(await answered, { r: 0, outb: 'done', outs: '', osd_epoch: 12 });
    // A late duplicate answer of the same id changes nothing.
    link.receive(second, { bridge: 'reply', id, r: -5, outb: '', outs: 'late' });
    assert.equal(link.waiting, 0);
  });

  it('a request sent to a recorder that then restarted is not sent to the new run: ENOTCONN, saying why', async () => {
    const link = new BridgeLink();
    const before = conn();
    link.open(before, { ...HELLO, instance: 'run-1' });
    const sent = link.call('command', { cmd: { prefix: 'osd pool create', pool: 'p' } });
    link.close(before);
    const unsent = link.call('command', { cmd: { prefix: 'osd stat' } });
    const after = conn();
    link.open(after, { ...HELLO, instance: 'run-2' });
    await assert.rejects(sent, { code: 'MGR_ERR_BRIDGE_DOWN', message: /restarted .* not sent again/ });
    assert.deepEqual(
      after.lines.map((l) => (l.args.cmd as { prefix: string }).prefix),
      ['osd stat'],
      'only the request no run has seen goes to the new one',
    );
    link.receive(after, { bridge: 'reply', id: after.lines[0]!.id, r: 0, outb: '', outs: '' });
    assert.equal((await unsent).r, 0);
  });

  it('fails with ETIMEDOUT at its timeout, and with ENOTCONN when no recorder comes back within the grace', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const link = new BridgeLink();
    const c = conn();
    link.open(c, HELLO);
    const timed = link.call('command', {}, 3000);
    t.mock.timers.tick(2999);
    assert.equal(link.waiting, 1);
    t.mock.timers.tick(1);
    await assert.rejects(timed, { code: 'MGR_ERR_BRIDGE_TIMED_OUT', errno: 110 });

    link.close(c);
    const down = link.call('command', {});
    t.mock.timers.tick(RECONNECT_GRACE_MS - 1);
    assert.equal(link.waiting, 1, 'still waiting for the recorder to connect again');
    t.mock.timers.tick(1);
    await assert.rejects(down, { code: 'MGR_ERR_BRIDGE_DOWN', errno: 107 });

    const afterShutdown = link.call('command', {});
    link.shutdown();
    await assert.rejects(afterShutdown, { code: 'MGR_ERR_BRIDGE_DOWN' });
  });

  it('refuses an operation the recorder did not say it serves, and answers the recorder through its handlers', async () => {
    const link = new BridgeLink();
    const c = conn();
    link.open(c, HELLO);
    await assert.rejects(link.call('cephfs', {}), { code: 'MGR_ERR_BRIDGE_NO_OP' });

    link.handle('mgrkit_command', async (args) => ({ r: 0, outb: `ran ${String(args.words)}`, outs: '' }));
    const replies: Array<{ id: string; r: number }> = [];
    const replyConn: BridgeConnection = { write: (line) => void replies.push(JSON.parse(line)) };
    link.receive(replyConn, { bridge: 'request', id: 'rec-1', op: 'mgrkit_command', args: { words: ['a', 'b'] } });
    link.receive(replyConn, { bridge: 'request', id: 'rec-2', op: 'nothing', args: {} });
    // A handler that raises something other than mgrkit's own errors (a bug): -EINVAL naming the op, not ENOTCONN.
    link.handle('broken', async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    });
    link.receive(replyConn, { bridge: 'request', id: 'rec-3', op: 'broken', args: {} });
    await new Promise((r) => setImmediate(r));
    const byId = new Map(replies.map((r) => [r.id, r]));
    assert.deepEqual(byId.get('rec-1'), { bridge: 'reply', id: 'rec-1', r: 0, outb: 'ran a,b', outs: '' });
    assert.equal(byId.get('rec-2')?.r, -95);
    assert.deepEqual(byId.get('rec-3'), {
      bridge: 'reply',
      id: 'rec-3',
      r: -22,
      outb: '',
      outs: "broken: Cannot read properties of undefined (reading 'x')",
    });
  });
});
