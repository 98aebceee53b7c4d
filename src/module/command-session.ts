import { AsyncLocalStorage } from 'node:async_hooks';

/** Who asked for the command a module is running: what `is_authorized` checks (Ceph's module session). */
export interface CommandSession {
  /** The module whose command runs. */
  readonly module: string;
  /** The client's name (`client.admin`). */
  readonly entity: string;
  /** Its caps: `r`, `rw`, or `""`. */
  readonly caps: string;
}

/** The session of the command being handled, across its awaits; none outside a command. */
export const commandSession = new AsyncLocalStorage<CommandSession>();
