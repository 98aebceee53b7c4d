import { Subject } from 'rxjs';
import type { JournaledEvent } from '../../schemas/event.ts';

/** A change of the monitors' connection, at a time of the stream clock (ms). */
export interface LivenessChange {
  readonly connected: boolean;
  readonly at: number;
  readonly reason: 'event' | 'mon_session down' | 'silence' | 'source ended';
}

export interface LivenessOptions {
  /** Seconds of stream time without any event after which the connection counts as lost. */
  readonly timeoutSeconds: () => number;
  /**
   * The stream clock now, when it runs on its own (a paced replay, a live source); timeouts between events are then
   * noticed as they happen. Without it the clock only moves with events, as in a replay at full speed, and a
   * silence is noticed when the next event shows it was there. Either way the changes are the same.
   */
  readonly now?: () => number;
  /** Wall milliseconds per stream millisecond (1/speed), for the timer that notices a silence as it happens. */
  readonly wallPerStreamMs?: number;
}

/**
 * Whether the manager is connected to the monitors, from the stream alone: lost on `mon_session` down, on a
 * silence longer than the timeout (in stream time), and when the source ends; back with the next event.
 */
export class Liveness {
  private readonly opts: LivenessOptions;
  private lastT: number | null = null;
  private sessionUp = true;
  private up = false;
  private over = false;
  private timer: NodeJS.Timeout | undefined;
  readonly changes = new Subject<LivenessChange>();
  /** Each end of the source. */
  readonly ends = new Subject<void>();

  constructor(options: LivenessOptions) {
    this.opts = options;
  }

  get connected(): boolean {
    return this.up;
  }

  /** The source ended (until an event comes again): no monitors will answer, however long one waits. */
  get ended(): boolean {
    return this.over;
  }

  /** Folds in accepted events, in order. */
  observe(events: readonly JournaledEvent[]): void {
    if (events.length > 0) this.over = false;
    for (const e of events) {
      if (this.up && this.lastT !== null && e.t - this.lastT > this.timeoutMs()) {
        this.set(false, this.lastT + this.timeoutMs(), 'silence');
      }
      this.lastT = e.t;
      if (e.kind === 'mon_session') this.sessionUp = e.state === 'up';
      if (!this.sessionUp) this.set(false, e.t, 'mon_session down');
      else this.set(true, e.t, 'event');
    }
    this.arm();
  }

  /** The source ended: no more events will come. */
  end(at?: number): void {
    clearTimeout(this.timer);
    this.over = true;
    this.set(false, at ?? this.lastT ?? 0, 'source ended');
    // Also when already down (a session lost before the end): those waiting learn that no monitor will come.
    this.ends.next();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.changes.complete();
    this.ends.complete();
  }

  private timeoutMs(): number {
    return this.opts.timeoutSeconds() * 1000;
  }

  private set(connected: boolean, at: number, reason: LivenessChange['reason']): void {
    if (this.up === connected) return;
    this.up = connected;
    this.changes.next({ connected, at, reason });
  }

  /** With a running clock, notice a silence when it happens rather than at the next event. */
  private arm(): void {
    clearTimeout(this.timer);
    const now = this.opts.now;
    if (now === undefined || !this.up || this.lastT === null) return;
    const deadline = this.lastT + this.timeoutMs();
    const wait = Math.max(0, (deadline - now()) * (this.opts.wallPerStreamMs ?? 1));
    this.timer = setTimeout(() => {
      if (this.up && this.lastT !== null && now() >= this.lastT + this.timeoutMs()) {
        this.set(false, this.lastT + this.timeoutMs(), 'silence');
      } else this.arm();
    }, wait + 1);
    this.timer.unref();
  }
}
