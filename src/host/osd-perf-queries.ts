import { type OsdPerfMetricQuery, OsdPerfMetricQuerySchema, osdPerfQueryKey } from '../../schemas/daemon/index.ts';
import type { OsdPerfCounters, OsdPerfCountersEntry, OsdPerfQueryService } from '../module/osd-perf-queries.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { tableValues } from '../state/keyed-table.ts';

type Totals = Map<string, (readonly [number, number])[]>;

/** Every OSD's totals for a query, summed: sub-keys' JSON -> `[value, count]` per counter. */
function totalsOf(state: ClusterState, queryKey: string): Totals {
  const out: Totals = new Map();
  for (const d of tableValues(state.daemons)) {
    const keys = d.type === 'osd' ? d.osdPerfTotals?.[queryKey] : undefined;
    if (keys === undefined) continue;
    for (const [key, c] of Object.entries(keys)) {
      const held = out.get(key);
      out.set(key, held === undefined ? [...c] : c.map(([v, n], i) => [v + held[i]![0], n + held[i]![1]] as const));
    }
  }
  return out;
}

interface Registered {
  readonly query: OsdPerfMetricQuery;
  readonly key: string;
  /** The totals at the last `counters` call (or at registration): what was already given. */
  given: Totals;
}

/**
 * The manager's OSD perf queries, as Ceph's `DaemonServer` keeps them: ids from 0 up, every registration or removal
 * sent to the OSDs (through the cluster's `osdPerfQueries`, when it takes them); `counters` gives what the OSDs'
 * reports added since the last call, as Ceph's collector hands its counts over and starts again.
 */
export class OsdPerfQueries implements OsdPerfQueryService {
  private readonly registered = new Map<number, Registered>();
  private nextId = 0;

  constructor(
    private readonly state: () => ClusterState,
    private readonly send: (queries: readonly OsdPerfMetricQuery[]) => void,
  ) {}

  add(query: unknown): number | null {
    const parsed = OsdPerfMetricQuerySchema.safeParse(query);
    if (!parsed.success) return null;
    for (const d of parsed.data.key_descriptor) {
      try {
        new RegExp(d.regex);
      } catch {
        return null;
      }
    }
    const id = this.nextId++;
    const key = osdPerfQueryKey(parsed.data);
    this.registered.set(id, { query: parsed.data, key, given: totalsOf(this.state(), key) });
    this.sendAll();
    return id;
  }

  remove(queryId: number): boolean {
    if (!this.registered.delete(queryId)) return false;
    this.sendAll();
    return true;
  }

  counters(queryId: number): OsdPerfCounters | null {
    const r = this.registered.get(queryId);
    if (r === undefined) return null;
    const now = totalsOf(this.state(), r.key);
    const counters: OsdPerfCountersEntry[] = [];
    for (const [key, c] of now) {
      const before = r.given.get(key);
      const delta = c.map(([v, n], i) => {
        const [bv, bn] = before?.[i] ?? [0, 0];
        // An OSD that went away takes its totals with it: count from what is left.
        return (v < bv || n < bn ? [v, n] : [v - bv, n - bn]) as readonly [number, number];
      });
      if (delta.some(([v, n]) => v !== 0 || n !== 0)) counters.push({ k: JSON.parse(key) as string[][], c: delta });
    }
    r.given = now;
    return { counters };
  }

  queries(): ReadonlyMap<number, OsdPerfMetricQuery> {
    return new Map([...this.registered].map(([id, r]) => [id, r.query]));
  }

  private sendAll(): void {
    const seen = new Map<string, OsdPerfMetricQuery>();
    for (const r of this.registered.values()) if (!seen.has(r.key)) seen.set(r.key, r.query);
    this.send([...seen.values()]);
  }
}
