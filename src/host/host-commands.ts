import { CommandTable } from '../commands/command-table.ts';
import type { CommandTuple } from '../commands/result.ts';
import { type CallerContext, dispatch } from '../commands/router.ts';

/** Every command the host serves (its own, and those of the running modules), and who may run them. */
export class HostCommands {
  readonly table = new CommandTable();
  private readonly config: { get(key: string): string | undefined };

  constructor(config: { get(key: string): string | undefined }) {
    this.config = config;
  }

  /** A client's caps: `auth/<entity>` from the settings; `client.admin` has `rw` unless set otherwise. */
  caps(entity: string): string {
    return this.config.get(`auth/${entity}`) ?? (entity === 'client.admin' ? 'rw' : '');
  }

  /** Runs one command request for a caller; every failure comes back as a `-errno` result. */
  run(request: unknown, caller: CallerContext): Promise<CommandTuple> {
    return dispatch(this.table, request, caller);
  }
}
