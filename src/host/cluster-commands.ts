import { constants } from 'node:os';
import {
  type ClusterCommander,
  type ClusterReply,
  type CommandTarget,
  NO_CLUSTER,
} from '../cluster/cluster-commander.ts';
import type { CommandTuple } from '../commands/result.ts';

/** How long a command that changed the OSD map waits for that map to be published. */
const COMMAND_MAP_WAIT_MS = 10_000;

/**
 * Commands to the cluster behind the source (none in a replay). A command that changed the OSD map is answered once
 * that epoch is published, so that the caller's next `get('osd_map')` shows the change (as ceph-mgr does).
 */
export class ClusterCommands {
  private readonly commander: ClusterCommander;
  /** The epoch of the published OSD map (-1 before the first). */
  private readonly publishedEpoch: () => number;
  private epochWaiters: Array<{ epoch: number; resolve: (ok: boolean) => void }> = [];

  /** This manager's own commands, for `mgr` commands where mgrkit is the cluster's manager. */
  private readonly ownMgr: (cmd: Readonly<Record<string, unknown>>, inbuf: string) => Promise<CommandTuple>;

  constructor(
    commander: ClusterCommander | undefined,
    publishedEpoch: () => number,
    ownMgr: (cmd: Readonly<Record<string, unknown>>, inbuf: string) => Promise<CommandTuple>,
  ) {
    this.commander = commander ?? NO_CLUSTER;
    this.publishedEpoch = publishedEpoch;
    this.ownMgr = ownMgr;
  }

  /** Sends a command; a commander that throws answers `-EIO`. */
  async send(target: CommandTarget, cmd: Readonly<Record<string, unknown>>, inbuf: string): Promise<ClusterReply> {
    if (target.type === 'mgr' && !this.commander.servesMgr) {
      const [retval, outb, outs] = await this.ownMgr(cmd, inbuf);
      return { retval, outb, outs };
    }
    let reply: ClusterReply;
    try {
      reply = await this.commander.command(target, cmd, inbuf);
    } catch (e) {
      reply = { retval: -constants.errno.EIO, outb: '', outs: (e as Error).message ?? String(e) };
    }
    if (reply.osdEpoch !== undefined) await this.osdEpochPublished(reply.osdEpoch, COMMAND_MAP_WAIT_MS);
    return reply;
  }

  /** A snapshot was published: answers waiting for its OSD map epoch (or an older one) go out. */
  published(): void {
    if (this.epochWaiters.length === 0) return;
    const epoch = this.publishedEpoch();
    const [ready, waiting] = [
      this.epochWaiters.filter((w) => w.epoch <= epoch),
      this.epochWaiters.filter((w) => w.epoch > epoch),
    ];
    this.epochWaiters = waiting;
    for (const w of ready) w.resolve(true);
  }

  private osdEpochPublished(epoch: number, timeoutMs: number): Promise<boolean> {
    if (this.publishedEpoch() >= epoch) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { epoch, resolve: (ok: boolean) => resolve(ok) };
      this.epochWaiters.push(waiter);
      setTimeout(() => {
        this.epochWaiters = this.epochWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs).unref();
    });
  }
}
