import {
  PERFCOUNTER_COUNTER,
  PERFCOUNTER_HISTOGRAM,
  PERFCOUNTER_LONGRUNAVG,
  PERFCOUNTER_TIME,
  recordEntries,
} from 'mgrkit';
import {
  type FamilySpec,
  familyHeader,
  isValidMetricName,
  labelSet,
  type MetricType,
  promethize,
  sampleLine,
} from './exposition.ts';
import { type CounterEntries, KnownSchemaFallback } from './known-schema-fallback.ts';
import type { ClusterReader } from './reader.ts';

/** Ceph's `PERFCOUNTER_TYPE_MASK`: the type bits without TIME and U64. */
const TYPE_MASK = ~3;

interface CounterInfo {
  description?: string;
  type?: number;
  value?: number;
  count?: number;
}

/** Ceph's `_stattype_to_str`: `''` for a type the exporter skips (histograms, odd combinations). */
function statType(type: number): MetricType | '' | 'histogram' {
  const only = type & TYPE_MASK;
  if (only === 0) return 'gauge';
  if (only === PERFCOUNTER_LONGRUNAVG || only === PERFCOUNTER_COUNTER) return 'counter';
  if (only === PERFCOUNTER_HISTOGRAM) return 'histogram';
  return '';
}

const RBD_MIRROR_IMAGE = /^rbd_mirror_image_([^/]+)\/(?:(?:([^/]+)\/)?)(.*)\.(replay(?:_bytes|_latency)?)$/;

/**
 * Ceph's `_perfpath_to_path_labels`: the `ceph_daemon` label (for an RGW, whose manager session is keyed by its
 * instance id, `instance_id` with the key's id: what `ceph_rgw_metadata` joins on), and pool/namespace/image for
 * rbd-mirror images.
 */
function pathLabels(daemon: string, path: string): [string, string[], string[]] {
  if (daemon.startsWith('rgw.')) return [path, ['instance_id'], [daemon.slice(4)]];
  if (daemon.startsWith('rbd-mirror.')) {
    const m = RBD_MIRROR_IMAGE.exec(path);
    if (m) {
      return [
        `rbd_mirror_image_${m[4]}`,
        ['ceph_daemon', 'pool', 'namespace', 'image'],
        [daemon, m[1]!, m[2] ?? '', m[3]!],
      ];
    }
  }
  return [path, ['ceph_daemon'], [daemon]];
}

interface PerfFamily {
  readonly spec: FamilySpec;
  readonly header: Buffer;
  readonly index: number;
}

/** Daemon slots per block: a family's lines are kept encoded per block, and a snapshot re-encodes the blocks it changed. */
const BLOCK = 16;

const EMPTY = Buffer.alloc(0);

/** One daemon's lines, each with the index of its family. */
interface DaemonLines {
  readonly families: readonly number[];
  readonly lines: readonly string[];
}

/**
 * Daemon perf counters (priority 5 and up, as Ceph's `get_all_perf_counters()` default) as metric families: a
 * counter or gauge as itself, a long-running average as `<name>_sum` and `<name>_count`, time values in seconds.
 * A name is declared once whatever number of daemons carry it.
 *
 * Each daemon has a slot in every family's line array; a new snapshot rewrites only the slots of daemons whose
 * counter table is another object (one table per daemon state), and each family's text is kept as encoded blocks
 * of {@link BLOCK} slots, so the cost of a snapshot where a few daemons reported is a walk over the daemons and the
 * encoding of the blocks they are in.
 */
export class PerfCounterFamilies {
  private readonly families = new Map<string, PerfFamily>();
  private readonly order: PerfFamily[] = [];
  private readonly daemonLines = new WeakMap<object, DaemonLines>();
  private readonly warned = new Set<string>();
  /** Metric names by counter path (the same few dozen paths for every daemon). */
  private readonly names = new Map<string, string>();
  private slots = new Map<string, number>();
  /** Tables already written to their daemon's slot. */
  private placed = new WeakSet<object>();
  /** The tables of the last update, in their order. */
  private previous: readonly object[] = [];
  private slotLines: (DaemonLines | undefined)[] = [];
  /** By family index: each daemon slot's line ('' when the daemon has none in that family). */
  private familyLines: string[][] = [];
  /** By family index, then block: the block's lines encoded, while no slot of the block changed. */
  private blocks: (Buffer | undefined)[][] = [];
  private readonly fallback = new KnownSchemaFallback();

  /**
   * @param reserved names the fixed families use: a counter that would land on one is skipped, not declared twice.
   * @param warn told once per problem (an unusable name, a type that differs between daemons).
   */
  constructor(
    private readonly reserved: ReadonlySet<string>,
    private readonly warn: (message: string) => void,
  ) {}

  private family(name: string, type: MetricType, help: string, labels: string[]): PerfFamily | null {
    const known = this.families.get(name);
    if (known !== undefined) {
      if (known.spec.type === type) return known;
      this.warnOnce(`${name}: declared ${known.spec.type}, another daemon has it as ${type}; those samples skipped`);
      return null;
    }
    if (this.reserved.has(name) || !isValidMetricName(name)) {
      this.warnOnce(
        `${name}: ${this.reserved.has(name) ? 'a fixed family has this name' : 'not a valid metric name'}; skipped`,
      );
      return null;
    }
    const spec: FamilySpec = { name, type, help, labels };
    const f = { spec, header: Buffer.from(familyHeader(spec)), index: this.order.length };
    this.families.set(name, f);
    this.order.push(f);
    this.familyLines.push(new Array<string>(this.slotLines.length).fill(''));
    this.blocks.push([]);
    return f;
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warn(message);
  }

  private linesOf(daemon: string, table: Readonly<Record<string, CounterInfo>>): DaemonLines {
    let d = this.daemonLines.get(table);
    if (d !== undefined) return d;
    const families: number[] = [];
    const lines: string[] = [];
    const push = (name: string, type: MetricType, help: string, labelNames: string[], values: string[], v: number) => {
      const f = this.family(name, type, help, labelNames);
      if (f === null) return;
      families.push(f.index);
      // Ceph's `Metric` keeps the label names of the daemon that declared it: another daemon's values go under those
      // (an RGW's objecter counters under `ceph_daemon` when an MDS declared them).
      const line = sampleLine(name, labelSet(f.spec.labels, values), v);
      // Flattened once here rather than at every join: a template literal is a rope.
      line.charCodeAt(0);
      lines.push(line);
    };
    for (const [rawPath, info] of Object.entries(table)) {
      const type = info.type ?? 0;
      const st = statType(type);
      if (st === '' || st === 'histogram') continue;
      const [path, labelNames, labelValues] = pathLabels(daemon, rawPath);
      const raw = info.value ?? 0;
      const value = type & PERFCOUNTER_TIME ? raw / 1e9 : raw;
      const desc = info.description ?? '';
      let name = this.names.get(path);
      if (name === undefined) {
        name = promethize(path);
        this.names.set(path, name);
      }
      if (type & PERFCOUNTER_LONGRUNAVG) {
        push(`${name}_sum`, st, `${desc} Total`, labelNames, labelValues, value);
        push(`${name}_count`, 'counter', `${desc} Count`, labelNames, labelValues, info.count ?? 0);
      } else {
        push(name, st, desc, labelNames, labelValues, value);
      }
    }
    d = { families, lines };
    this.daemonLines.set(table, d);
    return d;
  }

  private slotOf(daemon: string): number {
    let slot = this.slots.get(daemon);
    if (slot === undefined) {
      slot = this.slotLines.length;
      this.slots.set(daemon, slot);
      this.slotLines.push(undefined);
      for (const l of this.familyLines) l.push('');
    }
    return slot;
  }

  /** Rewrites the slots of the daemons whose table changed; false if a daemon is gone (slots must be redone). */
  private update(entries: CounterEntries): boolean {
    const names = entries.keys;
    const tables = entries.values as readonly Readonly<Record<string, CounterInfo>>[];
    const previous = this.previous;
    this.previous = tables;
    for (let i = 0; i < tables.length; i++) {
      const table = tables[i]!;
      // Daemons keep their order between snapshots: the same table at the same place is the common case.
      if (previous[i] === table || this.placed.has(table)) continue;
      const daemon = names[i]!;
      const slot = this.slotOf(daemon);
      this.placed.add(table);
      const before = this.slotLines[slot];
      if (before !== undefined) {
        for (const f of before.families) {
          this.familyLines[f]![slot] = '';
          this.blocks[f]![(slot / BLOCK) | 0] = undefined;
        }
      }
      const d = this.linesOf(daemon, table);
      for (let j = 0; j < d.lines.length; j++) {
        const f = d.families[j]!;
        this.familyLines[f]![slot] = d.lines[j]!;
        this.blocks[f]![(slot / BLOCK) | 0] = undefined;
      }
      this.slotLines[slot] = d;
    }
    return tables.length === this.slots.size;
  }

  /** The families' text for the current daemon counters, as pieces to concatenate: only families with samples. */
  build(r: ClusterReader): Buffer[] {
    const all = r.get_all_perf_counters();
    // The record's own key and value lists: cheaper than a keyed lookup per daemon in a table of thousands.
    const entries = this.fallback.entries(r, all, recordEntries(all));
    if (!this.update(entries)) {
      this.slots = new Map();
      this.placed = new WeakSet();
      this.previous = [];
      this.slotLines = [];
      this.familyLines = this.familyLines.map(() => []);
      this.blocks = this.blocks.map(() => []);
      this.update(entries);
    }
    const out: Buffer[] = [];
    const nBlocks = Math.ceil(this.slotLines.length / BLOCK);
    for (const f of this.order) {
      const lines = this.familyLines[f.index]!;
      const blocks = this.blocks[f.index]!;
      const at = out.length;
      out.push(f.header);
      for (let b = 0; b < nBlocks; b++) {
        let buf = blocks[b];
        if (buf === undefined) {
          const text = lines.slice(b * BLOCK, (b + 1) * BLOCK).join('');
          buf = text === '' ? EMPTY : Buffer.from(text);
          blocks[b] = buf;
        }
        if (buf.length > 0) out.push(buf);
      }
      if (out.length === at + 1) out.pop();
    }
    return out;
  }
}
