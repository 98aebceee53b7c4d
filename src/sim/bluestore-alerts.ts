import type { HealthCheck } from '../../schemas/maps/health.ts';

/** BlueStore's `min_alloc_size` (4 KiB in Pacific, HDD and SSD). */
const MIN_ALLOC_SIZE = 4096;

/** How the monitors sum up each alert type (`PGMap::get_health_checks`, `OBJECT_STORE_WARN`). */
const SUMMARIES: Readonly<Record<string, string>> = {
  BLUESTORE_DISK_SIZE_MISMATCH: ' have dangerous mismatch between BlueStore block device and free list sizes',
  BLUESTORE_SPURIOUS_READ_ERRORS: ' have spurious read errors',
};

interface Store {
  /** The block device's size now, and the free list's (set when the OSD was created). */
  bdevBytes: number;
  readonly fmBytes: number;
  /** `bluestore_reads_with_retries` since the daemon started. */
  retries: number;
  /** Reads needing a retry per minute while the device misbehaves, and since when at this rate. */
  perMinute: number;
  rateSince: number;
  retriesAtRate: number;
  spurious: string;
  mismatch: string;
}

/**
 * What each OSD's BlueStore finds wrong with its device and reports in its `osd_stat`'s alerts (`BlueStore::
 * _log_alerts`), and the checks the monitors make of them. A device that returns bad pages now and then has reads
 * retried: BlueStore counts them (`bluestore_reads_with_retries`, a counter of debug priority the manager is not
 * sent) and raises `BLUESTORE_SPURIOUS_READ_ERRORS` (" reads with retries: N") until the daemon restarts, unless
 * `bluestore_warn_on_spurious_read_errors` is off for it. At mount, a free list larger than the block device by an
 * allocation unit or more (the device shrank under it) raises `BLUESTORE_DISK_SIZE_MISMATCH` until a mount finds
 * them matching again.
 */
export class BlueStoreAlerts {
  private readonly stores = new Map<number, Store>();
  /** The alerts each OSD reported last, as the monitors keep them (type → message). */
  private readonly reported = new Map<number, Map<string, string>>();

  constructor(private readonly deviceBytes: (o: number) => number) {}

  private store(o: number): Store {
    let s = this.stores.get(o);
    if (s === undefined) {
      const bytes = this.deviceBytes(o);
      s = {
        bdevBytes: bytes,
        fmBytes: bytes,
        retries: 0,
        perMinute: 0,
        rateSince: 0,
        retriesAtRate: 0,
        spurious: '',
        mismatch: '',
      };
      this.stores.set(o, s);
    }
    return s;
  }

  private advance(s: Store, t: number): void {
    if (s.perMinute <= 0) return;
    const n = s.retriesAtRate + Math.floor((s.perMinute * Math.max(0, t - s.rateSince)) / 60_000);
    if (n === s.retries) return;
    s.retries = n;
    s.spurious = ` reads with retries: ${n}`;
  }

  /** From `now` on, `perMinute` of OSD `o`'s reads need a retry to pass their checksum (0: the device behaves again). */
  setReadRetries(o: number, perMinute: number, now: number): void {
    const s = this.store(o);
    this.advance(s, now);
    s.perMinute = perMinute;
    s.rateSince = now;
    s.retriesAtRate = s.retries;
  }

  /** OSD `o`'s block device is now `bytes` long (an LV reduced or extended): its next mount sees it. */
  setDeviceBytes(o: number, bytes: number): void {
    this.store(o).bdevBytes = bytes;
  }

  /** OSD `o`'s block device size as the daemon would see it now, and its free list's. */
  sizes(o: number): { readonly bdev: number; readonly freelist: number } {
    const s = this.store(o);
    return { bdev: s.bdevBytes, freelist: s.fmBytes };
  }

  /** OSD `o` mounted its store at `now`: counters start over, and the free list is checked against the device. */
  mounted(o: number, now: number): void {
    if (!this.stores.has(o)) return;
    const s = this.store(o);
    s.retries = 0;
    s.spurious = '';
    s.rateSince = now;
    s.retriesAtRate = 0;
    s.mismatch =
      s.fmBytes >= s.bdevBytes + MIN_ALLOC_SIZE
        ? `slow device size mismatch detected,  fm size(${s.fmBytes}) > slow device size(${s.bdevBytes}), Please ` +
          'stop using this OSD as it might cause data loss.'
        : '';
  }

  /** OSD `o` is out: the monitors zero its stats, alerts included. */
  forget(o: number): void {
    this.reported.delete(o);
  }

  /**
   * OSD `o`'s alerts as its `osd_stat` carries them at `t` (`" osd: 3 BLUESTORE_SPURIOUS_READ_ERRORS: reads with
   * retries: 2"`), sorted by type; `warnSpurious` is its `bluestore_warn_on_spurious_read_errors`.
   */
  report(o: number, t: number, warnSpurious: boolean): string[] {
    const s = this.stores.get(o);
    const alerts = new Map<string, string>();
    if (s !== undefined) {
      this.advance(s, t);
      if (s.mismatch !== '') alerts.set('BLUESTORE_DISK_SIZE_MISMATCH', s.mismatch);
      if (s.spurious !== '' && warnSpurious) alerts.set('BLUESTORE_SPURIOUS_READ_ERRORS', s.spurious);
    }
    if (alerts.size === 0) this.reported.delete(o);
    else this.reported.set(o, alerts);
    return [...alerts].map(([type, message]) => ` osd: ${o} ${type}:${message}`);
  }

  /** The monitors' checks of the alerts the OSDs reported last: one per type, `N OSD(s) ...`, a line per OSD. */
  checks(): Record<string, HealthCheck> {
    const byType = new Map<string, string[]>();
    for (const [o, alerts] of [...this.reported].sort((a, b) => a[0] - b[0])) {
      for (const [type, message] of alerts) byType.set(type, [...(byType.get(type) ?? []), ` osd.${o} ${message}`]);
    }
    const out: Record<string, HealthCheck> = {};
    for (const [type, lines] of [...byType].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      out[type] = {
        severity: 'HEALTH_WARN',
        summary: { message: `${lines.length} OSD(s)${SUMMARIES[type] ?? ''}`, count: lines.length },
        detail: lines.map((message) => ({ message })),
        muted: false,
      };
    }
    return out;
  }
}
