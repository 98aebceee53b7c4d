import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrModule, type NotifyType } from '../../src/index.ts';
import { levelForDebug } from '../../src/log/logger.ts';
import { readJsonl, tempDir, WHOLE_TRACE } from '../helpers.ts';

const admin = { entity: 'client.admin', caps: 'rw', inbuf: '' };

class Chatty extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  speak(tag: string) {
    this.log.debug(`${tag}-debug`);
    this.log.info(`${tag}-info`);
    this.log.warn(`${tag}-warning`);
  }
}
/** Logs as Ceph's Python modules do. */
class Pythonic extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  speak(tag: string) {
    this.log.debug(`${tag}-debug`);
    this.log.info(`${tag}-info`);
    this.log.warning(`${tag}-warning`);
    this.log.error(`${tag}-error`);
    this.log.critical(`${tag}-critical`);
    this.log.exception(new Error(`${tag}-boom`), `${tag}-exception`);
    this.log.exception(`${tag}-plain-exception`);
    this.log.child({ part: 'sub' }).warning(`${tag}-child`);
  }
}

/** Warns 1,000 times in each notify. */
class Noisy extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
  notify(): void {
    for (let i = 0; i < 1000; i++) this.log.warning(`notified ${i}`);
  }
}

class Other extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  speak(tag: string) {
    this.log.warn(`${tag}-other`);
  }
}

describe('module logging', () => {
  it('maps the daemon debug level as the Ceph guide does: <=0 critical, <=1 warning, <=4 info, else debug', () => {
    const cases: Array<[string | number, string]> = [
      [-1, 'critical'],
      [0, 'critical'],
      [1, 'warning'],
      ['1/5', 'warning'],
      [2, 'info'],
      ['4/5', 'info'],
      [5, 'debug'],
      ['20/20', 'debug'],
    ];
    for (const [debug, level] of cases) assert.equal(levelForDebug(debug), level, `debug_mgr ${debug}`);
  });

  it('derives each module logger level from debug_mgr, overridden by its log_level option', async (t) => {
    const dir = tempDir(t);
    const logFile = join(dir, 'mgr.log');
    const h = await createModuleHarness<Chatty>({
      module: Chatty,
      name: 'chatty',
      others: { other: Other },
      logFile,
      config: { debug_mgr: '1/5', 'mgr/other/log_level': 'debug' },
    });
    // The config is set before the modules start, so both loggers are made with it.
    h.module.speak('a');
    const log = readFileSync(logFile, 'utf8');
    assert.doesNotMatch(log, /a-info/, 'debug_mgr 1 means warning and up');
    assert.match(log, /"module":"chatty".*a-warning/);
    assert.equal(h.host.modules.instance('other')!.log.level, 'debug');
    await h.host.settings.config.set('mgr/chatty/log_level', 'debug');
    h.module.speak('b');
    assert.match(readFileSync(logFile, 'utf8'), /b-debug/);
    await h.stop();
  });

  it("log_to_file writes the module's lines to <daemon log>.<module>.log only", async (t) => {
    const dir = tempDir(t);
    const logFile = join(dir, 'mgr.log');
    const h = await createModuleHarness<Chatty>({
      module: Chatty,
      name: 'chatty',
      others: { other: Other },
      logFile,
      config: { 'mgr/chatty/log_to_file': 'true' },
    });
    h.module.speak('c');
    h.host.modules.instance<Other>('other')!.speak('c');
    const own = join(dir, 'mgr.log.chatty.log');
    assert.ok(existsSync(own));
    assert.match(readFileSync(own, 'utf8'), /c-warning/);
    assert.doesNotMatch(readFileSync(own, 'utf8'), /c-other/);
    const daemon = readFileSync(logFile, 'utf8');
    assert.doesNotMatch(daemon, /c-warning|c-info/, "the module's lines are not in the daemon log");
    assert.match(daemon, /"module":"other".*c-other/);
    await h.stop();
  });

  it("gives Python logging's names: warning, critical, exception (with the stack) beside pino's", async (t) => {
    const dir = tempDir(t);
    const logFile = join(dir, 'mgr.log');
    const h = await createModuleHarness<Pythonic>({
      module: Pythonic,
      name: 'py',
      logFile,
      config: { 'mgr/py/log_level': 'debug' },
    });
    h.module.speak('p');
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"module":"py"'))
      .map(
        (l) => JSON.parse(l) as { level: number; msg: string; err?: { message: string; stack: string }; part?: string },
      );
    const level = (msg: string) => lines.find((l) => l.msg === msg)?.level;
    assert.deepEqual(
      ['p-debug', 'p-info', 'p-warning', 'p-error', 'p-critical', 'p-exception', 'p-plain-exception', 'p-child'].map(
        level,
      ),
      [20, 30, 40, 50, 60, 50, 50, 40],
    );
    const exception = lines.find((l) => l.msg === 'p-exception')!;
    assert.equal(exception.err?.message, 'p-boom');
    assert.match(exception.err!.stack, /Error: p-boom\n\s+at /);
    assert.equal(lines.find((l) => l.msg === 'p-child')?.part, 'sub');
    await h.stop();
  });

  it('a module calling this.log.warning in notify 1,000 times raises no module error', async (t) => {
    const dir = tempDir(t);
    const logFile = join(dir, 'mgr.log');
    const h = await createModuleHarness<Noisy>({ module: Noisy, name: 'py', logFile });
    const maps = readJsonl<{ kind: string; map?: unknown }>(WHOLE_TRACE).filter((e) => e.kind === 'osd_map' && e.map);
    await h.push(maps[0]!);
    await h.end();
    assert.equal(h.cues.length, 1);
    const warned = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"module":"py"') && l.includes('"level":40') && l.includes('"msg":"notified '));
    assert.equal(warned.length, 1000);
    const stats = h.host.modules.stats().py!;
    assert.equal(stats.status, 'running');
    assert.equal(stats.errors, 0);
    assert.equal(stats.error_string, '');
    const [, health] = await h.host.commands.run({ prefix: 'health', format: 'json' }, admin);
    assert.doesNotMatch(health, /MGR_MODULE_ERROR/);
    await h.stop();
  });

  it('log_to_file set or unset while the module runs: the next line goes to the new place', async (t) => {
    const dir = tempDir(t);
    const logFile = join(dir, 'mgr.log');
    const own = join(dir, 'mgr.log.chatty.log');
    const h = await createModuleHarness<Chatty>({ module: Chatty, name: 'chatty', logFile });
    h.module.speak('d');
    assert.match(readFileSync(logFile, 'utf8'), /d-warning/);
    assert.ok(!existsSync(own));
    await h.host.settings.config.set('mgr/chatty/log_to_file', 'true');
    h.module.speak('e');
    assert.match(readFileSync(own, 'utf8'), /e-warning/);
    assert.doesNotMatch(readFileSync(logFile, 'utf8'), /e-warning/);
    await h.host.settings.config.set('mgr/chatty/log_level', 'debug');
    h.module.speak('f');
    assert.match(readFileSync(own, 'utf8'), /f-debug/, 'the level applies to the file too');
    await h.host.settings.config.set('mgr/chatty/log_to_file', 'false');
    h.module.speak('g');
    assert.match(readFileSync(logFile, 'utf8'), /g-debug/);
    assert.doesNotMatch(readFileSync(own, 'utf8'), /g-/);
    await h.stop();
  });

  it('log_to_cluster sends the lines of log_to_cluster_level and up to the cluster log on the module channel', async (t) => {
    const dir = tempDir(t);
    const logFile = join(dir, 'mgr.log');
    const h = await createModuleHarness<Chatty>({ module: Chatty, name: 'chatty', logFile });
    const clog = async () => {
      await h.host.idle();
      const [, out] = await h.host.commands.run(
        { prefix: 'log last', channel: '*', format: 'json' },
        { entity: 'client.admin', caps: 'r', inbuf: '' },
      );
      return (JSON.parse(out) as Array<{ channel: string; priority: string; message: string }>)
        .filter((e) => e.channel === 'chatty')
        .map((e) => [e.priority, e.message]);
    };
    h.module.speak('h');
    assert.deepEqual(await clog(), []);
    await h.host.settings.config.set('mgr/chatty/log_to_cluster', 'true');
    h.module.speak('i');
    assert.deepEqual(await clog(), [
      ['[INF]', 'i-info'],
      ['[WRN]', 'i-warning'],
    ]);
    await h.host.settings.config.set('mgr/chatty/log_to_cluster_level', 'warning');
    h.module.speak('j');
    assert.deepEqual((await clog()).slice(2), [['[WRN]', 'j-warning']]);
    assert.match(readFileSync(logFile, 'utf8'), /j-info/, 'the daemon log still has every line');
    await h.host.settings.config.set('mgr/chatty/log_to_cluster', 'false');
    h.module.speak('k');
    assert.equal((await clog()).length, 3);
    await h.stop();
  });
});
