import type { IoRates } from './cluster-views.ts';

/** Client IO at one point: when the module saw it (wall clock, ms, as Ceph's dashboard keeps its pool rates). */
export interface IoSample extends IoRates {
  readonly t: number;
  /** The journal's last seq then, or null on a host without a store. */
  readonly seq: number | null;
}

/** Ceph's `mon_stat_smooth_intervals`: a rate is the average of the deltas of this many ticks. */
const SMOOTH_INTERVALS = 6;

const sameRates = (a: IoRates, b: IoRates) =>
  a.read_bytes_sec === b.read_bytes_sec &&
  a.write_bytes_sec === b.write_bytes_sec &&
  a.read_op_per_sec === b.read_op_per_sec &&
  a.write_op_per_sec === b.write_op_per_sec;

/**
 * The client IO seen at each PG-stats cue, newest last, the oldest dropped past `capacity`.
 *
 * A PG's first report to this host brings the whole lifetime of its counters, which the PG map's rates count as IO
 * (as `ceph -s` does just after a manager starts): TiB/s for a moment. So after any PG was reported for the first time
 * (fewer PGs unknown than at the last cue, and at the start) the chart waits until the rates have changed
 * {@link SMOOTH_INTERVALS} + 1 times (a tick each: the first measures the last first report, the rate window is clear
 * of it the rest later). Rates all zero are drawn at once: no lifetime is in them.
 */
export class IoHistory {
  private readonly samples: IoSample[] = [];
  private warmup = SMOOTH_INTERVALS + 1;
  private lastRates: IoRates | null = null;
  private unknown = Number.POSITIVE_INFINITY;

  constructor(private readonly capacity = 600) {}

  /** Adds what the PG map shows at a cue, with how many of its PGs have never been reported (`unknown`). */
  add(sample: IoSample, unknownPgs = 0): void {
    if (unknownPgs < this.unknown && this.unknown !== Number.POSITIVE_INFINITY) {
      this.warmup = SMOOTH_INTERVALS + 1;
      this.lastRates = null;
    }
    this.unknown = unknownPgs;
    if (this.warmup > 0) {
      if (this.lastRates !== null && !sameRates(this.lastRates, sample)) this.warmup--;
      this.lastRates = sample;
      const idle =
        sample.read_bytes_sec === 0 &&
        sample.write_bytes_sec === 0 &&
        sample.read_op_per_sec === 0 &&
        sample.write_op_per_sec === 0;
      if (this.warmup > 0 && !idle) return;
    }
    const last = this.samples.at(-1);
    // One sample per state: a cue that brings no new state must not draw a flat step.
    if (last !== undefined && last.seq !== null && last.seq === sample.seq) this.samples.pop();
    this.samples.push(sample);
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
  }

  /** The samples up to `seq` (every sample for null). */
  upTo(seq: number | null): readonly IoSample[] {
    if (seq === null) return this.samples.slice();
    return this.samples.filter((s) => s.seq === null || s.seq <= seq);
  }
}
