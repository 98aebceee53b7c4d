/** One progress event as the manager reports it to the monitors: `ceph status`'s `progress_events` entries. */
export interface ProgressEvent {
  readonly message: string;
  readonly progress: number;
  readonly add_to_ceph_s: boolean;
}

/**
 * The manager's progress events (Ceph's `ActivePyModules::progress_events`): what modules set with
 * `update_progress_event`, shown by `status` (`progress_events` in JSON, the `progress:` section in text) until
 * completed or cleared.
 */
export class ProgressEvents {
  private readonly events = new Map<string, ProgressEvent>();
  private view: Readonly<Record<string, ProgressEvent>> | null = null;

  update(evid: string, message: string, progress: number, addToCephS: boolean): void {
    this.events.set(evid, Object.freeze({ message, progress, add_to_ceph_s: addToCephS }));
    this.view = null;
  }

  complete(evid: string): void {
    if (this.events.delete(evid)) this.view = null;
  }

  clear(): void {
    this.events.clear();
    this.view = null;
  }

  /** The events by id, in the order Ceph's map keeps them (sorted by id); one frozen object until the next change. */
  all(): Readonly<Record<string, ProgressEvent>> {
    this.view ??= Object.freeze(Object.fromEntries([...this.events].sort((a, b) => (a[0] < b[0] ? -1 : 1))));
    return this.view;
  }
}
