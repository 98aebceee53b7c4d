import type { Cue } from './cue.ts';
import type { NotifyBus } from './emitter.ts';
import { ModuleQueue } from './module-queue.ts';
import type { NotifyType } from './notify-types.ts';

/** What one module takes from the bus, and how its cues reach it. */
export interface ModuleFeed {
  /** The notify types the module subscribes to (its `NOTIFY_TYPES`). */
  readonly types: readonly NotifyType[];
  /** Most cues its queue holds before coalescing starts. */
  readonly capacity?: number;
  /** Delivers one cue to the module; the queue waits for it before the next. */
  readonly deliver: (cue: Cue) => Promise<void> | void;
  /** Told of a cue whose delivery threw. */
  readonly onError: (cue: Cue, error: unknown) => void;
  /** Told of each cue as it enters the queue (before any coalescing). */
  readonly onCue: (cue: Cue) => void;
}

/** A module's place on the bus: its queue, until `close()` takes it off. */
export interface Subscription {
  readonly queue: ModuleQueue;
  /** Stops the cues and discards the ones still queued. */
  close(): void;
}

/**
 * The notify dispatcher: every module has a queue of its own, fed by the bus with the cues of the types it takes.
 * A cue goes bus → queue → module; one slow module delays no other.
 */
export class Dispatcher {
  private readonly bus: NotifyBus;

  constructor(bus: NotifyBus) {
    this.bus = bus;
  }

  /** Gives a module a queue fed with the cues of `feed.types`. */
  subscribe(feed: ModuleFeed): Subscription {
    const queue = new ModuleQueue({
      ...(feed.capacity !== undefined ? { capacity: feed.capacity } : {}),
      deliver: feed.deliver,
      onError: feed.onError,
    });
    let handlers: Array<[NotifyType, (cue: Cue) => void]> = [];
    for (const type of feed.types) {
      const handler = (cue: Cue) => {
        feed.onCue(cue);
        queue.push(cue);
      };
      this.bus.on(type, handler);
      handlers.push([type, handler]);
    }
    return {
      queue,
      close: () => {
        for (const [type, handler] of handlers) this.bus.off(type, handler);
        handlers = [];
        queue.close();
      },
    };
  }
}
