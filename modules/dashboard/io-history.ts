import type { IoRates } from './cluster-views.ts';

/** Client IO at one point: when the module saw it (wall clock, ms, as Ceph's dashboard keeps its pool rates). */
export interface IoSample extends IoRates {
  readonly t: number;
  /** The journal's last seq then, or null on a host without a store. */
  readonly seq: number | null;
}

/** The client IO seen at each PG-stats cue, newest last, the oldest dropped past `capacity`. */
export class IoHistory {
  private readonly samples: IoSample[] = [];

  constructor(private readonly capacity = 600) {}

  add(sample: IoSample): void {
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
