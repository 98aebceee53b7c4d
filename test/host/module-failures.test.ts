import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MgrHost } from '../../src/entry/host.ts';
import { tempDir } from '../helpers.ts';

const admin = { entity: 'client.admin', caps: 'rw', inbuf: '' };

/** Writes `<dir>/<name>/module.ts`. */
function writeModule(dir: string, name: string, source: string): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'module.ts'), source);
}

const GOOD = `import { MgrModule } from 'mgrkit';
export class Module extends MgrModule {
  static NOTIFY_TYPES = ['osd_map'];
}
`;

async function hostOn(dir: string, modules: string[], t: { after: (fn: () => Promise<void>) => void }) {
  const host = await MgrHost.create({
    modulePaths: [dir],
    builtinModules: false,
    logFile: join(dir, 'mgr.log'),
  });
  host.modules.use(modules);
  host.start();
  t.after(() => host.stop());
  return host;
}

interface Check {
  severity: string;
  summary: { message: string; count: number };
  detail: Array<{ message: string }>;
}

async function healthDetail(host: MgrHost): Promise<{ status: string; checks: Record<string, Check | undefined> }> {
  const [rc, out] = await host.commands.run({ prefix: 'health', detail: 'detail', format: 'json' }, admin);
  assert.equal(rc, 0);
  return JSON.parse(out);
}

describe('module load failures are health checks', () => {
  it('a syntax error, a bad NOTIFY_TYPES and an unresolved import raise MGR_MODULE_ERROR with file:line:col', async (t) => {
    const dir = tempDir(t);
    writeModule(
      dir,
      'syn',
      "import { MgrModule } from 'mgrkit';\nexport class Module extends MgrModule {\n  notify( {\n}\n",
    );
    writeModule(
      dir,
      'badn',
      "import { MgrModule } from 'mgrkit';\nexport class Module extends MgrModule {\n  static NOTIFY_TYPES = ['osd_mapp'];\n}\n",
    );
    writeModule(
      dir,
      'nopkg',
      "import { MgrModule } from 'mgrkit';\nimport x from 'no-such-package-here';\nexport class Module extends MgrModule {}\nvoid x;\n",
    );
    const host = await hostOn(dir, ['syn', 'badn', 'nopkg'], t);
    const health = await healthDetail(host);
    assert.equal(health.status, 'HEALTH_ERR');
    const check = health.checks.MGR_MODULE_ERROR!;
    assert.equal(check.severity, 'HEALTH_ERR');
    assert.equal(check.summary.message, '3 mgr modules have failed');
    const detail = check.detail.map((d) => d.message) as [string, string, string];
    assert.equal(detail.length, 3);
    assert.match(detail[0], /^Module 'badn' has failed: .*badn\/module\.ts:3:\d+: unknown NOTIFY_TYPES "osd_mapp"$/);
    assert.match(
      detail[1],
      /^Module 'nopkg' has failed: .*nopkg\/module\.ts:2:15: cannot find package 'no-such-package-here'$/,
    );
    assert.match(detail[2], /^Module 'syn' has failed: .*syn\/module\.ts:5:1: Expected "\)" but found end of file$/);

    // `mgr module ls`: Ceph's fields kept; the failed ones listed with why, and not `on` in the table.
    const ls = host.modules.ls();
    assert.deepEqual(ls.enabled_modules, ['badn', 'nopkg', 'syn']);
    assert.deepEqual(
      ls.failed_modules.map((m) => [m.name, m.can_run]),
      [
        ['badn', false],
        ['nopkg', false],
        ['syn', false],
      ],
    );
    assert.match(ls.failed_modules[2]!.error_string, /Expected "\)"/);
    const [, table] = await host.commands.run({ prefix: 'mgr module ls' }, admin);
    assert.match(table, /^syn +failed: .*syn\/module\.ts:\d+:\d+: Expected/m);
    assert.doesNotMatch(table, /^syn +on$/m);
    assert.equal(host.modules.stats().syn!.status, 'load-error');
  });

  it('an exception while the file runs names the line it came from', async (t) => {
    const dir = tempDir(t);
    writeModule(
      dir,
      'thrower',
      "import { MgrModule } from 'mgrkit';\nconst none: { x?: { y: number } } = {};\nconsole.log(none.x!.y);\nexport class Module extends MgrModule {}\n",
    );
    const host = await hostOn(dir, ['thrower'], t);
    assert.match(
      host.modules.stats().thrower!.error_string,
      /thrower\/module\.ts:3:\d+: TypeError: Cannot read properties of undefined \(reading 'y'\)$/,
    );
  });

  it("an out-of-tree module importing zod, as the README's example does, loads", async (t) => {
    const dir = tempDir(t);
    writeModule(
      dir,
      'withzod',
      "import { MgrModule } from 'mgrkit';\nimport { z } from 'zod';\nexport class Module extends MgrModule {\n  static NOTIFY_TYPES = ['osd_map'];\n  static ARGS = z.object({ oid: z.string() });\n}\n",
    );
    const host = await hostOn(dir, ['withzod'], t);
    assert.equal(host.modules.stats().withzod!.status, 'running', host.modules.stats().withzod!.error_string);
    assert.equal((await healthDetail(host)).checks.MGR_MODULE_ERROR, undefined);
  });

  it('a second module declaring a served command prefix fails with MGR_MODULE_ERROR naming both', async (t) => {
    const dir = tempDir(t);
    const dup = `import { MgrModule } from 'mgrkit';
export class Module extends MgrModule {
  static COMMANDS = [{ cmd: 'dup hello', desc: 'say hello', perm: 'r' }];
  handle_command() { return [0, 'hello from ' + this.module_name, '']; }
}
`;
    writeModule(dir, 'dupa', dup);
    writeModule(dir, 'dupb', dup);
    const host = await hostOn(dir, ['dupa', 'dupb'], t);
    assert.equal(host.modules.stats().dupa!.status, 'running');
    assert.equal(host.modules.stats().dupb!.status, 'failed');
    const check = (await healthDetail(host)).checks.MGR_MODULE_ERROR!;
    assert.equal(
      check.summary.message,
      `Module 'dupb' has failed: command "dup hello" of dupb is already served by dupa`,
    );
    const [rc, out] = await host.commands.run({ prefix: 'dup hello' }, admin);
    assert.deepEqual([rc, out], [0, 'hello from dupa']);
  });
});

describe('MGR_MODULE_ERROR clears when the cause is gone', () => {
  it('a module fixed on disk loads when disabled and enabled again, and the check clears', async (t) => {
    const dir = tempDir(t);
    writeModule(
      dir,
      'fixme',
      "import { MgrModule } from 'mgrkit';\nexport class Module extends MgrModule {\n  oops(\n}\n",
    );
    const host = await hostOn(dir, ['fixme'], t);
    assert.equal(host.modules.stats().fixme!.status, 'load-error');
    assert.ok((await healthDetail(host)).checks.MGR_MODULE_ERROR);

    await host.modules.disable('fixme', { persist: false });
    assert.equal((await healthDetail(host)).checks.MGR_MODULE_ERROR, undefined, 'a disabled module is not reported');
    assert.match(host.modules.ls().disabled_modules.find((m) => m.name === 'fixme')!.error_string, /fixme\/module\.ts/);

    writeModule(dir, 'fixme', GOOD);
    await host.modules.enable('fixme', { persist: false });
    assert.equal(host.modules.stats().fixme!.status, 'running');
    const health = await healthDetail(host);
    assert.equal(health.checks.MGR_MODULE_ERROR, undefined);
    assert.equal(health.status, 'HEALTH_OK');
    assert.deepEqual(host.modules.ls().failed_modules, []);
  });

  it('a module whose serve() raised is reported until disabled, and runs cleanly once enabled again', async (t) => {
    const dir = tempDir(t);
    writeModule(
      dir,
      'flaky',
      `import { MgrModule, Option } from 'mgrkit';
export class Module extends MgrModule {
  static NOTIFY_TYPES = ['osd_map'];
  static MODULE_OPTIONS = [Option({ name: 'broken', type: 'bool', default: true })];
  async serve() {
    if (this.get_module_option('broken')) throw new Error('broken by configuration');
  }
}
`,
    );
    const host = await hostOn(dir, ['flaky'], t);
    for (let i = 0; i < 100 && host.modules.stats().flaky!.status !== 'failed'; i++)
      await new Promise((r) => setImmediate(r));
    assert.equal(
      (await healthDetail(host)).checks.MGR_MODULE_ERROR?.summary.message,
      "Module 'flaky' has failed: broken by configuration",
    );
    await host.settings.config.set('mgr/flaky/broken', 'false');
    await host.modules.disable('flaky', { persist: false });
    assert.equal((await healthDetail(host)).checks.MGR_MODULE_ERROR, undefined);
    await host.modules.enable('flaky', { persist: false });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(host.modules.stats().flaky!.status, 'running');
    assert.equal((await healthDetail(host)).status, 'HEALTH_OK');
  });

  it("a command handler's exception is that command's -EINVAL error, counted, and leaves health alone", async (t) => {
    const dir = tempDir(t);
    writeModule(
      dir,
      'boom',
      `import { MgrModule } from 'mgrkit';
export class Module extends MgrModule {
  static COMMANDS = [{ cmd: 'boom now', desc: 'raise', perm: 'r' }];
  handle_command() { throw new Error('handler blew up'); }
}
`,
    );
    const host = await hostOn(dir, ['boom'], t);
    const [rc, out, err] = await host.commands.run({ prefix: 'boom now' }, admin);
    assert.equal(rc, -22);
    assert.equal(out, '');
    assert.match(err, /handler blew up/);
    assert.equal(host.modules.stats().boom!.errors, 1);
    assert.equal(host.modules.stats().boom!.status, 'running');
    const health = await healthDetail(host);
    assert.equal(health.checks.MGR_MODULE_ERROR, undefined);
    assert.equal(health.status, 'HEALTH_OK');
  });
});

describe('stopping a module that hangs', () => {
  it('a shutdown() that never returns does not hold the host past the grace', async (t) => {
    const dir = tempDir(t);
    writeModule(
      dir,
      'stuck',
      `import { MgrModule } from 'mgrkit';
export class Module extends MgrModule {
  shutdown() { return new Promise<void>(() => {}); }
  serve() { return new Promise<void>(() => {}); }
}
`,
    );
    const host = await MgrHost.create({
      modulePaths: [dir],
      builtinModules: false,
      logFile: join(dir, 'mgr.log'),
      shutdownDeadlineMs: 50,
    });
    host.modules.use(['stuck']);
    host.start();
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), 30_000);
    });
    const outcome = await Promise.race([host.stop().then(() => 'stopped' as const), hung]);
    clearTimeout(timer);
    assert.equal(outcome, 'stopped');
  });
});
