import type { MgrModule } from 'mgrkit';
import { type FamilySpec, familyHeader, labelSet, sampleLine } from './exposition.ts';

/** What the RBD statistics need of the module: options, the OSD map, RADOS and the OSD perf queries. */
export type RbdStatsHost = Pick<
  MgrModule,
  | 'get'
  | 'get_localized_module_option'
  | 'add_osd_perf_query'
  | 'remove_osd_perf_query'
  | 'get_osd_perf_counters'
  | 'rados'
>;

/** Ceph's `counters_info`: the counters asked of the OSDs, in order, each a counter or a long-running average. */
const COUNTERS: ReadonlyArray<readonly [key: string, average: boolean, desc: string]> = [
  ['write_ops', false, 'RBD image writes count'],
  ['read_ops', false, 'RBD image reads count'],
  ['write_bytes', false, 'RBD image bytes written'],
  ['read_bytes', false, 'RBD image bytes read'],
  ['write_latency', true, 'RBD image writes latency (msec)'],
  ['read_latency', true, 'RBD image reads latency (msec)'],
];

const LABELS = ['pool', 'namespace', 'image'] as const;

/**
 * The families in Ceph's order: a counter as `ceph_rbd_<key>`, an average as `_sum` (declared with the average's
 * type, which Ceph's `_stattype_to_str` calls a counter) and `_count`, help texts with " Total" and " Count".
 */
const FAMILIES: ReadonlyArray<{ spec: FamilySpec; counter: number; part: 0 | 1 }> = COUNTERS.flatMap(
  ([key, average, desc], counter) =>
    average
      ? [
          { spec: family(`rbd_${key}_sum`, `${desc} Total`), counter, part: 0 as const },
          { spec: family(`rbd_${key}_count`, `${desc} Count`), counter, part: 1 as const },
        ]
      : [{ spec: family(`rbd_${key}`, desc), counter, part: 0 as const }],
);

function family(name: string, help: string): FamilySpec {
  return { name: `ceph_${name}`, type: 'counter', help, labels: LABELS };
}

/** librbd's object names: `rbd_data.[<pool id>.]<image id>.` (and the journal's), as Ceph's query matches them. */
const OBJECT_NAME_REGEX = '^(?:rbd|journal)_data\\.(?:([0-9]+)\\.)?([^.]+)\\.';

interface Image {
  readonly name: string;
  /** `[value, count]` per counter of {@link COUNTERS}, summed over every report since the image was first listed. */
  readonly c: [number, number][];
}

interface Pool {
  name: string;
  nsNames: ReadonlySet<string>;
  /** Namespace -> image id -> image. */
  images: Map<string, Map<string, Image>>;
}

/** A string as Ceph encodes it: 32-bit little-endian length, then the bytes. */
function decodeString(b: Buffer): string {
  if (b.length < 4) return '';
  return b.subarray(4, 4 + b.readUInt32LE(0)).toString('utf8');
}

/**
 * Ceph's per-image RBD statistics (`get_rbd_stats`), for the pools of the `rbd_stats_pools` option (`pool`,
 * `pool/namespace`, `*` for every pool tagged `rbd`, comma or space separated): an OSD perf query grouping the
 * client ops by pool id, namespace and image id (from the object's name, `rbd_data.<image id>.`), added while pools
 * are configured and replaced when they change; the images listed from each pool's `rbd_directory` (as librbd's
 * `list2` does) every `rbd_stats_pools_refresh_interval` seconds, or sooner when a report names an image not listed
 * yet. Each image's counters are summed over every collection since it was listed; a refresh runs in the background
 * (RADOS calls are asynchronous), so an image shows from the collection after it is listed.
 */
export class RbdStats {
  private readonly pools = new Map<number, Pool>();
  private queryId: number | null = null;
  private queryRegexes: readonly [string, string] | null = null;
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;
  private wanted = new Map<string, ReadonlySet<string>>();
  private text: Buffer = Buffer.alloc(0);

  constructor(
    private readonly m: RbdStatsHost,
    private readonly log: { warn(obj: object, msg: string): void },
  ) {}

  /** The families' text for this collection: collects the OSDs' counts since the last call. */
  collect(): Buffer {
    const wanted = this.configuredPools();
    const changed = !samePools(wanted, this.wanted);
    this.wanted = wanted;
    for (const [id, p] of this.pools) if (!wanted.has(p.name)) this.pools.delete(id);
    const interval = this.m.get_localized_module_option<number>('rbd_stats_pools_refresh_interval', 300);
    if (wanted.size > 0 && (changed || Date.now() >= this.refreshedAt + interval * 1000)) this.refresh();

    const poolIds = [...this.pools.keys()].sort((a, b) => a - b);
    const poolRegex = `^(${poolIds.join('|')})$`;
    let nsNames: string[] = [];
    for (const p of this.pools.values()) {
      if (p.nsNames.size === 0) {
        nsNames = [];
        break;
      }
      nsNames.push(...p.nsNames);
    }
    const nsRegex = nsNames.length > 0 ? `^(${[...new Set(nsNames)].map(escapeRegex).join('|')})$` : '^(.*)$';
    if (this.queryId !== null && (this.queryRegexes?.[0] !== poolRegex || this.queryRegexes[1] !== nsRegex)) {
      this.m.remove_osd_perf_query(this.queryId);
      this.queryId = null;
    }
    if (this.pools.size === 0) return this.render();
    if (this.queryId === null) {
      const query = {
        key_descriptor: [
          { type: 'pool_id', regex: poolRegex },
          { type: 'namespace', regex: nsRegex },
          { type: 'object_name', regex: OBJECT_NAME_REGEX },
        ],
        performance_counter_descriptors: COUNTERS.map(([key]) => key),
      };
      this.queryId = this.m.add_osd_perf_query(query);
      if (this.queryId === null) {
        this.log.warn({ query }, 'failed to add query');
        return this.render();
      }
      this.queryRegexes = [poolRegex, nsRegex];
    }
    const res = this.m.get_osd_perf_counters(this.queryId);
    let unknown = false;
    for (const { k, c } of res?.counters ?? []) {
      const poolId = Number(k[2]?.[0] || k[0]?.[0]);
      const pool = this.pools.get(poolId);
      const image = pool?.images.get(k[1]?.[0] ?? '')?.get(k[2]?.[1] ?? '');
      if (image === undefined) {
        // Counted in a pool or for an image not listed yet: Ceph lists again at once, and drops these counts.
        unknown ||= pool !== undefined || wanted.size > 0;
        continue;
      }
      c.forEach(([v, n], i) => {
        const held = image.c[i];
        if (held !== undefined) {
          held[0] += v;
          held[1] += n;
        }
      });
    }
    if (unknown) this.refresh();
    return this.render();
  }

  /** Removes the query (the module stopped), as Ceph's `shutdown_rbd_stats`. */
  shutdown(): void {
    if (this.queryId !== null) this.m.remove_osd_perf_query(this.queryId);
    this.queryId = null;
    this.pools.clear();
  }

  /** Ceph's parsing of `rbd_stats_pools`: pool name -> namespaces (empty: all of them). */
  private configuredPools(): Map<string, ReadonlySet<string>> {
    const option = this.m.get_localized_module_option<string>('rbd_stats_pools', '') ?? '';
    const rbdPools = (this.m.get('osd_map')?.pools ?? [])
      .filter((p) => Object.hasOwn(p.application_metadata ?? {}, 'rbd'))
      .map((p) => p.pool_name);
    const keys: Array<[string, string | null]> = [];
    for (const x of option.split(/[\s,]+/)) {
      if (x === '') continue;
      const [pool = '', ns] = x.split('/', 2);
      const nsName = ns ?? null;
      if (pool === '*') for (const p of rbdPools) keys.push([p, nsName]);
      else if (rbdPools.includes(pool)) keys.push([pool, nsName]);
    }
    const out = new Map<string, Set<string>>();
    for (const [pool, ns] of keys) {
      if (ns === null || ns === '*') {
        out.set(pool, new Set());
        continue;
      }
      const held = out.get(pool);
      if (held === undefined) out.set(pool, new Set([ns]));
      else if (held.size > 0) held.add(ns);
    }
    return out;
  }

  /** Lists the images of the configured pools again, in the background (one listing at a time). */
  private refresh(): void {
    if (this.refreshing !== null) return;
    const wanted = this.wanted;
    this.refreshing = this.list(wanted)
      .catch((e: unknown) => this.log.warn({ err: e }, 'failed listing rbd pools'))
      .finally(() => {
        this.refreshedAt = Date.now();
        this.refreshing = null;
      });
  }

  private async list(wanted: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
    for (const [poolName, nsNames] of wanted) {
      try {
        const poolId = await this.m.rados.pool_lookup(poolName);
        if (poolId === null) continue;
        const ioctx = await this.m.rados.open_ioctx(poolName);
        try {
          const namespaces = nsNames.size > 0 ? [...nsNames] : [''];
          const pool: Pool = this.pools.get(poolId) ?? { name: poolName, nsNames, images: new Map() };
          pool.name = poolName;
          pool.nsNames = nsNames;
          for (const ns of namespaces) {
            // Images in a namespace other than the default one are not listed: the RADOS client has no namespaces.
            if (ns !== '') continue;
            const held = pool.images.get(ns);
            const images = new Map<string, Image>();
            for (const [key, value] of await directory(ioctx)) {
              const id = decodeString(value);
              images.set(id, { name: key.slice('name_'.length), c: held?.get(id)?.c ?? COUNTERS.map(() => [0, 0]) });
            }
            pool.images.set(ns, images);
          }
          if (this.wanted.has(poolName)) this.pools.set(poolId, pool);
        } finally {
          ioctx.close();
        }
      } catch (e) {
        this.log.warn({ err: e, pool: poolName }, 'failed listing pool');
      }
    }
  }

  private render(): Buffer {
    let s = '';
    for (const { spec, counter, part } of FAMILIES) {
      s += familyHeader(spec);
      for (const pool of this.pools.values()) {
        for (const [ns, images] of pool.images) {
          for (const image of images.values()) {
            s += sampleLine(spec.name, labelSet(LABELS, [pool.name, ns, image.name]), image.c[counter]![part]);
          }
        }
      }
    }
    // Ceph declares the families once an image has been seen; with none, nothing is exported.
    if (![...this.pools.values()].some((p) => [...p.images.values()].some((m) => m.size > 0))) s = '';
    if (s !== this.text.toString('utf8')) this.text = Buffer.from(s);
    return this.text;
  }
}

/** `rbd_directory`'s `name_<image>` entries (none for a pool without the object). */
async function directory(ioctx: {
  get_omap_vals(oid: string, after?: string, prefix?: string): Promise<Map<string, Buffer>>;
}): Promise<Map<string, Buffer>> {
  try {
    return await ioctx.get_omap_vals('rbd_directory', '', 'name_');
  } catch (e) {
    if ((e as { name?: string }).name === 'ObjectNotFound') return new Map();
    throw e;
  }
}

function samePools(a: ReadonlyMap<string, ReadonlySet<string>>, b: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || w.size !== v.size || [...v].some((x) => !w.has(x))) return false;
  }
  return true;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
