import { appendFileSync } from 'node:fs';
import { MgrModule, Option } from 'mgrkit';

/**
 * What a module following a real cluster sees: each `osd_map` cue with the epoch `get('osd_map')` shows and when
 * it came, and each change of `have_mon_connection()`, appended to the file named by its `file` option as JSON lines.
 */
export class Module extends MgrModule {
  static NOTIFY_TYPES = ['osd_map'] as const;
  static MODULE_OPTIONS = [
    Option({ name: 'file', type: 'str', default: '', desc: 'append what is seen here (JSONL)' }),
  ];

  private running = true;

  private record(entry: Record<string, unknown>): void {
    const file = this.get_module_option<string>('file');
    if (file) appendFileSync(file, `${JSON.stringify({ ...entry, at: Date.now() })}\n`);
  }

  notify(type: string): void {
    if (type !== 'osd_map') return;
    const map = this.get('osd_map');
    if (map === null) return;
    this.record({ kind: 'osd_map', epoch: map.epoch, modified: map.modified });
  }

  async serve(): Promise<void> {
    let connected: boolean | null = null;
    while (this.running) {
      const now = this.have_mon_connection();
      if (now !== connected) {
        connected = now;
        this.record({ kind: 'mon', connected: now });
      }
      // No notify tells a module that the mon session went or came back (in Ceph either): it polls.
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  shutdown(): void {
    this.running = false;
  }
}
