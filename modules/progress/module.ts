import {
  type CommandDeclaration,
  type CommandDict,
  type CommandTuple,
  MgrModule,
  type NotifyType,
  Option,
} from 'mgrkit';

const ENCODING_VERSION = 2;

/** A progress event another module reported (Ceph's `RemoteEvent`), or the ghost of a finished one. */
interface ProgressEvent {
  readonly id: string;
  message: string;
  readonly refs: unknown[];
  /** Seconds since the epoch, as Ceph's `time.time()`. */
  readonly started_at: number;
  finished_at: number | null;
  progress: number;
  readonly add_to_ceph_s: boolean;
  failed: boolean;
  failure_message: string | null;
}

const now = () => Date.now() / 1000;

/** Ceph's `format_seconds` style: `45s`, `3m`, `2h`. */
function formatSeconds(s: number): string {
  const n = Math.max(0, Math.floor(s));
  if (n < 60) return `${n}s`;
  if (n < 3600) return `${Math.floor(n / 60)}m`;
  return `${Math.floor(n / 3600)}h`;
}

function progressBar(progress: number, width = 30): string {
  const inner = width - 2;
  const done = Math.max(0, Math.min(inner, Math.floor(progress * inner)));
  return `[${'='.repeat(done)}${'.'.repeat(inner - done)}]`;
}

function remaining(ev: ProgressEvent): number | null {
  if (ev.progress <= 0 || ev.finished_at !== null) return null;
  return Math.floor(((now() - ev.started_at) * (1 - ev.progress)) / ev.progress);
}

/** `message (duration)` and, under it, the bar with the time remaining: how `progress` and `status` show an event. */
function twoline(ev: ProgressEvent, indent = 4): string {
  const left = remaining(ev);
  const rest = left ? ` (remaining: ${formatSeconds(left)})` : '';
  const duration = (ev.finished_at ?? now()) - ev.started_at;
  return `${ev.message} (${formatSeconds(duration)})\n${' '.repeat(indent)}${progressBar(ev.progress)}${rest}`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([k, x]) => [k, sortKeys(x)]),
  );
}

/**
 * Ceph's `progress` module: tracks the progress events other modules report (their `update_progress_event`, or
 * `remote('progress', 'update' | 'complete' | 'fail', ...)`), shows them with `progress` / `progress json`, keeps
 * the last `max_completed_events` finished ones (in its store), and puts each live event in `status` as a two-line
 * entry with a bar. Ceph's own PG-recovery events (after an OSD is marked out or in) are not made here.
 */
export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  /** As in Ceph, `progress` runs on every manager and cannot be disabled. */
  static ALWAYS_ON = true;

  static COMMANDS: CommandDeclaration[] = [
    { cmd: 'progress', desc: 'Show progress of recovery operations', perm: 'r' },
    { cmd: 'progress json', desc: 'Show machine readable progress information', perm: 'r' },
    { cmd: 'progress clear', desc: 'Reset progress tracking', perm: 'rw' },
    { cmd: 'progress on', desc: 'Enable progress tracking', perm: 'rw' },
    { cmd: 'progress off', desc: 'Disable progress tracking', perm: 'rw' },
  ];

  static MODULE_OPTIONS = [
    Option({
      name: 'max_completed_events',
      type: 'int',
      default: 50,
      desc: 'number of past completed events to remember',
    }),
    Option({ name: 'enabled', type: 'bool', default: true }),
  ];

  private readonly events = new Map<string, ProgressEvent>();
  private completed: ProgressEvent[] = [];
  private loaded = false;

  async serve(): Promise<void> {
    this.clear_all_progress_events();
    this.load();
    await new Promise<void>((resolve) => {
      if (this.signal.aborted) resolve();
      else this.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  shutdown(): void {
    this.clear_all_progress_events();
  }

  private get enabled(): boolean {
    return this.get_module_option<boolean>('enabled');
  }

  /** For other modules: creates or updates an event (Ceph's `update`). */
  async update(ev_id: string, ev_msg: string, ev_progress: number, refs: unknown[] = [], add_to_ceph_s = false) {
    if (!this.enabled) return;
    this.load();
    let ev = this.events.get(ev_id);
    if (ev === undefined) {
      ev = {
        id: ev_id,
        message: ev_msg,
        refs,
        started_at: now(),
        finished_at: null,
        progress: 0,
        add_to_ceph_s,
        failed: false,
        failure_message: null,
      };
      this.events.set(ev_id, ev);
      this.log.info(`update: starting ev ${ev_id} (${ev_msg})`);
    } else {
      this.log.debug(`update: ${ev_progress} on ${ev_msg}`);
    }
    ev.progress = Math.max(0, Math.min(1, ev_progress));
    ev.message = ev_msg;
    await this.refresh(ev);
  }

  /** For other modules: completes an event (Ceph's `complete`). */
  async complete(ev_id: string): Promise<void> {
    if (!this.enabled) return;
    const ev = this.events.get(ev_id);
    if (ev === undefined) {
      this.log.warning(`complete: ev ${ev_id} does not exist`);
      return;
    }
    ev.progress = 1;
    this.log.info(`complete: finished ev ${ev_id} (${ev.message})`);
    await this.finish(ev);
  }

  /** For other modules: ends an event as failed, with why (Ceph's `fail`). */
  async fail(ev_id: string, message: string): Promise<void> {
    const ev = this.events.get(ev_id);
    if (ev === undefined) {
      this.log.warning(`fail: ev ${ev_id} does not exist`);
      return;
    }
    ev.progress = 1;
    ev.failed = true;
    ev.failure_message = message;
    this.log.info(`fail: finished ev ${ev_id} (${ev.message}): ${message}`);
    await this.finish(ev);
  }

  private refresh(ev: ProgressEvent): Promise<void> {
    return this.update_progress_event(ev.id, twoline(ev, 6), ev.progress, ev.add_to_ceph_s);
  }

  private async finish(ev: ProgressEvent): Promise<void> {
    await this.complete_progress_event(ev.id);
    ev.finished_at = now();
    this.events.delete(ev.id);
    this.completed.push(ev);
    const max = this.get_module_option<number>('max_completed_events');
    if (this.completed.length > max) this.completed = this.completed.slice(this.completed.length - max);
    await this.save();
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const stored = this.get_store('completed');
    if (stored === null) return;
    try {
      const decoded = JSON.parse(stored) as { compat_version: number; events: ProgressEvent[] };
      if (decoded.compat_version > ENCODING_VERSION) throw new Error(`Cannot decode version ${decoded.compat_version}`);
      this.completed = decoded.events.map((e) => ({ ...e, progress: 1 }));
    } catch (e) {
      this.log.exception(e, 'stored progress events not loaded');
    }
  }

  private save(): Promise<void> {
    const events = this.completed.map((ev) => this.ghostJson(ev));
    return this.set_store(
      'completed',
      JSON.stringify({ events, version: ENCODING_VERSION, compat_version: ENCODING_VERSION }),
    );
  }

  private eventJson(ev: ProgressEvent): Record<string, unknown> {
    return {
      id: ev.id,
      message: ev.message,
      duration: formatSeconds(now() - ev.started_at),
      refs: ev.refs,
      progress: ev.progress,
      started_at: ev.started_at,
      time_remaining: remaining(ev),
    };
  }

  private ghostJson(ev: ProgressEvent): Record<string, unknown> {
    // `add_to_ceph_s:` with its colon is the key Ceph's GhostEvent writes.
    const d: Record<string, unknown> = {
      id: ev.id,
      message: ev.message,
      refs: ev.refs,
      started_at: ev.started_at,
      finished_at: ev.finished_at,
      'add_to_ceph_s:': ev.add_to_ceph_s,
    };
    if (ev.failed) {
      d.failed = true;
      d.failure_message = ev.failure_message;
    }
    return d;
  }

  /** `progress json`'s object: the live events and the completed ones. */
  json(): { events: Record<string, unknown>[]; completed: Record<string, unknown>[] } {
    this.load();
    return {
      events: [...this.events.values()].map((ev) => this.eventJson(ev)),
      completed: this.completed.map((ev) => this.ghostJson(ev)),
    };
  }

  /** `progress`'s text: live events newest first, then the finished ones. */
  ls(): CommandTuple {
    this.load();
    if (this.events.size === 0 && this.completed.length === 0) return [0, '', 'Nothing in progress'];
    let out = '';
    for (const ev of [...this.events.values()].sort((a, b) => b.started_at - a.started_at)) out += `${twoline(ev)}\n`;
    if (this.completed.length > 0) {
      out += '\n';
      for (const ev of this.completed) out += `[${ev.failed ? 'Failed' : 'Complete'}]: ${twoline(ev)}\n`;
    }
    return [0, out, ''];
  }

  /** Forgets every event, live and finished (`progress clear`). */
  async clear(): Promise<void> {
    this.events.clear();
    this.completed = [];
    this.clear_all_progress_events();
    await this.save();
  }

  async handle_command(_inbuf: string, cmd: CommandDict): Promise<CommandTuple> {
    switch (cmd.prefix) {
      case 'progress':
        return this.ls();
      case 'progress json':
        return [0, JSON.stringify(sortKeys(this.json()), null, 4), ''];
      case 'progress clear':
        await this.clear();
        return [0, '', ''];
      case 'progress on':
        if (this.enabled) return [0, '', 'progress already enabled!'];
        await this.set_module_option('enabled', true);
        return [0, '', 'progress enabled'];
      case 'progress off':
        if (!this.enabled) return [0, '', 'progress already disabled!'];
        await this.set_module_option('enabled', false);
        await this.clear();
        return [0, '', 'progress disabled'];
      default:
        return [-22, '', `unknown command ${String(cmd.prefix)}`];
    }
  }
}
