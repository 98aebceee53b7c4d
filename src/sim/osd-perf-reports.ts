import type {
  OsdPerfCounterType,
  OsdPerfMetricQuery,
  OsdPerfMetricReport,
  OsdPerfMetricSubKeyType,
} from '../../schemas/daemon/index.ts';
import type { RbdImage } from './rbd-images.ts';

/** One OSD's client ops on one pool in a period: writes, reads, their bytes and their latencies (ns). */
const W = 0;
const R = 1;
const W_BYTES = 2;
const R_BYTES = 3;
const W_LAT = 4;
const R_LAT = 5;

interface Compiled {
  readonly query: OsdPerfMetricQuery;
  readonly regexes: readonly RegExp[];
}

/** The ops of one image (or of a pool without images) that one OSD served: the share of its pool's. */
interface Subject {
  readonly pool: number;
  readonly objectName: string;
  readonly share: number;
}

/** Splits `n` into whole parts by `shares` (in order), the parts summing to `n` as rounded. */
function split(n: number, shares: readonly number[]): number[] {
  let cum = 0;
  let given = 0;
  return shares.map((s) => {
    cum += n * s;
    const part = Math.round(cum) - given;
    given += part;
    return part;
  });
}

/**
 * The OSDs' side of the manager's OSD perf queries (Ceph's `DynamicPerfStats`): each OSD counts the client ops it
 * serves as primary, by pool, and at its report groups them by each query's key (the regex groups of the op's pool
 * id, namespace, object name, ...), then starts again. A pool's ops go to its RBD images by their shares, each op
 * on an object `rbd_data.<image id>.<object number>`; a pool without images has objects named by the pool.
 */
export class OsdPerfReports {
  private compiled: Compiled[] = [];
  /** Per OSD, per pool: the period's ops and bytes and latencies so far. */
  private readonly tallies = new Map<number, Map<number, Float64Array>>();

  constructor(private readonly images: ReadonlyMap<number, readonly RbdImage[]>) {}

  /** Whether any query is registered (client IO is only tallied then). */
  get active(): boolean {
    return this.compiled.length > 0;
  }

  /** The manager's queries from now on (an `MMgrConfigure`): counts so far for dropped queries are dropped. */
  setQueries(queries: readonly OsdPerfMetricQuery[]): void {
    this.compiled = queries.map((query) => ({
      query,
      regexes: query.key_descriptor.map((d) => new RegExp(d.regex)),
    }));
    if (!this.active) this.tallies.clear();
  }

  /** OSD `osd` served `w` writes and `r` reads of pool `pool` as primary. */
  tally(osd: number, pool: number, w: number, r: number, wBytes: number, rBytes: number, wLat: number, rLat: number) {
    let byPool = this.tallies.get(osd);
    if (byPool === undefined) {
      byPool = new Map();
      this.tallies.set(osd, byPool);
    }
    let t = byPool.get(pool);
    if (t === undefined) {
      t = new Float64Array(6);
      byPool.set(pool, t);
    }
    t[W]! += w;
    t[R]! += r;
    t[W_BYTES]! += wBytes;
    t[R_BYTES]! += rBytes;
    t[W_LAT]! += wLat;
    t[R_LAT]! += rLat;
  }

  /** What OSD `osd` counted for each query since its last report, or undefined with no query; starts it again. */
  report(osd: number): OsdPerfMetricReport[] | undefined {
    if (!this.active) return undefined;
    const byPool = this.tallies.get(osd);
    this.tallies.delete(osd);
    return this.compiled.map(({ query, regexes }) => {
      const keys = new Map<string, { k: string[][]; c: [number, number][] }>();
      for (const [pool, t] of byPool ?? []) {
        const subjects = this.subjects(pool);
        const shares = subjects.map((s) => s.share);
        const parts = [W, R, W_BYTES, R_BYTES, W_LAT, R_LAT].map((i) => split(Math.round(t[i]!), shares));
        subjects.forEach((subject, j) => {
          const [w, r, wb, rb, wl, rl] = parts.map((p) => p[j]!) as [number, number, number, number, number, number];
          if (w === 0 && r === 0) return;
          const k: string[][] = [];
          for (let d = 0; d < regexes.length; d++) {
            const m = regexes[d]!.exec(subKeyValue(query.key_descriptor[d]!.type, subject, osd));
            if (m === null) return;
            k.push(m.slice(1).map((g) => g ?? ''));
          }
          const key = JSON.stringify(k);
          let entry = keys.get(key);
          if (entry === undefined) {
            entry = { k, c: query.performance_counter_descriptors.map(() => [0, 0]) };
            keys.set(key, entry);
          }
          query.performance_counter_descriptors.forEach((type, i) => {
            const [v, n] = counterOf(type, w, r, wb, rb, wl, rl);
            entry.c[i]![0] += v;
            entry.c[i]![1] += n;
          });
        });
      }
      return { query, counters: [...keys.values()] };
    });
  }

  private subjects(pool: number): Subject[] {
    const images = this.images.get(pool);
    if (images === undefined || images.length === 0) return [{ pool, objectName: `pool${pool}.obj`, share: 1 }];
    return images.map((im) => ({ pool, objectName: `rbd_data.${im.id}.0000000000000000`, share: im.share }));
  }
}

/** The op's value of a sub-key type, as an OSD reads it off the op (clients and PGs as one stand-in each). */
function subKeyValue(type: OsdPerfMetricSubKeyType, s: Subject, osd: number): string {
  switch (type) {
    case 'pool_id':
      return String(s.pool);
    case 'namespace':
      return '';
    case 'object_name':
      return s.objectName;
    case 'osd_id':
      return String(osd);
    case 'pg_id':
      return `${s.pool}.0`;
    case 'snap_id':
      return 'head';
    case 'client_id':
      return 'client.4100';
    case 'client_address':
      return '10.1.0.100:0/1000';
  }
}

/** One counter's `[value, count]` for the ops, as `PerformanceCounterDescriptor::update_counter` adds them. */
function counterOf(
  type: OsdPerfCounterType,
  w: number,
  r: number,
  wb: number,
  rb: number,
  wl: number,
  rl: number,
): [number, number] {
  switch (type) {
    case 'ops':
      return [w + r, 0];
    case 'write_ops':
      return [w, 0];
    case 'read_ops':
      return [r, 0];
    case 'bytes':
      return [wb + rb, 0];
    case 'write_bytes':
      return [wb, 0];
    case 'read_bytes':
      return [rb, 0];
    case 'latency':
      return [wl + rl, w + r];
    case 'write_latency':
      return [wl, w];
    case 'read_latency':
      return [rl, r];
  }
}
