import type { CommandEntry } from '../commands/command-table.ts';
import { parseDescriptor } from '../commands/descriptor.ts';
import { errorResult } from '../commands/result.ts';
import { MgrError } from '../errors.ts';
import type { GroupRoster } from './group-roster.ts';

/** What `mgr fail` needs of the manager it runs on. */
export interface MgrFailTarget {
  /** This manager's name. */
  readonly self: string;
  readonly roster: GroupRoster;
  active(): boolean;
  /** Steps this manager down. */
  fail(): Promise<void>;
}

/** `mgr fail [who]`: steps this manager down, or asks the named one (the active one by default) to. */
export function mgrFailCommand(target: MgrFailTarget): CommandEntry {
  const { self, roster } = target;
  return {
    signature: parseDescriptor('mgr fail name=who,type=CephString,req=false'),
    desc: 'treat the named manager daemon as failed',
    perm: 'rw',
    poll: false,
    module: null,
    run: async (cmd) => {
      const who = (cmd.who as string | undefined) ?? roster.view.active ?? self;
      if (who === self) {
        if (!target.active()) return [0, '', `mgr.${who} is not active`];
        await target.fail();
        return [0, '', ''];
      }
      if (roster.view.members[who] === undefined) {
        return errorResult(new MgrError('MGR_ERR_LOG_NOT_ACTIVE', `no manager named '${who}' in the group`));
      }
      await roster.requestFail(who);
      return [0, '', ''];
    },
  };
}
