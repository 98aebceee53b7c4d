import { CEPH_PERF_SCHEMA, type PerfSchema } from 'mgrkit/schemas';
import type { ClusterReader } from './reader.ts';

type CounterTable = Readonly<Record<string, Readonly<Record<string, unknown>>>>;
type AllCounters = Readonly<Record<string, CounterTable>>;

/** The daemons' names and counter tables, as `recordEntries` gives them. */
export interface CounterEntries {
  readonly keys: readonly string[];
  readonly values: readonly CounterTable[];
}

/**
 * Ceph's known schema for the counters a daemon reports without one (a recording made before the recorder kept
 * schemas): `get_all_perf_counters()` lists only counters with a schema entry, so for a daemon that sent no schema,
 * each well-known counter of {@link CEPH_PERF_SCHEMA} of priority 5 and up it carries is read (its latest sample)
 * and given with Ceph's description, type and units. A daemon that sent a schema keeps its table as it is: its
 * schema says which counters it has and at what priority, as in Ceph (and a schema-less daemon costs lookups of
 * every known counter, which daemons with a schema, the usual case at thousands of OSDs, are spared).
 */
export class KnownSchemaFallback {
  /** By counter table (one per daemon state): the table with the fallback entries added. */
  private readonly merged = new WeakMap<object, CounterTable>();
  /** By daemon schema object: the well-known paths it lacks. */
  private readonly missing = new WeakMap<object, readonly string[]>();
  private readonly byAll = new WeakMap<object, CounterEntries>();

  /** `all`'s daemons and tables, each table with what Ceph's schema supplies; the same lists while `all` is the same. */
  entries(r: ClusterReader, all: AllCounters, entries: CounterEntries): CounterEntries {
    let out = this.byAll.get(all);
    if (out === undefined) {
      let changed = false;
      const values = entries.values.map((table, i) => {
        const t = this.tableOf(r, entries.keys[i]!, table);
        if (t !== table) changed = true;
        return t;
      });
      out = changed ? { keys: entries.keys, values } : entries;
      this.byAll.set(all, out);
    }
    return out;
  }

  private tableOf(r: ClusterReader, daemon: string, table: CounterTable): CounterTable {
    const held = this.merged.get(table);
    if (held !== undefined) return held;
    const dot = daemon.indexOf('.');
    const type = daemon.slice(0, dot);
    const known = CEPH_PERF_SCHEMA[type];
    let out = table;
    if (known !== undefined) {
      const id = daemon.slice(dot + 1);
      const own = r.get_perf_schema(type, id)[daemon] ?? {};
      const added: Record<string, Readonly<Record<string, unknown>>> = {};
      let any = false;
      for (const path of this.missingOf(own, known)) {
        const sample = r.get_latest_counter(type, id, path)[path];
        if (sample === undefined || sample.length < 2) continue;
        const entry: Record<string, unknown> = { ...known[path]!, value: sample[1] };
        if (sample.length === 3) entry.count = sample[2];
        added[path] = Object.freeze(entry);
        any = true;
      }
      if (any) out = Object.freeze({ ...table, ...added });
    }
    this.merged.set(table, out);
    return out;
  }

  private missingOf(own: object, known: Readonly<PerfSchema>): readonly string[] {
    let m = this.missing.get(own);
    if (m === undefined) {
      m =
        Object.keys(own).length > 0
          ? []
          : Object.entries(known)
              .filter(([, s]) => s.priority >= 5)
              .map(([path]) => path);
      this.missing.set(own, m);
    }
    return m;
  }
}
