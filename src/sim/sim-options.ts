import { z } from 'zod';

/** Where stream time starts unless told otherwise: a fixed instant, so that the same options give the same bytes. */
export const DEFAULT_START_MS = Date.UTC(2026, 10, 25, 3, 0, 0);

/** The monitors' names, by rank. */
export const MON_NAMES: readonly string[] = Object.freeze('abcdefghijklmnopqrstuvwxyz'.split(''));

/** Ceph's largest replicated pool size. */
export const MAX_POOL_SIZE = 10;

/** The largest pg_num the simulator accepts for one pool (Ceph's default limit, mon_max_pool_pg_num, is 65536). */
export const MAX_POOL_PG_NUM = 1 << 20;

const PositiveInt = z.number().int().positive();

/** The options of a simulated cluster, as given (every field but `osds` has a default). */
export const SimOptionsSchema = z
  .strictObject({
    /** How many OSDs (ids 0..osds-1). */
    osds: PositiveInt.max(100_000),
    /** How many hosts the OSDs are spread over (the failure domain); default: 8 OSDs a host, at least 3. */
    hosts: PositiveInt.optional(),
    /** How many monitors (`a`, `b`, ..., one a host from the first); default: 3, or one a host when fewer. */
    mons: PositiveInt.max(MON_NAMES.length).optional(),
    /**
     * Replicas of each pool (Ceph's `osd_pool_default_size`); default: 3, or one a host when there are fewer hosts.
     * More than the hosts is what Ceph allows too: CRUSH's `chooseleaf host` finds one OSD a host, fewer than the
     * size, and the PGs run `active+undersized+degraded` (or stay inactive below `min_size`).
     */
    size: PositiveInt.max(MAX_POOL_SIZE).optional(),
    /** How many pools share the PGs. */
    pools: PositiveInt.max(64).default(3),
    /** Total PGs across pools; each pool gets a power of two. Default: about 100 PG replicas per OSD. */
    pgs: PositiveInt.max(8 * MAX_POOL_PG_NUM).optional(),
    /** Seconds of stream time that `simulateEvents` covers (and over which the scenario is laid out). */
    duration: z
      .number()
      .positive()
      .max(7 * 86_400)
      .default(120),
    /** The seed of every random choice. */
    seed: z.number().int().default(1),
    /** Seconds between two reports of an OSD (Ceph's `mgr_stats_period`). */
    statsPeriod: z.number().int().min(1).max(3600).default(5),
    /** Stream time of the first event, in ms since the Unix epoch. */
    start: z.number().int().nonnegative().default(DEFAULT_START_MS),
    /**
     * The scenario's steps: `true` the scripted day (failure, flap, recovery, noout, pools, pg_num), `false` client IO
     * only, or the names of the steps to play (`['osd-fail', 'mon-down']`, see `scenario.ts`).
     */
    scenario: z.union([z.boolean(), z.array(z.string()).readonly()]).default(true),
    /**
     * Every `pg_stats` carries all the PGs its OSD is primary for, as Ceph's OSDs send them. Off (the default), an OSD
     * sends all of them in its first report after coming up and then only those whose stats changed, which keeps a
     * large cluster's trace in proportion to what happened in it; the manager's view is the same either way.
     */
    fullStats: z.boolean().default(false),
    /**
     * Seconds a down OSD stays in before the monitors mark it out (Ceph's `mon_osd_down_out_interval`, 600). With the
     * scenario on, the default is a tenth of the duration so that the failure plays out within it.
     */
    downOutInterval: z.number().positive().optional(),
    /**
     * A CephFS file system the cluster has from its start, as `ceph fs volume create <fs>` makes it: pools
     * `cephfs.<fs>.meta` and `cephfs.<fs>.data` and the file system in the `fs_map`. None by default.
     */
    fs: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'a file system name is letters, digits, "-", "_" and "."')
      .optional(),
    /**
     * How many MDS daemons run (`mds.a`, `mds.b`, ...); with any, the cluster has a file system from its start (the
     * `fs` option's, else `cephfs`) whose rank 0 one of them holds, the others standing by. None by default.
     */
    mds: z.number().int().min(0).max(MON_NAMES.length).optional(),
    /** How many RGW daemons run, registered in the service map. None by default. */
    rgw: z.number().int().min(0).max(64).optional(),
    /**
     * Where a live simulated cluster (`mgrkit run --source sim:...,node_exporter=HOST:PORT`) serves its hosts' node
     * exporters: one `/metrics` with every host's series, each labelled with its own `instance` (`node01:9100`), for
     * a Prometheus to scrape with `honor_labels: true`. Not served by default; the cluster itself is the same.
     */
    nodeExporter: z
      .string()
      .regex(/^(\[[^\]]+\]|[^:/\s[\]]+):\d{1,5}$/, 'expected HOST:PORT')
      .optional(),
    /**
     * Zones of the RGW daemons' zone group: 1 (the default) single-site; 2 and more a multisite zone group whose
     * daemons each report the data sync from every other zone (`data-sync-from-<zone>` perf counters).
     */
    rgwZones: z.number().int().min(1).max(8).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.hosts !== undefined && o.hosts > o.osds) {
      ctx.addIssue({ code: 'custom', path: ['hosts'], message: `${o.hosts} hosts need at least as many OSDs` });
    }
    if (o.mons !== undefined && o.mons > (o.hosts ?? defaultHosts(o.osds))) {
      ctx.addIssue({ code: 'custom', path: ['mons'], message: `${o.mons} monitors need as many hosts (one a host)` });
    }
    if (o.rgwZones !== undefined && o.rgwZones > 1 && (o.rgw ?? 0) < o.rgwZones) {
      ctx.addIssue({ code: 'custom', path: ['rgwZones'], message: `${o.rgwZones} zones need as many RGW daemons` });
    }
    if (o.pgs !== undefined && o.pgs < o.pools) {
      ctx.addIssue({ code: 'custom', path: ['pgs'], message: `${o.pools} pools need at least ${o.pools} PGs` });
    }
  });

/** Options as a caller writes them. */
export type SimOptionsInput = z.input<typeof SimOptionsSchema>;
/** Options with their defaults filled in. */
export type SimOptions = z.output<typeof SimOptionsSchema>;

/** Options with every derived value worked out: what the cluster model is built from. */
export interface SimConfig extends Omit<SimOptions, 'hosts' | 'mons' | 'size' | 'pgs' | 'downOutInterval'> {
  /** The file system the cluster starts with: the `fs` option, else `cephfs` when it runs MDS daemons. */
  readonly fs?: string;
  readonly hosts: number;
  readonly mons: number;
  /** Replicas per pool: the `size` option, else 3, or fewer when there are fewer hosts. */
  readonly poolSize: number;
  readonly poolMinSize: number;
  /** pg_num of each initial pool, powers of two. */
  readonly pgNums: readonly number[];
  readonly downOutInterval: number;
}

/** The default host count: 8 OSDs a host, at least 3 hosts when there are that many OSDs. */
export function defaultHosts(osds: number): number {
  return osds <= 3 ? osds : Math.max(3, Math.ceil(osds / 8));
}

/** Ceph's default min_size for a replicated pool: `size - size / 2`. */
export function defaultMinSize(size: number): number {
  return size - Math.floor(size / 2);
}

function nearestPowerOfTwo(n: number): number {
  if (n <= 1) return 1;
  const lo = 2 ** Math.floor(Math.log2(n));
  return n - lo <= lo * 2 - n ? lo : lo * 2;
}

/**
 * Splits `total` PGs over `pools` pools, each a power of two as Ceph wants, the sum as close to `total` as the
 * powers allow: each pool in turn takes the power of two nearest to an even share of what is left.
 */
export function splitPgs(total: number, pools: number): number[] {
  const out: number[] = [];
  let left = total;
  for (let i = pools; i > 0; i--) {
    const n = Math.min(MAX_POOL_PG_NUM, nearestPowerOfTwo(left / i));
    out.push(n);
    left = Math.max(i - 1, left - n);
  }
  return out.sort((a, b) => b - a);
}

/** Validates options (throwing zod's error on bad ones) and works out every derived value. */
export function resolveSimOptions(input: SimOptionsInput): SimConfig {
  const o = SimOptionsSchema.parse(input);
  const hosts = o.hosts ?? defaultHosts(o.osds);
  const poolSize = o.size ?? Math.min(3, hosts);
  const pgs = o.pgs ?? Math.max(o.pools, Math.round((o.osds * 100) / poolSize));
  const playing = o.scenario === true || (o.scenario !== false && o.scenario.length > 0);
  const downOutInterval = o.downOutInterval ?? (playing ? Math.min(600, Math.max(1, o.duration / 10)) : 600);
  const fs = o.fs ?? (o.mds ? 'cephfs' : undefined);
  return Object.freeze({
    ...o,
    ...(fs === undefined ? {} : { fs }),
    hosts,
    mons: o.mons ?? Math.min(3, hosts),
    poolSize,
    poolMinSize: defaultMinSize(poolSize),
    pgNums: Object.freeze(splitPgs(pgs, o.pools)),
    downOutInterval,
  });
}
