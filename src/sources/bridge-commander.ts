import type { ClusterCommander, ClusterReply, CommandTarget } from '../cluster/cluster-commander.ts';
import { MgrError } from '../errors.ts';
import type { BridgeLink } from './bridge-link.ts';

/**
 * `mon_command`/`send_command` on a real cluster: each goes through the bridge to the recorder, which sends it with
 * the real ceph-mgr's own `send_command` and answers with Ceph's result. `timeoutSeconds` is read per command
 * (Ceph's `rados_mon_op_timeout` for the monitors, `rados_osd_op_timeout` for OSDs and PGs; 0: none).
 */
export class BridgeCommander implements ClusterCommander {
  /** `mgr` commands go to the real ceph-mgr (its modules' commands), through its RADOS client's `mgr_command`. */
  readonly servesMgr = true;
  readonly #link: BridgeLink;
  readonly #timeoutSeconds: (target: CommandTarget) => number;

  constructor(link: BridgeLink, timeoutSeconds: (target: CommandTarget) => number = () => 0) {
    this.#link = link;
    this.#timeoutSeconds = timeoutSeconds;
  }

  async command(target: CommandTarget, cmd: Readonly<Record<string, unknown>>, inbuf: string): Promise<ClusterReply> {
    const seconds = this.#timeoutSeconds(target);
    try {
      const a = await this.#link.call('command', { target: { ...target }, cmd: { ...cmd }, inbuf }, seconds * 1000);
      return {
        retval: a.r,
        outb: a.outb,
        outs: a.outs,
        ...(a.osd_epoch !== undefined ? { osdEpoch: a.osd_epoch } : {}),
      };
    } catch (e) {
      if (!(e instanceof MgrError)) throw e;
      return { retval: -e.errno, outb: '', outs: e.message };
    }
  }
}
