/** One health check the exporter has seen, as Ceph's `HealthCheckEvent` keeps it (times in seconds). */
export interface HealthCheckEvent {
  name: string;
  severity: string;
  first_seen: number;
  last_seen: number;
  count: number;
  active: boolean;
}

/** Where the history is kept between runs, as Ceph keeps it: the module's KV store. */
export interface HistoryStore {
  get_store(key: string): string | null;
  set_store(key: string, value: string | null): Promise<void>;
}

const KV_NAME = 'health_history';
const TITLES = (c: { n: string; f: string; l: string; c: string; a: string }) =>
  `${c.n.padEnd(24)}  ${c.f.padEnd(20)}  ${c.l.padEnd(20)}  ${c.c.padStart(5)}  ${centre(c.a, 6)}`;

function centre(s: string, width: number): string {
  const pad = Math.max(0, width - s.length);
  const left = Math.floor(pad / 2);
  return ' '.repeat(left) + s + ' '.repeat(pad - left);
}

function stamp(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Every health check seen since the history was last cleared, active or not: what `ceph_health_detail` exports
 * (1 while the check is raised, 0 after it cleared), so an alert can tell "cleared" from "never seen". Kept in the
 * module's store under `health_history`, as Ceph's exporter keeps it.
 */
export class HealthHistory {
  private checks = new Map<string, HealthCheckEvent>();
  private loaded = false;
  /** Bumped on every change: the health families are rebuilt when it moves. */
  version = 0;

  constructor(
    private readonly store: HistoryStore,
    private readonly onError: (e: unknown) => void,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {}

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const data = this.store.get_store(KV_NAME);
    if (!data) return;
    try {
      const parsed = JSON.parse(data) as Record<string, Partial<HealthCheckEvent>>;
      for (const [name, v] of Object.entries(parsed)) {
        this.checks.set(name, {
          name,
          severity: String(v.severity ?? ''),
          first_seen: v.first_seen ?? 0,
          last_seen: v.last_seen ?? 0,
          count: v.count ?? 1,
          active: v.active ?? true,
        });
      }
    } catch (e) {
      this.onError(e);
      this.checks.clear();
    }
    this.version++;
  }

  /** Compares the current checks (`{CODE: {severity}}`) with the history, and saves it when anything changed. */
  check(current: Readonly<Record<string, { severity?: string }>>): void {
    this.load();
    let changed = false;
    for (const c of this.checks.values()) {
      if (c.active && !(c.name in current)) {
        c.active = false;
        changed = true;
      }
    }
    const now = this.now();
    for (const [name, info] of Object.entries(current)) {
      const seen = this.checks.get(name);
      if (seen === undefined) {
        this.checks.set(name, {
          name,
          severity: String(info.severity ?? ''),
          first_seen: now,
          last_seen: now,
          count: 1,
          active: true,
        });
        changed = true;
      } else if (!seen.active) {
        seen.last_seen = now;
        seen.count++;
        seen.active = true;
        changed = true;
      }
    }
    if (changed) this.save();
  }

  /** Forgets every check (`healthcheck history clear`). */
  reset(): void {
    this.loaded = true;
    this.checks.clear();
    this.save();
  }

  entries(): IterableIterator<HealthCheckEvent> {
    this.load();
    return this.checks.values();
  }

  asDict(): Record<string, HealthCheckEvent> {
    this.load();
    return Object.fromEntries([...this.checks].map(([k, v]) => [k, { ...v }]));
  }

  /** The plain listing of `healthcheck history ls`, laid out as Ceph's. */
  toString(): string {
    this.load();
    if (this.checks.size === 0) return 'No healthchecks have been recorded';
    const out = [
      TITLES({ n: 'Healthcheck Name', f: 'First Seen (UTC)', l: 'Last seen (UTC)', c: 'Count', a: 'Active' }),
    ];
    for (const name of [...this.checks.keys()].sort()) {
      const c = this.checks.get(name)!;
      out.push(
        TITLES({
          n: c.name,
          f: stamp(c.first_seen),
          l: stamp(c.last_seen),
          c: String(c.count),
          a: c.active ? 'Yes' : 'No',
        }),
      );
    }
    out.push(`${this.checks.size} health check(s) listed`, '');
    return out.join('\n');
  }

  private save(): void {
    this.version++;
    this.store.set_store(KV_NAME, JSON.stringify(this.asDict())).catch(this.onError);
  }
}
