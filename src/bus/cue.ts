import type { ClogEntry } from '../../schemas/daemon/index.ts';
import type { NotifyType } from './notify-types.ts';

/**
 * A notification: which kind of state changed, and (for `clog` only) the log entry itself, as Pacific passes it.
 * It carries no state: the module reads what it needs through its accessors.
 */
export interface Cue {
  readonly type: NotifyType;
  /** `""` for every type but `clog`, whose id is the log entry. */
  readonly id: string | ClogEntry;
  /** The seq of the event that caused the cue (for `pg_summary`, the last stats report of its period). */
  readonly seq: number;
}
