import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { ClusterCommander, CommandTarget } from '../../src/cluster/cluster-commander.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrError, MgrModule, type NotifyType } from '../../src/index.ts';
import { CommandResult, MonCommandFailed } from '../../src/module/command-result.ts';
import { readJsonl, WHOLE_TRACE } from '../helpers.ts';

class Sender extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['command'];
}

const firstOsdMap = readJsonl<ClusterEvent>(WHOLE_TRACE).find((e) => e.kind === 'osd_map') as Extract<
  ClusterEvent,
  { kind: 'osd_map' }
>;

describe('send_command, mon_command and check_mon_command', () => {
  it('fail with EOPNOTSUPP, saying why, when the source is a recording', async () => {
    const h = await createModuleHarness<Sender>({ module: Sender, name: 'sender' });
    const [r, outb, outs] = await h.module.mon_command({ prefix: 'osd out', ids: ['0'] });
    assert.equal(r, -95);
    assert.equal(outb, '');
    assert.match(outs, /no cluster to send commands to/);
    await assert.rejects(
      h.module.check_mon_command({ prefix: 'osd out', ids: ['0'] }),
      (e: unknown) => e instanceof MonCommandFailed && e.retval === -95 && /osd out failed/.test(e.message),
    );
    await h.stop();
  });

  it("mgr: this host's own commands where mgrkit is the cluster's manager; the cluster's manager where the source has one", async () => {
    const h = await createModuleHarness<Sender>({ module: Sender, name: 'sender' });
    const own = new CommandResult('t');
    h.module.send_command(own, 'mgr', '', JSON.stringify({ prefix: 'mgr module ls', format: 'json' }), 't');
    const [r, outb] = await own.wait();
    assert.equal(r, 0);
    assert.ok(Array.isArray((JSON.parse(outb) as { enabled_modules: string[] }).enabled_modules));
    await h.stop();

    const sent: CommandTarget[] = [];
    const real: ClusterCommander = {
      servesMgr: true,
      async command(target) {
        sent.push(target);
        return { retval: 0, outb: '{"active": true}', outs: '' };
      },
    };
    const b = await createModuleHarness<Sender>({ module: Sender, name: 'sender', commander: real });
    const theirs = new CommandResult('t');
    b.module.send_command(theirs, 'mgr', 'ignored', JSON.stringify({ prefix: 'balancer status' }), 't');
    assert.deepEqual(await theirs.wait(), [0, '{"active": true}', '']);
    assert.deepEqual(sent, [{ type: 'mgr', id: '' }]);
    await b.stop();
  });

  it('check the target as ceph-mgr does, with its messages', async () => {
    const h = await createModuleHarness<Sender>({ module: Sender, name: 'sender' });
    const r = new CommandResult('t');
    const bad = (type: string, id: string, re: RegExp) =>
      assert.throws(
        () => h.module.send_command(r, type, id, '{"prefix":"x"}', 't'),
        (e: unknown) => e instanceof MgrError && e.errno === 22 && re.test(e.message),
      );
    bad('osd', 'a', /invalid osd_id: "a"/);
    bad('pg', '3.zz', /invalid pgid: "3.zz"/);
    bad('rgw', 'x', /unknown service type: rgw/);
    assert.throws(() => h.module.send_command(r, 'mon', '', 'not json', 't'), /command is not JSON/);
    await h.stop();
  });

  it('answer once the OSD map the command made is readable, then notify every module taking command', async () => {
    const sent: Array<[CommandTarget, Record<string, unknown>]> = [];
    let push: (e: object) => Promise<unknown> = async () => undefined;
    const commander: ClusterCommander = {
      async command(target, cmd) {
        sent.push([target, { ...cmd }]);
        // The monitor answers at once; its new map reaches the manager on a later turn of the event loop.
        setImmediate(
          () =>
            void push({
              ...firstOsdMap,
              t: firstOsdMap.t + 1,
              epoch: firstOsdMap.epoch + 1,
              map: { ...firstOsdMap.map, epoch: firstOsdMap.epoch + 1 },
            }),
        );
        return { retval: 0, outb: '', outs: 'marked out osd.0. ', osdEpoch: firstOsdMap.epoch + 1 };
      },
    };
    const h = await createModuleHarness<Sender>({ module: Sender, name: 'sender', commander });
    push = (e) => h.push(e);
    await h.push(firstOsdMap);
    const result = new CommandResult('my-tag');
    h.module.send_command(result, 'mon', '', JSON.stringify({ prefix: 'osd out', ids: ['0'] }), 'my-tag');
    const [r, , outs] = await result.wait();
    assert.equal(r, 0);
    assert.equal(outs, 'marked out osd.0. ');
    assert.equal(
      h.module.get('osd_map')!.epoch,
      firstOsdMap.epoch + 1,
      'the new map is readable when the answer comes',
    );
    assert.deepEqual(sent, [
      [
        { type: 'mon', id: '' },
        { prefix: 'osd out', ids: ['0'] },
      ],
    ]);
    await h.host.idle(5_000, ['sender']);
    assert.deepEqual(
      h.cues.filter((c) => c.type === 'command').map((c) => c.id),
      ['my-tag'],
    );
    await h.stop();
  });
});
