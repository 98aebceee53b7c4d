/**
 * The stream clock of a paced replay or a live source: the trace's time, advancing with the wall clock at `speed`
 * times real time from the last event seen. At full speed (`Infinity`) it moves only with events.
 */
export class StreamClock {
  private readonly speed: number;
  private last: { t: number; wall: number } | null = null;

  constructor(speed: number) {
    this.speed = speed;
  }

  get running(): boolean {
    return Number.isFinite(this.speed);
  }

  /** Wall milliseconds per stream millisecond. */
  get wallPerStreamMs(): number {
    return Number.isFinite(this.speed) ? 1 / this.speed : 0;
  }

  observe(t: number): void {
    this.last = { t, wall: performance.now() };
  }

  now(): number {
    if (this.last === null) return 0;
    if (!this.running) return this.last.t;
    return this.last.t + (performance.now() - this.last.wall) * this.speed;
  }
}
