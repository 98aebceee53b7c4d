/** How much of the ingest's wall time snapshots may take, at most, as a fraction. */
const MAX_SHARE = 0.1;

/**
 * When to store a snapshot: once `every` events have been journaled since the last one, and no sooner than the
 * last snapshot's cost allows. A snapshot hashes and writes the parts that changed since the last one, which at
 * 10,000 OSDs is nearly the whole PG table (hundreds of MB), so a fixed event count would spend most of a large
 * cluster's ingest writing snapshots; this keeps them under a tenth of the time, while recovery replays at most the
 * journal written since.
 */
export class SnapshotPolicy {
  readonly #every: number;
  readonly #now: () => number;
  #since: number;
  #lastAt: number;
  #lastCostMs = 0;

  /** `now` is the wall clock in ms (a test's own clock steps it). */
  constructor(every: number, since: number, now: () => number = () => performance.now()) {
    this.#every = every;
    this.#since = since;
    this.#now = now;
    this.#lastAt = now();
  }

  /** Counts events journaled. */
  add(events: number): void {
    this.#since += events;
  }

  /** Whether the next commit should carry a snapshot. */
  get due(): boolean {
    if (this.#since < this.#every) return false;
    return this.#now() - this.#lastAt >= this.#lastCostMs / MAX_SHARE;
  }

  /** A commit with a snapshot took `costMs`. */
  taken(costMs: number): void {
    this.#since = 0;
    this.#lastCostMs = costMs;
    this.#lastAt = this.#now();
  }
}
