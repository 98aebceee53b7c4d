import { closest, MgrError } from '../errors.ts';
import type { HealthChecks } from '../health/health-checks.ts';
import { mergeHealth } from '../health/merged-health.ts';
import { typedCephValue } from '../options/ceph-option-value.ts';
import { CEPH_OPTIONS } from '../options/ceph-options.ts';
import type { ClusterState, CounterSample, DaemonState } from '../state/cluster-state.ts';
import { own } from '../state/data-key.ts';
import { tableGet } from '../state/keyed-table.ts';
import { ringItems, ringLast } from '../state/ring.ts';
import { cephJsonText, HEALTH_ORDER } from '../state/views/ceph-json.ts';
import { ChunkDerived } from '../state/views/chunk-derived.ts';
import { configView } from '../state/views/config-views.ts';
import { GET_NAMES, type GetName, type GetResult, isGetName, type JsonText, VIEWS } from '../state/views/index.ts';
import { type Server, serversView } from '../state/views/servers.ts';
import { type TableKeys, tableKeys } from '../state/views/table-keys.ts';
import { OSDMap } from './osdmap.ts';
import { keepEntries } from './record-entries.ts';

/** The default of Ceph's `mon_connection_timeout`-like liveness window, in seconds of stream time. */
export const DEFAULT_MON_CONNECTION_TIMEOUT = 30;

export interface AccessorOptions {
  /** The stream clock now, in ms; defaults to the snapshot's own stamp (the time of its last event). */
  readonly now?: () => number;
  /** False once a finite source has ended: the connection is then gone, whatever the state says. */
  readonly sourceAlive?: () => boolean;
  readonly monConnectionTimeout?: () => number;
  /** Checks raised inside the manager: `get('health')` merges them into the monitors' health, as Ceph's does. */
  readonly mgrHealth?: HealthChecks;
}

/**
 * The read half of the module API, over whatever snapshot `current()` returns. Every method reads the current
 * frozen snapshot as it is: no copy, no decoding, no store access.
 */
export class Accessors {
  private readonly current: () => ClusterState;
  private readonly opts: AccessorOptions;

  constructor(current: () => ClusterState, options: AccessorOptions = {}) {
    this.current = current;
    this.opts = options;
  }

  /** Cluster data by name, as ceph-mgr's `get()` returns it; an unknown name throws, listing the valid ones. */
  get<N extends GetName>(name: N): GetResult<N> {
    if (!isGetName(name)) {
      const near = closest(name, GET_NAMES);
      const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
      throw new MgrError(
        'MGR_ERR_GET_UNKNOWN_NAME',
        `unknown data name "${name}"${hint}; valid names: ${GET_NAMES.join(', ')}`,
      );
    }
    if (name === 'health' && this.opts.mgrHealth && Object.keys(this.opts.mgrHealth.all()).length > 0) {
      return this.mergedHealth() as GetResult<N>;
    }
    return VIEWS[name](this.current()) as GetResult<N>;
  }

  private merged: { map: unknown; version: number; value: JsonText } | undefined;

  /** The health text with the manager's own checks merged in, rebuilt only when either side changed. */
  private mergedHealth(): JsonText {
    const map = this.current().maps.health?.map;
    const checks = this.opts.mgrHealth!;
    if (this.merged === undefined || this.merged.map !== map || this.merged.version !== checks.version) {
      const value = Object.freeze({ json: cephJsonText(mergeHealth(map, checks.all()), HEALTH_ORDER) });
      this.merged = { map, version: checks.version, value };
    }
    return this.merged.value;
  }

  /**
   * The manager's value of one of Ceph's own options, typed as ceph-mgr's `get_ceph_option` gives it: a number for
   * int, uint, size, secs and float options, a bool for bool ones, text otherwise; the value is what
   * `get('config')` shows. An unknown name throws `MGR_ERR_CONFIG_UNKNOWN_OPTION` (ENOENT; Ceph raises KeyError).
   */
  get_ceph_option(name: string): string | number | boolean {
    const option = CEPH_OPTIONS.get(name);
    if (option === undefined) {
      const near = closest(name, [...CEPH_OPTIONS.keys()]);
      const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
      throw new MgrError('MGR_ERR_CONFIG_UNKNOWN_OPTION', `option not found: ${name}${hint}`);
    }
    return typedCephValue(option, configView(this.current())[name]!);
  }

  /** A daemon's metadata (strings), or `defaultValue` when the manager has none for it. */
  get_metadata<D = null>(svcType: string, svcId: string, defaultValue?: D): Readonly<Record<string, string>> | D {
    const d = tableGet(this.current().daemons, `${svcType}.${svcId}`);
    if (d === undefined || Object.keys(d.metadata).length === 0) return (defaultValue ?? null) as D;
    return d.metadata;
  }

  /** A daemon's status strings (often empty), or null when the daemon is unknown. */
  get_daemon_status(svcType: string, svcId: string): Readonly<Record<string, string>> | null {
    return tableGet(this.current().daemons, `${svcType}.${svcId}`)?.status ?? null;
  }

  /**
   * What each daemon last reported of its health, by daemon name: `{"osd.0": [{value, type}], ...}` (an empty list
   * for a daemon that reported none), as Ceph's `get_daemon_health_metrics`.
   */
  get_daemon_health_metrics(): Record<string, readonly { readonly value: number; readonly type: string }[]> {
    const daemons = this.current().daemons;
    let v = this.healthMetricsMemo.get(daemons);
    if (v === undefined) {
      const keys = tableKeys(daemons);
      const chunks = HEALTH_METRICS.chunks(daemons);
      const values = new Array<HealthMetricList>(keys.inOrder.length);
      for (let i = 0; i < keys.inOrder.length; i++) {
        const name = keys.inOrder[i]!;
        values[i] = chunks[keys.inOrderChunks[i]!]!.get(name)!.derived;
      }
      // The same daemons with the same lists as the record built last: that record (one of 10,000 keys is slow to build).
      const last = this.lastHealthRecord;
      if (last !== undefined && last.keys === keys && values.every((l, i) => l === last.values[i])) {
        v = last.record;
      } else {
        const record: Record<string, HealthMetricList> = {};
        for (let i = 0; i < keys.inOrder.length; i++) record[keys.inOrder[i]!] = values[i]!;
        v = Object.freeze(record);
        keepEntries(v, keys.inOrder, values);
        this.lastHealthRecord = { keys, values, record: v };
      }
      this.healthMetricsMemo.set(daemons, v);
    }
    return v;
  }

  /**
   * A read-only handle on the current OSD map with Ceph's `OSDMap` methods (`get_pools_by_name`, `get_crush`, ...);
   * throws `MgrError` ENOENT before the first OSD map.
   */
  get_osdmap(): OSDMap {
    const state = this.current();
    let v = this.osdMapMemo.get(state);
    if (v === undefined) {
      if (state.maps.osd_map === undefined) {
        throw new MgrError('MGR_ERR_NO_OSD_MAP', 'no OSD map has been received yet');
      }
      v = new OSDMap(state);
      this.osdMapMemo.set(state, v);
    }
    return v;
  }

  private readonly osdMapMemo = new WeakMap<ClusterState, OSDMap>();

  private lastHealthRecord:
    | { keys: TableKeys; values: readonly HealthMetricList[]; record: Record<string, HealthMetricList> }
    | undefined;

  private readonly healthMetricsMemo = new WeakMap<
    object,
    Record<string, readonly { value: number; type: string }[]>
  >();

  /** The recent samples of one counter: `{path: [[t, v], ...]}`, or `[[t, sum, count], ...]` for averages. */
  get_counter(svcType: string, svcId: string, path: string): Record<string, readonly CounterSample[]> {
    const d = tableGet(this.current().daemons, `${svcType}.${svcId}`);
    const ring = d === undefined ? undefined : own(d.counters, path);
    return { [path]: ring === undefined ? [] : ringItems(ring) };
  }

  /** The newest sample of one counter: `{path: [t, v]}` (or `[t, sum, count]`), or `{path: []}`. */
  get_latest_counter(svcType: string, svcId: string, path: string): Record<string, CounterSample | readonly []> {
    const d = tableGet(this.current().daemons, `${svcType}.${svcId}`);
    const ring = d === undefined ? undefined : own(d.counters, path);
    return { [path]: (ring === undefined ? undefined : ringLast(ring)) ?? [] };
  }

  /** Every host with the daemons on it, as ceph-mgr's `list_servers()`. */
  list_servers(): readonly Server[] {
    return serversView(this.current());
  }

  /** One host and its daemons, or null when no daemon reports that hostname. */
  get_server(hostname: string): Server | null {
    return serversView(this.current()).find((s) => s.hostname === hostname) ?? null;
  }

  /** `{"<type>.<id>": {path: {description, nick, priority, type, units}}}`, or `{}` for a daemon the manager does not know. */
  get_perf_schema(svcType: string, svcId: string): Record<string, Readonly<Record<string, unknown>>> {
    const name = `${svcType}.${svcId}`;
    const d = tableGet(this.current().daemons, name);
    return d === undefined ? {} : { [name]: d.perfSchema ?? {} };
  }

  /**
   * The latest value of every counter at or above `prioLimit` of every daemon of the given types, with its schema:
   * `{"osd.0": {path: {description, nick?, priority, type, units, value, count?}}}`; an average's `value` is its sum
   * and `count` its count, as Ceph gives them.
   */
  get_all_perf_counters(
    prioLimit = 5,
    services: readonly string[] = ['mds', 'mon', 'osd', 'rbd-mirror', 'rgw', 'tcmu-runner'],
  ): Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>> {
    const daemons = this.current().daemons;
    const key = `${prioLimit}|${services.join(',')}`;
    let byKey = allCountersMemo.get(daemons);
    if (byKey === undefined) {
      byKey = new Map();
      allCountersMemo.set(daemons, byKey);
    }
    let out = byKey.get(key);
    if (out === undefined) {
      const built: Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>> = {};
      const keys = tableKeys(daemons);
      const chunks = countersByPriority(prioLimit).chunks(daemons);
      const names: string[] = [];
      const values: CounterTable[] = [];
      for (let i = 0; i < keys.sorted.length; i++) {
        const name = keys.sorted[i]!;
        const d = chunks[keys.sortedChunks[i]!]!.get(name)!;
        if (!services.includes(d.value.type)) continue;
        built[name] = d.derived;
        names.push(name);
        values.push(d.derived);
      }
      out = Object.freeze(built);
      keepEntries(out, names, values);
      byKey.set(key, out);
    }
    return out;
  }

  /**
   * Whether the monitors can be reached: no `mon_session` down, the source still alive, and some event within
   * `mon_connection_timeout` seconds of stream time.
   */
  have_mon_connection(): boolean {
    const s = this.current();
    if (s.monSession === 'down' || s.seq === 0) return false;
    if (this.opts.sourceAlive && !this.opts.sourceAlive()) return false;
    const now = this.opts.now?.() ?? s.stamp;
    const timeout = this.opts.monConnectionTimeout?.() ?? DEFAULT_MON_CONNECTION_TIMEOUT;
    return now - s.stamp <= timeout * 1000;
  }
}

type CounterTable = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

type HealthMetricList = readonly { readonly value: number; readonly type: string }[];

/** Each daemon's list last derived, to give back while a new state of the daemon lists the same metrics. */
const lastHealthLists = new Map<string, HealthMetricList>();

function sameMetrics(a: HealthMetricList, b: readonly { readonly value: number; readonly type: string }[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i]!.value, b[i]!.value) || a[i]!.type !== b[i]!.type) return false;
  }
  return true;
}

/**
 * Each daemon's health metrics as `get_daemon_health_metrics` lists them: built once per daemon state, and the
 * same list as the daemon's state before while the metrics are the same (a report of counters alone leaves them).
 */
const HEALTH_METRICS = new ChunkDerived<DaemonState, HealthMetricList>((d, name) => {
  const metrics = d.healthMetrics ?? [];
  const held = lastHealthLists.get(name);
  if (held !== undefined && sameMetrics(held, metrics)) return held;
  const list = Object.freeze(metrics.map((m) => Object.freeze({ value: m.value, type: m.type })));
  lastHealthLists.set(name, list);
  return list;
});

const countersDerived = new Map<number, ChunkDerived<DaemonState, CounterTable>>();

/** Each daemon's counters at or above `prioLimit`: built once per daemon state. */
function countersByPriority(prioLimit: number): ChunkDerived<DaemonState, CounterTable> {
  let c = countersDerived.get(prioLimit);
  if (c === undefined) {
    c = new ChunkDerived((d) => daemonCounters(d, prioLimit));
    countersDerived.set(prioLimit, c);
  }
  return c;
}

const allCountersMemo = new WeakMap<object, Map<string, Readonly<Record<string, CounterTable>>>>();

/** One daemon's counters at or above a priority, with their latest values. */
function daemonCounters(d: DaemonState, prioLimit: number): CounterTable {
  const counters: Record<string, Readonly<Record<string, unknown>>> = {};
  for (const [path, schema] of Object.entries(d.perfSchema ?? {})) {
    if ((schema.priority ?? 0) < prioLimit) continue;
    const ring = own(d.counters, path);
    const last = ring === undefined ? undefined : ringLast(ring);
    if (last === undefined) continue;
    counters[path] = Object.freeze(
      last.length === 3 ? { ...schema, value: last[1], count: last[2] } : { ...schema, value: last[1] },
    );
  }
  return Object.freeze(counters);
}
