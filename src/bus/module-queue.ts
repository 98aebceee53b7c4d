import type { Cue } from './cue.ts';

export interface ModuleQueueOptions {
  /** Most cues held before coalescing starts. */
  readonly capacity?: number;
  /** Delivers one cue; the queue waits for it before the next. */
  readonly deliver: (cue: Cue) => Promise<void> | void;
  /** Told of a cue whose delivery threw. */
  readonly onError: (cue: Cue, error: unknown) => void;
}

export interface ModuleQueueStats {
  delivered: number;
  coalesced: number;
  dropped: number;
  errors: number;
}

function keyOf(cue: Cue): string {
  return typeof cue.id === 'string' ? `${cue.type}\u0000${cue.id}` : `${cue.type}\u0000#${cue.seq}`;
}

/**
 * One module's notifications: ordered, delivered one at a time, bounded. When the module falls behind and the queue
 * fills, older cues of the same type and id are dropped in favour of the newest (the module will read the newest
 * state anyway); cues that cannot coalesce (each `clog` entry is its own) are dropped oldest first, and counted.
 * A module that never returns from `notify` therefore holds at most `capacity` cues, and delays no one else.
 */
export class ModuleQueue {
  private readonly capacity: number;
  private readonly opts: ModuleQueueOptions;
  private items: Cue[] = [];
  private running = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  readonly stats: ModuleQueueStats = { delivered: 0, coalesced: 0, dropped: 0, errors: 0 };

  constructor(options: ModuleQueueOptions) {
    this.opts = options;
    this.capacity = options.capacity ?? 1024;
  }

  get length(): number {
    return this.items.length;
  }

  push(cue: Cue): void {
    if (this.closed) return;
    this.items.push(cue);
    if (this.items.length > this.capacity) this.shrink();
    if (!this.running) {
      this.running = true;
      queueMicrotask(() => void this.run());
    }
  }

  /** Stops delivering; cues still queued are discarded. */
  close(): void {
    this.closed = true;
    this.items = [];
    this.wakeIdle();
  }

  /** Resolves once every queued cue has been delivered (or the queue closed). */
  idle(): Promise<void> {
    if (this.items.length === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private shrink(): void {
    const newest = new Map<string, number>();
    for (const [i, c] of this.items.entries()) newest.set(keyOf(c), i);
    const before = this.items.length;
    this.items = this.items.filter((c, i) => newest.get(keyOf(c)) === i);
    this.stats.coalesced += before - this.items.length;
    const over = this.items.length - this.capacity;
    if (over > 0) {
      this.items.splice(0, over);
      this.stats.dropped += over;
    }
  }

  private async run(): Promise<void> {
    while (this.items.length > 0 && !this.closed) {
      const cue = this.items.shift()!;
      try {
        await this.opts.deliver(cue);
        this.stats.delivered++;
      } catch (e) {
        this.stats.errors++;
        this.opts.onError(cue, e);
      }
    }
    this.running = false;
    this.wakeIdle();
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }
}
