import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrModule, type NotifyType } from '../../src/index.ts';
import { levelForDebug } from '../../src/log/logger.ts';
import { tempDir } from '../helpers.ts';

class Chatty extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  speak(tag: string) {
    this.log.debug(`${tag}-debug`);
    this.log.info(`${tag}-info`);
    this.log.warn(`${tag}-warning`);
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
});
