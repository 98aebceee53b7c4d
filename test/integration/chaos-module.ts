import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A module that takes an OSD down for good (`noup` first, so that the daemon cannot mark itself up again). */
const CHAOS_MODULE = `import { MgrModule } from 'mgrkit';

export class Module extends MgrModule {
  static NOTIFY_TYPES = [];
  static COMMANDS = [{ cmd: 'chaos osd down name=id,type=CephString', desc: 'Take an OSD down and keep it down', perm: 'w' }];

  async handle_command(_inbuf, cmd) {
    await this.check_mon_command({ prefix: 'osd set', key: 'noup' });
    const r = await this.check_mon_command({ prefix: 'osd down', ids: [String(cmd.id)] });
    return [0, r.stdout, r.stderr];
  }
}
`;

/**
 * Writes the `chaos` module (`chaos osd down ID`: an OSD down for good) into `DIR/modules/chaos`, and returns
 * `DIR/modules`, for `mgrkit run --module-path`.
 */
export function writeChaosModule(dir: string): string {
  const modules = join(dir, 'modules');
  mkdirSync(join(modules, 'chaos'), { recursive: true });
  writeFileSync(join(modules, 'chaos', 'module.js'), CHAOS_MODULE);
  return modules;
}
