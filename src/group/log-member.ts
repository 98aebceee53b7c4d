import type { Logger } from 'pino';
import type { JournaledEvent } from '../../schemas/event.ts';
import { type CommandTuple, errorResult } from '../commands/result.ts';
import { MgrError } from '../errors.ts';
import type { MgrHost } from '../host/host.ts';
import { formatRejection, type Rejection } from '../ingest/rejection.ts';
import type { AdminRequest } from '../server/admin-socket.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import type { Store } from '../store/store.ts';
import { forwardCommand } from './forward-command.ts';
import { type GroupMember, type GroupView, groupMgrMap } from './group-mgr-map.ts';
import { GroupRoster } from './group-roster.ts';
import { commandPrefix, LISTING, mergeListings, routeDecision } from './group-route.ts';
import type { JetStreamLog } from './jetstream-log.ts';
import { leaseBucket } from './kv-lease-bucket.ts';
import { latestState } from './latest-state.ts';
import { LeaderLease } from './leader-lease.ts';
import { replayIntoLog } from './log-replay.ts';
import { LogReplica } from './log-replica.ts';
import { LogSnapshots } from './log-snapshots.ts';
import { mgrFailCommand } from './mgr-fail-command.ts';
import { within } from './within.ts';

export { latestState } from './latest-state.ts';

/** Settings and `config-key` entries ride on `config` events under these `who`s, so every manager has them. */
const SETTINGS_WHO = 'mgr';
/** How long a command passed on to the active manager may take before the client is told to try again. */
const FORWARD_TIMEOUT_MS = 30_000;
/** No active manager to run the command: `-EAGAIN`, the client tries again. */
const tryAgain = (why: string): CommandTuple => errorResult(new MgrError('MGR_ERR_LOG_NOT_ACTIVE', why));
const KV_WHO = 'mgrkit.config-key';
/** How long a manager tries to open the group's bucket and snapshot store before it gives up. */
const OPEN_RETRY_MS = 60_000;
/** How long a manager taking over may take to fold the log up to its head before it gives the lease back. */
const CATCH_UP_MS = 15_000;
/** How long one check of the lease may take before the next is let run anyway. */
const TICK_HUNG_MS = 10_000;

export interface LogMemberOptions {
  readonly host: MgrHost;
  readonly store: Store;
  readonly log: JetStreamLog;
  /** Where this manager serves commands: shown as `active_addr` when it is the active one. */
  readonly addr: string;
  /** The lease's TTL: a crashed active is replaced this long after its last renewal. */
  readonly leaseMs?: number;
  /** A trace the active manager appends to the log (resuming where the previous active stopped). */
  readonly source?: string;
  readonly speed?: number;
  /** A manager this many events (or more) behind the log's newest snapshot starts from that snapshot. */
  readonly snapshotCatchUp?: number;
  readonly logger: Logger;
  /**
   * Told of the source's bad lines, and of a failure of the source or of following the log: the host shows them
   * in health (a standby that stopped following serves a state that no longer moves).
   */
  readonly watch?: { rejected(r: Rejection): void; failed(e: unknown): void };
}

/**
 * A manager in a group sharing one event log: it folds the log into its own store and snapshots, whatever its
 * role; it competes for the lease, and runs its modules as `Module`s while it holds it (as `StandbyModule`s
 * otherwise). The active one appends its own events (cluster log entries, settings, its source's events) to the
 * log; everyone, itself included, folds them from there.
 */
export class LogMember {
  readonly replica: LogReplica;
  private readonly opts: LogMemberOptions;
  private readonly host: MgrHost;
  private readonly ttlMs: number;
  private readonly gid = Math.floor(Math.random() * 2 ** 31);
  private readonly since = new Date().toISOString();
  private lease: LeaderLease | null = null;
  private roster: GroupRoster | null = null;
  private readonly abort = new AbortController();
  private role: 'standby' | 'active' | 'changing' = 'standby';
  private sourceAbort: AbortController | null = null;
  private timer: NodeJS.Timeout | undefined;
  private backoffUntil = 0;
  private renewedAt = 0;
  /** Writes of the log's settings to the local stores under way: not this manager's own changes. */
  private applying = 0;
  private ticking = false;
  private tickStarted = 0;
  private tickGeneration = 0;
  private followed: Promise<void> = Promise.resolve();
  private snapshots: LogSnapshots | null = null;
  private uploading = false;

  constructor(options: LogMemberOptions) {
    this.opts = options;
    this.host = options.host;
    this.ttlMs = options.leaseMs ?? 2000;
    const initial = latestState(options.store);
    this.host.feed.adopt(initial);
    this.replica = new LogReplica(options.store, options.log, initial, {
      publisher: { publish: (state, events) => this.published(state, events) },
      onSnapshot: (state) => this.shareSnapshot(state),
      logger: options.logger,
    });
  }

  get active(): boolean {
    return this.role === 'active';
  }

  /** Joins the group: follows the log, announces itself, and competes for the lease. */
  async start(): Promise<void> {
    const { host, log } = this.opts;
    const bucket = await this.retrying("the group's bucket", () => log.bucket('mgr', this.ttlMs));
    // A lease check that takes longer than the TTL is of no use: its requests give up then.
    const leaseKv = await log.bucketWithin('mgr', this.ttlMs);
    this.lease = new LeaderLease(leaseBucket(leaseKv, this.opts.logger), host.mgrId, { ttlMs: this.ttlMs });
    const roster = new GroupRoster({
      bucket,
      self: () => this.member(),
      ttlMs: this.ttlMs,
      onChange: (view) => host.role.setMgrMapView((recorded) => groupMgrMap(recorded, this.withSelf(view))),
      onLeaseFree: () => void this.tick(),
      onFailRequest: () => void this.fail(),
      logger: this.opts.logger,
    });
    this.roster = roster;
    host.feed.sink({ inject: (event) => this.replica.appendOne(event) });
    host.settings.config.subscribe((key, value) => this.localChange(SETTINGS_WHO, key, value));
    host.settings.kv.subscribe((key, value) => this.localChange(KV_WHO, key, value));
    host.role.setMgrMapView((recorded) => groupMgrMap(recorded, this.withSelf(roster.view)));
    this.host.commands.table.add(
      mgrFailCommand({
        self: this.host.mgrId,
        roster,
        active: () => this.role === 'active',
        fail: () => this.fail(),
      }),
    );
    // Snapshots in the log only spare a new manager the history: it joins without them while their store is slow.
    const snapshots = this.retrying("the log's snapshot store", () => log.snapshots()).then((store) => {
      this.snapshots = new LogSnapshots(store);
      return this.snapshots;
    });
    snapshots.catch(() => undefined);
    await this.catchUpFromSnapshot(snapshots);
    this.followed = this.replica.follow(this.abort.signal).catch((e) => {
      if (this.abort.signal.aborted) return;
      this.opts.logger.error({ err: e }, 'following the event log stopped');
      this.opts.watch?.failed(new Error(`following the event log stopped: ${(e as Error).message ?? String(e)}`));
    });
    await roster.start();
    const poll = Math.max(20, Math.min(100, Math.floor(this.ttlMs / 10)));
    this.timer = setInterval(() => void this.tick(), poll);
    await this.tick();
  }

  /** Leaves the group: gives the lease up at once (a standby takes over without waiting for the TTL). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.sourceAbort?.abort();
    if (this.role === 'active') {
      // As for `mgr fail`: its modules stop first, so the next active never runs beside them.
      this.role = 'changing';
      await this.host.role.setStandby(true);
      await this.lease?.release();
    }
    await this.roster?.stop();
    this.abort.abort();
    await this.followed;
  }

  /** `mgr fail`: the active gives the lease up and stays standby for a while, so another takes over. */
  async fail(): Promise<void> {
    if (this.role !== 'active') return;
    this.backoffUntil = Date.now() + 3 * this.ttlMs;
    await this.demote('mgr fail');
  }

  /** Far behind the log's newest snapshot (a new manager, say): start from it rather than fold all history. */
  private async catchUpFromSnapshot(opening: Promise<LogSnapshots>): Promise<void> {
    const over = this.opts.snapshotCatchUp ?? 10_000;
    // Right after the object store is made, the servers may not answer for it yet: then fold the stream instead.
    const seq = await Promise.race([
      opening.then((store) => store.newestSeq()),
      new Promise<number>((resolve) => setTimeout(() => resolve(0), 2000).unref()),
    ]).catch(() => 0);
    if (seq - this.replica.state.seq < over || this.snapshots === null) return;
    const t0 = performance.now();
    const snapshot = await this.snapshots.newest();
    if (snapshot === null) return;
    await this.replica.adopt(snapshot);
    this.opts.logger.info({ seq: snapshot.seq, ms: performance.now() - t0 }, 'started from the log snapshot');
  }

  /**
   * `open()` until it succeeds: a stream's buckets and object stores just made can take nats-server many seconds to
   * answer (its requests time out meanwhile). Gives up after {@link OPEN_RETRY_MS}, or when this manager leaves.
   */
  private async retrying<T>(what: string, open: () => Promise<T>): Promise<T> {
    const until = Date.now() + OPEN_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await open();
      } catch (e) {
        if (this.abort.signal.aborted || Date.now() >= until) throw e;
        this.opts.logger.warn({ err: e, attempt }, `${what} cannot be opened yet; trying again`);
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
      }
    }
  }

  /** The active shares each snapshot it stores (one upload at a time; a busy one skips the next). */
  private shareSnapshot(state: ClusterState): void {
    if (this.role !== 'active' || this.uploading || this.snapshots === null) return;
    this.uploading = true;
    this.snapshots
      .put(state)
      .catch((e) => this.opts.logger.warn({ err: e }, 'log snapshot not stored'))
      .finally(() => {
        this.uploading = false;
      });
  }

  private async tick(): Promise<void> {
    if (this.lease === null || this.abort.signal.aborted) return;
    if (this.ticking) {
      // A bucket request that never settles must not stop this manager from ever checking the lease again.
      if (Date.now() - this.tickStarted < TICK_HUNG_MS) return;
      this.opts.logger.warn({ ms: Date.now() - this.tickStarted }, 'a lease check has not returned; checking again');
    }
    const generation = ++this.tickGeneration;
    this.ticking = true;
    this.tickStarted = Date.now();
    try {
      if (this.role === 'active' && !this.lease.held) {
        // Renewals did not get through for a whole TTL: another manager may hold the lease by now.
        await this.demote('lease expired');
      } else if (this.role !== 'standby') {
        if (this.lease.held && Date.now() - this.renewedAt >= this.ttlMs / 4) {
          if (await this.lease.renew()) this.renewedAt = Date.now();
          else if (this.role === 'active') await this.demote('lease lost');
        }
      } else if (Date.now() >= this.backoffUntil && (await this.lease.acquire())) {
        void this.promote().catch((e) => this.opts.logger.error({ err: e }, 'taking over failed'));
      }
    } catch (e) {
      this.opts.logger.warn({ err: e }, 'lease check failed');
    } finally {
      if (generation === this.tickGeneration) this.ticking = false;
    }
  }

  private async promote(): Promise<void> {
    this.role = 'changing';
    const at = performance.now();
    this.renewedAt = Date.now();
    let head = 0;
    try {
      // It serves nothing as the active until it has folded everything the previous active wrote.
      head = await this.opts.log.lastSeq();
      await within(
        this.replica.reached(head),
        CATCH_UP_MS,
        `the event log's head (seq ${head}) not folded in ${CATCH_UP_MS} ms`,
      );
      await this.host.role.setStandby(false);
    } catch (e) {
      // Holding the lease without serving would leave the group with no active manager for as long as this one
      // renews it: give it back, and let any manager (this one too, after a pause) take it again.
      this.opts.logger.error({ err: e }, 'taking over failed; the lease is given back');
      await this.host.role.setStandby(true).catch(() => undefined);
      await this.lease?.release().catch(() => undefined);
      this.backoffUntil = Date.now() + this.ttlMs;
      this.role = 'standby';
      return;
    }
    this.role = 'active';
    this.opts.logger.info({ seq: head, ms: performance.now() - at }, 'this manager is now the active one');
    await this.roster?.announce();
    if (this.opts.source !== undefined) this.runSource(this.opts.source);
  }

  private async demote(why: string): Promise<void> {
    this.role = 'changing';
    this.sourceAbort?.abort();
    this.sourceAbort = null;
    // Its modules stop before the lease goes, so that two managers never serve as the active at once.
    await this.host.role.setStandby(true);
    await this.lease?.release();
    this.role = 'standby';
    this.opts.logger.info({ why }, 'this manager is now a standby');
    await this.roster?.announce();
  }

  private runSource(trace: string): void {
    const abort = new AbortController();
    this.sourceAbort = abort;
    replayIntoLog({
      trace,
      store: this.opts.store,
      replica: this.replica,
      ...(this.opts.speed !== undefined ? { speed: this.opts.speed } : {}),
      signal: abort.signal,
      onRejection: (r) =>
        this.opts.watch
          ? this.opts.watch.rejected(r)
          : this.opts.logger.warn({ rejection: formatRejection(r) }, 'bad line'),
    })
      .then((r) => {
        if (abort.signal.aborted) return;
        this.opts.logger.info({ accepted: r.accepted, lastSeq: this.replica.state.seq }, 'source ended');
        this.host.feed.end();
      })
      .catch((e) => {
        if (abort.signal.aborted) return;
        if (this.opts.watch) this.opts.watch.failed(e);
        else this.opts.logger.error({ err: e }, 'source failed');
      });
  }

  private published(state: ClusterState, events: readonly JournaledEvent[]): void {
    this.host.feed.publish(state, events);
    // Settings and config-key entries the active wrote: every manager keeps them in its own stores too.
    for (const e of events) {
      if (e.kind !== 'config') continue;
      for (const c of e.changes) {
        const target =
          c.who === SETTINGS_WHO ? this.host.settings.config : c.who === KV_WHO ? this.host.settings.kv : null;
        if (target === null || (target === this.host.settings.config && !c.name.includes('/'))) continue;
        const value = c.value === null ? null : String(c.value);
        if ((target.get(c.name) ?? null) === value) continue;
        this.applying++;
        void target.set(c.name, value).finally(() => {
          this.applying--;
        });
      }
    }
  }

  /** A setting or config-key written here: the active puts it in the log, so the next active has it. */
  private localChange(who: string, name: string, value: string | null): void {
    if (this.applying > 0 || this.role !== 'active') return;
    const t = Math.max(this.replica.state.stamp, Date.now());
    this.replica
      .appendOne({ v: 1, t, kind: 'config', changes: [{ who, name, value }] })
      .catch((e) => this.opts.logger.error({ err: e, key: name }, 'setting not written to the event log'));
  }

  /**
   * Runs a command sent to this manager's admin socket: here when this manager is the active one or has the command
   * itself (settings, `mgr dump`, `mgr fail`, ...), else passed on to the active one's socket (module commands run
   * only where the modules run as `Module`s), so a client may use any manager's socket. With no active manager to
   * pass it to, `-EAGAIN`: the client tries again.
   */
  async route(request: AdminRequest, local: (request: AdminRequest) => Promise<CommandTuple>): Promise<CommandTuple> {
    const prefix = commandPrefix(request.cmd);
    const decision = routeDecision({
      prefix,
      self: this.host.mgrId,
      active: this.role === 'active',
      hasLocal: prefix !== null && this.host.commands.table.get(prefix) !== undefined,
      view: this.roster?.view ?? { active: null, members: {} },
      lastAddr: (name) => this.roster?.lastAddr(name),
    });
    switch (decision.kind) {
      case 'local':
        return local(request);
      case 'listing':
        return this.listing(request, local);
      case 'again':
        return tryAgain(`${decision.why}; try again`);
    }
    const { active, addr } = decision;
    try {
      return await forwardCommand(addr, request, FORWARD_TIMEOUT_MS);
    } catch (e) {
      if (prefix === LISTING) return this.listing(request, local);
      return tryAgain(`the active manager mgr.${active} (${addr}) did not answer: ${(e as Error).message}; try again`);
    }
  }

  /** The command list answered here: this manager's own commands and its modules', which the active runs. */
  private async listing(
    request: AdminRequest,
    local: (request: AdminRequest) => Promise<CommandTuple>,
  ): Promise<CommandTuple> {
    const [retval, stdout, stderr] = await local(request);
    if (retval !== 0) return [retval, stdout, stderr];
    return [0, JSON.stringify(mergeListings(JSON.parse(stdout), this.host.modules.commandDescriptions())), stderr];
  }

  /**
   * The group as this manager shows it: its own entry as it is now, not the bucket's copy, which lags its role's
   * change and its modules' `set_uri`, and lapses when a write is late on a busy machine.
   */
  private withSelf(view: GroupView): GroupView {
    const self = this.member();
    return { ...view, members: { ...view.members, [self.name]: self } };
  }

  private member(): GroupMember {
    return {
      name: this.host.mgrId,
      gid: this.gid,
      addr: this.opts.addr,
      services: this.role === 'active' ? this.host.modules.serviceUris() : {},
      since: this.since,
    };
  }
}
