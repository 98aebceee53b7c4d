import { appendFileSync } from 'node:fs';
import { MgrModule, NOTIFY_TYPES, type NotifyId, type NotifyType, Option } from 'mgrkit';

/** One notification as notifylog saw it. */
export interface LoggedCue {
  /** Position among the cues this module received, from 1. */
  n: number;
  type: NotifyType;
  /** `""`, or for `clog` the entry's `seq` and message. */
  id: string | { seq: number; channel: string; message: string };
  /** The epoch of the map `get(type)` returned inside `notify`, where the type names an epoch'd map. */
  epoch?: number;
}

const MAP_OF: Partial<Record<NotifyType, 'osd_map' | 'mon_map' | 'fs_map' | 'mgr_map' | 'service_map'>> = {
  osd_map: 'osd_map',
  mon_map: 'mon_map',
  fs_map: 'fs_map',
  mgr_map: 'mgr_map',
  service_map: 'service_map',
};

/**
 * Records every notification it gets, in order: for tests, and for people watching what a replay delivers. With
 * the `file` option set, each cue is also appended to that file as a JSON line.
 */
export class Module extends MgrModule {
  static NOTIFY_TYPES = NOTIFY_TYPES;
  static MODULE_OPTIONS = [
    Option({ name: 'file', type: 'str', default: '', desc: 'append each cue to this file (JSONL)' }),
  ];

  private readonly seen: LoggedCue[] = [];

  notify(type: NotifyType, id: NotifyId): void {
    const entry: LoggedCue = {
      n: this.seen.length + 1,
      type,
      id: typeof id === 'string' ? id : { seq: id.seq, channel: id.channel, message: id.message },
    };
    const map = MAP_OF[type];
    if (map !== undefined) {
      const epoch = (this.get(map) as { epoch?: number } | null)?.epoch;
      if (epoch !== undefined) entry.epoch = epoch;
    }
    this.seen.push(entry);
    this.log.debug(entry, 'notify');
    const file = this.get_module_option<string>('file');
    if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
  }

  /** Every cue received so far (through `remote('notifylog', 'cues')`, a copy). */
  cues(): LoggedCue[] {
    return this.seen;
  }

  /** How many cues of each type. */
  counts(): Partial<Record<NotifyType, number>> {
    const out: Partial<Record<NotifyType, number>> = {};
    for (const c of this.seen) out[c.type] = (out[c.type] ?? 0) + 1;
    return out;
  }
}
