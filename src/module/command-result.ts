import { MgrError } from '../errors.ts';

/**
 * What `send_command` completes (Ceph's `CommandResult`): the command's `retval` (0 or `-errno`), output and
 * status text. `wait()` resolves once the cluster has answered; the sending module is also notified with
 * `notify('command', tag)`.
 */
export class CommandResult {
  readonly tag: string;
  r = 0;
  outb = '';
  outs = '';
  readonly #done: Promise<[number, string, string]>;
  #resolve!: (v: [number, string, string]) => void;

  constructor(tag = '') {
    this.tag = tag;
    this.#done = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** @internal Called when the answer arrives. */
  complete(r: number, outb: string, outs: string): void {
    this.r = r;
    this.outb = outb;
    this.outs = outs;
    this.#resolve([r, outb, outs]);
  }

  /** Resolves to `[retval, outb, outs]` once the command has completed. */
  wait(): Promise<[number, string, string]> {
    return this.#done;
  }
}

/** What `check_mon_command` throws when the monitors answered with an error (Ceph's `MonCommandFailed`). */
export class MonCommandFailed extends MgrError {
  readonly retval: number;
  readonly outb: string;
  readonly outs: string;

  constructor(prefix: string, retval: number, outb: string, outs: string) {
    super('MGR_ERR_MON_COMMAND_FAILED', `${prefix} failed: ${outs} retval: ${retval}`);
    this.name = 'MonCommandFailed';
    this.retval = retval;
    this.outb = outb;
    this.outs = outs;
  }
}
