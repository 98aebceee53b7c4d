/** What the lease needs of a key-value bucket whose entries expire `ttl` after their last write (JetStream KV). */
export interface LeaseBucket {
  /** Writes `key` only if it holds nothing (or was deleted); resolves with its revision, rejects otherwise. */
  create(key: string, value: string): Promise<number>;
  /** Writes `key` only if its revision is still `revision`. */
  update(key: string, value: string, revision: number): Promise<number>;
  delete(key: string, options: { previousSeq: number }): Promise<void>;
  get(key: string): Promise<{ value: string; revision: number; deleted: boolean } | null>;
}

export interface LeaseOptions {
  /** How long the bucket keeps an entry after its last write: a holder that stops renewing loses it then. */
  readonly ttlMs: number;
  /** The wall clock (tests drive their own). */
  readonly now?: () => number;
}

/** The key of the active manager's lease. */
export const LEASE_KEY = 'active';

/**
 * The active manager's lease: one key in a bucket with a TTL. Taking it is a create (only one wins), renewing is
 * a compare-and-set on its revision, giving it up deletes that revision. A holder that cannot reach the bucket
 * keeps the lease only until the TTL since its last successful write has passed: by then the bucket has dropped
 * the key and another manager may hold it.
 */
export class LeaderLease {
  readonly holder: string;
  private readonly bucket: LeaseBucket;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private revision: number | null = null;
  private renewedAt = 0;
  /** Bumped by `release`: a create or renewal still in flight then must not take the lease back. */
  private generation = 0;

  constructor(bucket: LeaseBucket, holder: string, options: LeaseOptions) {
    this.bucket = bucket;
    this.holder = holder;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
  }

  /** Whether this manager holds the lease, as far as it can tell now. */
  get held(): boolean {
    if (this.revision === null) return false;
    if (this.now() - this.renewedAt >= this.ttlMs) this.revision = null;
    return this.revision !== null;
  }

  /** Tries to take the lease; true if this manager now holds it. */
  async acquire(): Promise<boolean> {
    if (this.held) return true;
    const at = this.now();
    const generation = this.generation;
    try {
      const revision = await this.bucket.create(LEASE_KEY, this.holder);
      if (generation !== this.generation) return false;
      this.revision = revision;
      this.renewedAt = at;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Renews a held lease; false once it is lost: another manager holds it, or the TTL has passed since the last
   * renewal that went through.
   */
  async renew(): Promise<boolean> {
    if (!this.held) return false;
    const at = this.now();
    const generation = this.generation;
    try {
      const revision = await this.bucket.update(LEASE_KEY, this.holder, this.revision!);
      if (generation !== this.generation) return false;
      this.revision = revision;
      this.renewedAt = at;
      return true;
    } catch {
      if (generation !== this.generation) return false;
      const current = await this.bucket.get(LEASE_KEY).catch(() => undefined);
      if (current !== undefined && (current === null || current.deleted || current.revision !== this.revision)) {
        this.revision = null;
        return false;
      }
      return this.held;
    }
  }

  /** Gives the lease up at once (`mgr fail`, a clean stop), so a standby need not wait for the TTL. */
  async release(): Promise<void> {
    this.generation++;
    const revision = this.revision;
    this.revision = null;
    if (revision === null) return;
    try {
      await this.bucket.delete(LEASE_KEY, { previousSeq: revision });
    } catch {
      // A renewal in flight moved the revision on: the key is still ours, at its new revision.
      const current = await this.bucket.get(LEASE_KEY).catch(() => null);
      if (current !== null && !current.deleted && current.value === this.holder) {
        await this.bucket.delete(LEASE_KEY, { previousSeq: current.revision }).catch(() => undefined);
      }
    }
  }

  /** Who holds the lease according to the bucket (null when nobody does). */
  async currentHolder(): Promise<string | null> {
    const e = await this.bucket.get(LEASE_KEY);
    return e === null || e.deleted ? null : e.value;
  }
}
