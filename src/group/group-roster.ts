import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import type { GroupMember, GroupView } from './group-mgr-map.ts';
import { LEASE_KEY } from './leader-lease.ts';

const MEMBER = 'member.';
const FAIL_KEY = 'fail';

export interface GroupRosterOptions {
  readonly bucket: KV;
  /** This manager's entry, as it is now (its services change with its role). */
  readonly self: () => GroupMember;
  /** How long the bucket keeps an entry: members write theirs again every third of it. */
  readonly ttlMs: number;
  /** Told when who holds the lease or who is there changed. */
  readonly onChange: (view: GroupView) => void;
  /** The lease was let go: a standby may take it now rather than at its next poll. */
  readonly onLeaseFree: () => void;
  /** Another manager asked (`mgr fail`) that this one give the lease up. */
  readonly onFailRequest: () => void;
  readonly logger: Logger;
}

/**
 * Who is in a group of managers, from the group's KV bucket: each member writes its own entry (name, gid, admin
 * socket, module URIs) and keeps it alive; a crashed member's entry expires with the bucket's TTL. Follows the
 * lease's key too, and carries `mgr fail` requests from any member to the active one.
 */
export class GroupRoster {
  private readonly opts: GroupRosterOptions;
  private current: GroupView = { active: null, members: {} };
  /** Every member's admin socket as last announced, kept after its entry expires. */
  private readonly addrs = new Map<string, string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly abort = new AbortController();

  constructor(options: GroupRosterOptions) {
    this.opts = options;
  }

  get view(): GroupView {
    return this.current;
  }

  /**
   * Where `name` last said it serves commands. An entry expires when a member's writes are late by a TTL (a busy
   * machine), though the member may be serving still.
   */
  lastAddr(name: string): string | undefined {
    return this.current.members[name]?.addr ?? this.addrs.get(name);
  }

  /** Writes this manager's entry, and keeps the roster up to date until `stop`. */
  async start(): Promise<void> {
    await this.announce();
    this.timers.push(setInterval(() => void this.announce(), Math.floor(this.opts.ttlMs / 3)));
    this.timers.push(setInterval(() => void this.reload(), Math.floor(this.opts.ttlMs / 2)));
    void this.watch();
  }

  /** Writes this manager's entry now (after a role change, say). */
  async announce(): Promise<void> {
    try {
      await this.opts.bucket.put(`${MEMBER}${this.opts.self().name}`, JSON.stringify(this.opts.self()));
    } catch (e) {
      this.opts.logger.warn({ err: e }, 'cannot announce this manager');
    }
  }

  /** Asks the manager `who` to give the lease up. */
  async requestFail(who: string): Promise<void> {
    await this.opts.bucket.put(FAIL_KEY, who);
  }

  /** Leaves the roster: this manager's entry goes at once. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.abort.abort();
    await this.opts.bucket.delete(`${MEMBER}${this.opts.self().name}`).catch(() => undefined);
  }

  private change(view: GroupView): void {
    for (const m of Object.values(view.members)) this.addrs.set(m.name, m.addr);
    this.current = view;
    this.opts.onChange(view);
  }

  private async watch(): Promise<void> {
    const { bucket } = this.opts;
    try {
      const entries = await bucket.watch();
      this.abort.signal.addEventListener('abort', () => entries.stop(), { once: true });
      for await (const e of entries) {
        if (e.key === LEASE_KEY) {
          const active = e.operation === 'PUT' ? e.string() : null;
          if (active !== this.current.active) this.change({ ...this.current, active });
          if (active === null) this.opts.onLeaseFree();
        } else if (e.key.startsWith(MEMBER)) {
          const name = e.key.slice(MEMBER.length);
          const members = { ...this.current.members };
          if (e.operation === 'PUT') members[name] = e.json<GroupMember>();
          else delete members[name];
          // Members write their entries often: only a change is news.
          if (JSON.stringify(members[name]) !== JSON.stringify(this.current.members[name])) {
            this.change({ ...this.current, members });
          }
        } else if (e.key === FAIL_KEY && e.operation === 'PUT' && e.string() === this.opts.self().name) {
          await bucket.delete(FAIL_KEY).catch(() => undefined);
          this.opts.onFailRequest();
        }
      }
    } catch (e) {
      if (!this.abort.signal.aborted) this.opts.logger.warn({ err: e }, 'watching the group stopped');
    }
  }

  /** Entries that expired (a crashed member's) send no watch event: the roster is read again now and then. */
  private async reload(): Promise<void> {
    const { bucket } = this.opts;
    try {
      const members: Record<string, GroupMember> = {};
      for await (const key of await bucket.keys(`${MEMBER}*`)) {
        const e = await bucket.get(key);
        if (e !== null && e.operation === 'PUT') members[key.slice(MEMBER.length)] = e.json<GroupMember>();
      }
      const lease = await bucket.get(LEASE_KEY);
      const active = lease !== null && lease.operation === 'PUT' ? lease.string() : null;
      if (JSON.stringify(members) !== JSON.stringify(this.current.members) || active !== this.current.active) {
        this.change({ active, members });
      }
    } catch {
      // the next round will do
    }
  }
}
