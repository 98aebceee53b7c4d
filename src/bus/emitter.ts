import type { Emitter, EventType } from 'mitt';
import * as mittModule from 'mitt';
import type { Cue } from './cue.ts';
import type { NotifyType } from './notify-types.ts';

// mitt's typings are read as CommonJS under NodeNext while Node loads its ESM build, whose default export is the
// factory; this is the one place that bridges the two.
const mitt = (mittModule as unknown as { default: <E extends Record<EventType, unknown>>() => Emitter<E> }).default;

/** The notify bus: one channel per notify type, each carrying the cue. */
export type NotifyBus = Emitter<Record<NotifyType, Cue>>;

export function createNotifyBus(): NotifyBus {
  return mitt<Record<NotifyType, Cue>>();
}
