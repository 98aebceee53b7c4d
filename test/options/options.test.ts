import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { type MgrError, MgrModule, type NotifyType, Option } from '../../src/index.ts';
import { waitFor } from '../helpers.ts';

class Opts extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  static MODULE_OPTIONS = [
    Option({ name: 'name', type: 'str', default: 'x' }),
    Option({ name: 'mode', type: 'str', default: 'fast', enum_allowed: ['fast', 'slow'] }),
    Option({ name: 'count', type: 'int', default: 3, min: 1, max: 10 }),
    Option({ name: 'ucount', type: 'uint', default: 0 }),
    Option({ name: 'ratio', type: 'float', default: 0.5, min: 0, max: 1 }),
    Option({ name: 'flag', type: 'bool', default: false }),
    Option({ name: 'interval', type: 'secs', default: 60 }),
    Option({ name: 'limit', type: 'size', default: 1024 }),
    Option({ name: 'addr', type: 'addr' }),
    Option({ name: 'id', type: 'uuid' }),
  ];
  notified = 0;
  config_notify() {
    this.notified++;
  }
}

const code = (c: string) => (e: unknown) => (e as MgrError).code === c;

describe('module options', () => {
  it("return the declared default, typed, until set; the declared default wins over the caller's", async () => {
    const h = await createModuleHarness<Opts>({ module: Opts, name: 'opts' });
    const m = h.module;
    assert.deepEqual(
      ['name', 'mode', 'count', 'ucount', 'ratio', 'flag', 'interval', 'limit', 'addr', 'id'].map((k) =>
        m.get_module_option(k),
      ),
      ['x', 'fast', 3, 0, 0.5, false, 60, 1024, null, null],
    );
    assert.equal(m.get_module_option('count', 99), 3);
    assert.equal(m.get_module_option('addr', '1.2.3.4'), '1.2.3.4');
    assert.equal(m.get_module_option('log_level'), '', "every module has Ceph's common options");
    assert.equal(m.get_module_option('log_to_file'), false);
    assert.throws(() => m.get_module_option('nope'), code('MGR_ERR_OPTION_UNDECLARED'));
    await assert.rejects(m.set_module_option('nope', 1), code('MGR_ERR_OPTION_UNDECLARED'));
    await h.stop();
  });

  it('check every type, range and allowed value when set, keeping nothing invalid', async () => {
    const h = await createModuleHarness<Opts>({ module: Opts, name: 'opts' });
    const m = h.module;
    const good: Array<[string, unknown, unknown]> = [
      ['name', 'y', 'y'],
      ['mode', 'slow', 'slow'],
      ['count', 10, 10],
      ['count', '0x5', 5],
      ['ucount', '7', 7],
      ['ratio', 0.25, 0.25],
      ['flag', true, true],
      ['flag', 'yes', true],
      ['flag', 'off', false],
      ['interval', '5m', 300],
      ['interval', 2.5, 2.5],
      ['limit', '4K', 4096],
      ['limit', '1G', 2 ** 30],
      ['addr', '10.0.0.1:6789', '10.0.0.1:6789'],
      ['addr', 'v2:[::1]:3300/0', 'v2:[::1]:3300/0'],
      ['id', '78e9d72b-7e3d-4aec-980b-84af23f78fb9', '78e9d72b-7e3d-4aec-980b-84af23f78fb9'],
    ];
    for (const [k, v, want] of good) {
      await m.set_module_option(k, v as string);
      assert.equal(m.get_module_option(k), want, `${k} = ${v}`);
    }
    const bad: Array<[string, unknown]> = [
      ['mode', 'medium'],
      ['count', 11],
      ['count', 0],
      ['count', 'three'],
      ['count', 2.5],
      ['ucount', -1],
      ['ratio', 1.5],
      ['ratio', 'half'],
      ['flag', 'maybe'],
      ['interval', 'soon'],
      ['limit', '4Q'],
      ['addr', 'not an address!'],
      ['id', 'not-a-uuid'],
    ];
    for (const [k, v] of bad) {
      const before = m.get_module_option(k);
      await assert.rejects(m.set_module_option(k, v as string), code('MGR_ERR_OPTION_INVALID'), `${k} = ${v}`);
      assert.equal(m.get_module_option(k), before, `${k} kept its value`);
    }
    await h.stop();
  });

  it('null or undefined removes a setting; localized values win for this manager and fall back to the global one', async () => {
    const h = await createModuleHarness<Opts>({ module: Opts, name: 'opts', mgrId: 'a' });
    const m = h.module;
    await m.set_module_option('count', 7);
    await m.set_module_option('count', null);
    assert.equal(m.get_module_option('count'), 3);
    await m.set_module_option('count', 5);
    await m.set_module_option('count', undefined);
    assert.equal(m.get_module_option('count'), 3);
    await m.set_module_option('count', 4);
    assert.equal(m.get_localized_module_option('count'), 4, 'falls back to the global value');
    await m.set_localized_module_option('count', 9);
    assert.equal(m.get_localized_module_option('count'), 9);
    assert.equal(m.get_module_option('count'), 4);
    assert.equal(h.host.settings.config.get('mgr/opts/a/count'), '9');
    await h.stop();
  });

  it('config_notify runs when an option changes, through the module, `config set`, or a config event in the stream', async () => {
    const h = await createModuleHarness<Opts>({ module: Opts, name: 'opts' });
    await h.module.set_module_option('count', 2);
    await waitFor('config_notify', () => h.module.notified === 1);
    const r = await h.host.commands.run(
      { prefix: 'config set', who: 'mgr', name: 'mgr/opts/count', value: '6' },
      { entity: 'client.admin', caps: 'rw', inbuf: '' },
    );
    assert.deepEqual(r, [0, '', '']);
    await waitFor('config_notify', () => h.module.notified >= 2);
    assert.equal(h.module.get_module_option('count'), 6);
    const badSet = await h.host.commands.run(
      { prefix: 'config set', who: 'mgr', name: 'mgr/opts/count', value: '60' },
      { entity: 'client.admin', caps: 'rw', inbuf: '' },
    );
    assert.equal(badSet[0], -22);
    const unknown = await h.host.commands.run(
      { prefix: 'config set', who: 'mgr', name: 'mgr/opts/nosuch', value: '1' },
      { entity: 'client.admin', caps: 'rw', inbuf: '' },
    );
    assert.deepEqual(unknown, [-22, '', "unrecognized config option 'mgr/opts/nosuch'"]);
    await h.host.settings.config.set('mgr/opts/count', null);
    await h.push({ kind: 'config', t: 1, changes: [{ who: 'mgr', name: 'mgr/opts/interval', value: '15' }] });
    await waitFor('config_notify', () => h.module.notified >= 4);
    assert.equal(h.module.get_module_option('interval'), 15);
    await h.stop();
  });
});

class Kv extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
}

describe('the KV store', () => {
  it('keeps strings per module, by prefix and localized; a non-string is a typed error', async () => {
    const h = await createModuleHarness<Kv>({ module: Kv, name: 'kv', mgrId: 'a' });
    const m = h.module;
    await m.set_store('pool/a', '1');
    await m.set_store('pool/b', '2');
    await m.set_store('other', '3');
    assert.equal(m.get_store('pool/a'), '1');
    assert.equal(m.get_store('missing'), null);
    assert.equal(m.get_store('missing', 'dflt'), 'dflt');
    assert.deepEqual(m.get_store_prefix('pool/'), { 'pool/a': '1', 'pool/b': '2' });
    assert.equal(h.host.settings.kv.get('mgr/kv/pool/a'), '1', 'kept under mgr/<module>/');
    await m.set_localized_store('other', 'mine');
    assert.equal(m.get_localized_store('other'), 'mine');
    assert.equal(m.get_localized_store('pool/a'), '1');
    await assert.rejects(m.set_store('n', 5 as unknown as string), code('MGR_ERR_STORE_NOT_STRING'));
    await m.set_store('pool/a', null);
    assert.equal(m.get_store('pool/a'), null);
    await h.stop();
  });

  it('a value written from outside shows to the module only after it restarts', async () => {
    const h = await createModuleHarness<Kv>({ module: Kv, name: 'kv' });
    const r = await h.host.commands.run(
      { prefix: 'config-key set', key: 'mgr/kv/x', val: 'outside' },
      { entity: 'client.admin', caps: 'rw', inbuf: '' },
    );
    assert.deepEqual(r, [0, '', 'set mgr/kv/x']);
    assert.equal(h.module.get_store('x'), null);
    await h.host.modules.disable('kv', { persist: false });
    await h.host.modules.enable('kv', { persist: false });
    assert.equal(h.host.modules.instance<Kv>('kv')!.get_store('x'), 'outside');
    await h.stop();
  });
});
