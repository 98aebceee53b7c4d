/** How much of the ingest's wall time snapshots may take, at most, as a fraction. */
const MAX_SHARE = 0.1;

/**
 * When to store a snapshot: once `every` events have been journaled since the last one, and no sooner than the
 * last snapshot's cost allows. A snapshot is the whole state (hundreds of MB at 10,000 OSDs), so a fixed event
 * count would spend most of a large cluster's ingest writing snapshots; this keeps them under a tenth of the time,
 * while recovery replays at most the journal written since.
 */
export class SnapshotPolicy {
  readonly #every: number;
  #since: number;
  #lastAt = performance.now();
  #lastCostMs = 0;

  constructor(every: number, since: number) {
    this.#every = every;
    this.#since = since;
  }

  /** Counts events journaled. */
  add(events: number): void {
    this.#since += events;
  }

  /** Whether the next commit should carry a snapshot. */
  get due(): boolean {
    if (this.#since < this.#every) return false;
    return performance.now() - this.#lastAt >= this.#lastCostMs / MAX_SHARE;
  }

  /** A commit with a snapshot took `costMs`. */
  taken(costMs: number): void {
    this.#since = 0;
    this.#lastCostMs = costMs;
    this.#lastAt = performance.now();
  }
}
