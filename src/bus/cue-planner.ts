import type { JournaledEvent } from '../../schemas/event.ts';
import type { Cue } from './cue.ts';
import type { NotifyType } from './notify-types.ts';

const MAP_CUES: Partial<Record<JournaledEvent['kind'], NotifyType>> = {
  mon_map: 'mon_map',
  osd_map: 'osd_map',
  fs_map: 'fs_map',
  mgr_map: 'mgr_map',
  service_map: 'service_map',
  health: 'health',
};

/**
 * Turns accepted events into cues, in event order: one per map received (as Ceph notifies each map it gets), one
 * per cluster log entry, a `perf_schema_update` when a daemon brings a perf schema, and one `pg_summary` per stats
 * period: a run of `pg_stats` reports from the same instant of the stream. A run can straddle two batches, so the
 * cue of a run that ends a batch is held until the next event (or `flush`) shows the run is over. The cues are
 * therefore the same however the events were batched.
 */
export class CuePlanner {
  private pendingStats: { seq: number; t: number } | null = null;

  /** The cues for a batch of accepted events. */
  plan(events: readonly JournaledEvent[]): Cue[] {
    const cues: Cue[] = [];
    for (const e of events) {
      if (e.kind === 'pg_stats') {
        if (this.pendingStats !== null && this.pendingStats.t !== e.t) this.closeStats(cues);
        this.pendingStats = { seq: e.seq, t: e.t };
        continue;
      }
      this.closeStats(cues);
      const mapCue = MAP_CUES[e.kind];
      if (mapCue !== undefined) cues.push({ type: mapCue, id: '', seq: e.seq });
      else if (e.kind === 'clog') cues.push({ type: 'clog', id: e.entry, seq: e.seq });
      else if (e.kind === 'daemon_open' && e.perf_schema !== undefined) {
        cues.push({ type: 'perf_schema_update', id: '', seq: e.seq });
      }
    }
    return cues;
  }

  /** The held `pg_summary` cue, if any: the stream ended or went quiet, so its stats period is over. */
  flush(): Cue[] {
    const cues: Cue[] = [];
    this.closeStats(cues);
    return cues;
  }

  private closeStats(into: Cue[]): void {
    if (this.pendingStats === null) return;
    into.push({ type: 'pg_summary', id: '', seq: this.pendingStats.seq });
    this.pendingStats = null;
  }
}
