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
 * Until every PG has been reported once, and for the rate window after that, the PG map's rates count the whole
 * lifetime of the counters of PGs it sees for the first time (as `ceph -s` does after a manager starts): TiB/s for a
 * moment. Those samples are not drawn: the chart starts once the rates have changed {@link SMOOTH_INTERVALS} + 1
 * times (a tick each) with no PG unknown: the first tick after the map became whole measures the last PG's first
 * report, and the window is clear of it {@link SMOOTH_INTERVALS} ticks later.
 */
export class IoHistory {
  private readonly samples: IoSample[] = [];
  private warmup = SMOOTH_INTERVALS + 1;
  private lastRates: IoRates | null = null;

  constructor(private readonly capacity = 600) {}

  /** Adds what the PG map shows at a cue; `whole`: no PG of the map is still unknown (unreported). */
  add(sample: IoSample, whole = true): void {
    if (!whole) {
      this.warmup = SMOOTH_INTERVALS + 1;
      this.lastRates = null;
      return;
    }
    if (this.warmup > 0) {
      if (this.lastRates !== null && !sameRates(this.lastRates, sample)) this.warmup--;
      this.lastRates = sample;
      if (this.warmup > 0) return;
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
