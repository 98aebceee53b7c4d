import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MgrHost, Store } from '../../src/entry/host.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { type MgrError, MgrModule, type NotifyType, Option } from '../../src/index.ts';
import { createRootLogger } from '../../src/log/logger.ts';
import { readJsonl, tempDir, WHOLE_TRACE, waitFor } from '../helpers.ts';

class Quiet extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
}

describe('module lifecycle', () => {
  it('accessors throw a clear error from the constructor', async () => {
    class Eager extends MgrModule {
      static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
      constructor() {
        super();
        this.get('osd_map');
      }
    }
    const h = await createModuleHarness({ module: Quiet, name: 'quiet', others: { eager: Eager } });
    const s = h.host.modules.stats().eager!;
    assert.equal(s.status, 'failed');
    assert.match(s.error_string, /get\(\) called from the constructor/);
    await h.stop();
  });

  it('a module that cannot run is listed with its reason and never started', async () => {
    let constructed = 0;
    class Missing extends MgrModule {
      static can_run(): [boolean, string] {
        return [false, 'needs libfoo'];
      }
      constructor() {
        super();
        constructed++;
      }
    }
    const h = await createModuleHarness({ module: Quiet, name: 'quiet', others: { missing: Missing } });
    assert.equal(constructed, 0);
    assert.equal(h.host.modules.stats().missing!.status, 'cannot-run');
    assert.equal(
      h.host.health.all().MGR_MODULE_DEPENDENCY?.summary.message,
      "Module 'missing' has failed dependency: needs libfoo",
    );
    await h.host.modules.disable('missing', { persist: false });
    assert.deepEqual(
      h.host.modules.ls().disabled_modules.find((m) => m.name === 'missing'),
      { name: 'missing', can_run: false, error_string: 'needs libfoo' },
    );
    await h.stop();
  });

  it('an unknown NOTIFY_TYPES name fails at load, naming it', async () => {
    class Typo extends MgrModule {
      static NOTIFY_TYPES = ['osdmap' as NotifyType];
    }
    await assert.rejects(createModuleHarness({ module: Typo, name: 'typo' }), /unknown NOTIFY_TYPES "osdmap"/);
  });

  it('a module without NOTIFY_TYPES gets no cues, and the host warns', async (t) => {
    const dir = tempDir(t);
    class Deaf extends MgrModule {
      got = 0;
      notify() {
        this.got++;
      }
    }
    const logFile = join(dir, 'mgr.log');
    const h = await createModuleHarness<Deaf>({ module: Deaf, name: 'deaf', logFile });
    await h.replay(WHOLE_TRACE, 100);
    assert.equal(h.module.got, 0);
    assert.match(readFileSync(logFile, 'utf8'), /"module":"deaf".*no NOTIFY_TYPES/);
    await h.stop();
  });

  it('serve() runs after load; shutdown() stops it on disable; one that ignores it is not waited on forever', async (t) => {
    const dir = tempDir(t);
    class Server extends MgrModule {
      static NOTIFY_TYPES: NotifyType[] = [];
      ticks = 0;
      stopped = false;
      async serve() {
        while (!(await this.sleep(60))) this.ticks++;
        this.stopped = true;
      }
    }
    class Stubborn extends MgrModule {
      static NOTIFY_TYPES: NotifyType[] = [];
      serve() {
        return new Promise<void>(() => {});
      }
    }
    const logFile = join(dir, 'mgr.log');
    // The module's sleep runs on a fake clock; the host's shutdown deadline, set once it is back, on the real one.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const h = await createModuleHarness<Server>({
      module: Server,
      name: 'server',
      others: { stubborn: Stubborn },
      shutdownDeadlineMs: 200,
      logFile,
    });
    const turn = () => new Promise((r) => setImmediate(r));
    await turn();
    t.mock.timers.tick(59_999);
    await turn();
    assert.equal(h.module.ticks, 0, 'sleep(60) waits its 60 s');
    for (let i = 1; i <= 3; i++) {
      t.mock.timers.tick(i === 1 ? 1 : 60_000);
      await turn();
      assert.equal(h.module.ticks, i, 'serve runs, and each sleep ends after its time');
    }
    t.mock.timers.reset();
    await h.host.modules.disable('server', { persist: false });
    assert.equal(h.module.stopped, true);
    // Resolves: the host gave up on serve() after its deadline, and says so.
    await h.host.modules.disable('stubborn', { persist: false });
    assert.match(readFileSync(logFile, 'utf8'), /"module":"stubborn".*did not return after shutdown/);
    await h.stop();
  });

  it("config_notify() runs when one of the module's options changes", async () => {
    class Configured extends MgrModule {
      static NOTIFY_TYPES: NotifyType[] = [];
      static MODULE_OPTIONS = [Option({ name: 'interval', type: 'secs', default: 60 })];
      seen: unknown[] = [];
      config_notify() {
        this.seen.push(this.get_module_option('interval'));
      }
    }
    const h = await createModuleHarness<Configured>({ module: Configured, name: 'configured' });
    assert.equal(h.module.get_module_option('interval'), 60);
    await h.host.settings.config.set('mgr/configured/interval', '5');
    await waitFor('config_notify', () => h.module.seen.length > 0);
    assert.deepEqual(h.module.seen, [5]);
    assert.throws(
      () => h.module.get_module_option('nope'),
      (e: unknown) => (e as MgrError).code === 'MGR_ERR_OPTION_UNDECLARED',
    );
    await h.stop();
  });

  it('loads a TypeScript module from a --module-path folder that imports from "mgrkit"', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'outside'));
    writeFileSync(
      join(dir, 'outside', 'module.ts'),
      `import { MgrModule, type NotifyType } from 'mgrkit';
import { epochOf } from './helper.ts';
export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
  epochs: number[] = [];
  notify(): void { this.epochs.push(epochOf(this.get('osd_map'))); }
}
`,
    );
    // A folder with no package.json: its files are still ES modules, relative imports included.
    writeFileSync(
      join(dir, 'outside', 'helper.ts'),
      'export const epochOf = (m: { epoch: number } | null) => m?.epoch ?? -1;\n',
    );
    const h = await createModuleHarness<MgrModule & { epochs: number[] }>({ module: 'outside', modulePaths: [dir] });
    await h.replay(WHOLE_TRACE, 50);
    assert.equal(h.module.epochs.length, 33);
    await h.stop();
  });

  it('persists the enabled set in the store', async (t) => {
    const dir = tempDir(t);
    const logger = createRootLogger({ file: '/dev/null' });
    const store = Store.open(dir);
    const a = await MgrHost.create({ store, logger });
    await a.modules.enable('notifylog');
    await a.modules.enable('selftest');
    await a.modules.disable('selftest');
    await assert.rejects(
      a.modules.enable('nosuch'),
      (e: unknown) => (e as MgrError).code === 'MGR_ERR_MODULE_NOT_FOUND',
    );
    const b = await MgrHost.create({ store, logger });
    const ls = b.modules.ls();
    assert.deepEqual(ls.enabled_modules, ['notifylog']);
    assert.ok(ls.disabled_modules.some((m) => m.name === 'selftest' && m.can_run));
    assert.deepEqual(ls.always_on_modules, ['progress', 'status']);
    await store.close();
  });
});

describe('enabling and disabling while a replay runs', () => {
  it('takes effect between two batches, and no other module misses a cue', async (t) => {
    const h = await createModuleHarness<MgrModule & { cues(): unknown[] }>({ module: 'notifylog' });
    const events = readJsonl<object>(WHOLE_TRACE);
    const timings: number[] = [];
    for (let i = 0; i < events.length; i += 10) {
      await h.push(...events.slice(i, i + 10));
      if (i === 200 || i === 400) {
        const t0 = performance.now();
        if (i === 200) await h.host.modules.enable('selftest', { persist: false });
        else await h.host.modules.disable('selftest', { persist: false });
        timings.push(performance.now() - t0);
        assert.equal(h.host.modules.instance('selftest') !== undefined, i === 200);
      }
    }
    await h.end();
    assert.equal(h.module.cues().length, 299, 'notifylog missed nothing');
    // How long it took is reported, not asserted: a loaded machine may take any time; what holds is the order.
    t.diagnostic(`enable and disable took ${timings.map((ms) => ms.toFixed(1)).join(', ')} ms`);
    const selftest = h.host.modules.stats().selftest!;
    assert.ok(selftest.delivered > 0 && selftest.delivered < 299, 'selftest got cues only while enabled');
    await assert.rejects(
      h.host.modules.disable('status'),
      (e: unknown) => (e as MgrError).code === 'MGR_ERR_MODULE_ALWAYS_ON',
    );
    await h.stop();
  });
});
