import type { CrushBucket, CrushMap as CrushDump, CrushRule, OsdMap } from '../../schemas/maps/index.ts';
import { MgrError } from '../errors.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { own } from '../state/data-key.ts';
import { takeWeightOsdMap } from '../state/views/crush-weights.ts';
import { poolRawUsedRate } from '../state/views/df.ts';
import { pgStatsView } from '../state/views/pg-views.ts';

type Pool = OsdMap['pools'][number];

/** The up and acting sets of one PG, with their primaries, as `OSDMap.pg_to_up_acting_osds` returns them. */
export interface UpActing {
  readonly up: readonly number[];
  readonly acting: readonly number[];
  readonly up_primary: number;
  readonly acting_primary: number;
}

/**
 * A read-only handle on one OSD map (what `get_osdmap()` returns), with Ceph's `OSDMap` method names. Placement
 * (`map_pool_pgs_up`, `pg_to_up_acting_osds`) answers from the PG map, i.e. where the OSDs last reported each PG,
 * since mgrkit does not run CRUSH; the write side (`new_incremental`, `apply_incremental`, `calc_pg_upmaps`) is not
 * offered.
 */
export class OSDMap {
  readonly #state: ClusterState;
  readonly #map: OsdMap;
  readonly #crush: CrushDump | null;

  /** @internal */
  constructor(state: ClusterState) {
    const entry = state.maps.osd_map;
    if (entry === undefined) throw new MgrError('MGR_ERR_NO_OSD_MAP', 'no OSD map has been received yet');
    this.#state = state;
    this.#map = entry.map;
    this.#crush = entry.crush;
  }

  get_epoch(): number {
    return this.#map.epoch;
  }

  get_crush_version(): number {
    return (this.#map as { crush_version?: number }).crush_version ?? 0;
  }

  /** The map itself, the same frozen object `get('osd_map')` returns. */
  dump(): OsdMap {
    return this.#map;
  }

  /** Pools by id. */
  get_pools(): Record<number, Pool> {
    return Object.fromEntries(this.#map.pools.map((p) => [p.pool, p]));
  }

  /** Pools by name. */
  get_pools_by_name(): Record<string, Pool> {
    return Object.fromEntries(this.#map.pools.map((p) => [p.pool_name, p]));
  }

  /** The CRUSH map sent with this OSD map. */
  get_crush(): CRUSHMap {
    if (this.#crush === null)
      throw new MgrError('MGR_ERR_NO_CRUSH_MAP', `OSD map epoch ${this.#map.epoch} came without a CRUSH map`);
    return new CRUSHMap(this.#crush);
  }

  /** The ids of the pools whose CRUSH rule starts by taking `take`. */
  get_pools_by_take(take: number): number[] {
    const crush = this.#crush;
    if (crush === null) return [];
    const rules = new Set(
      crush.rules.filter((r) => r.steps.some((s) => s.op === 'take' && s.item === take)).map(ruleId),
    );
    return this.#map.pools.filter((p) => rules.has(p.crush_rule)).map((p) => p.pool);
  }

  /** Each PG of the pool with its up set: `{"3.0": [1, 2], ...}`. */
  map_pool_pgs_up(poolid: number): Record<string, readonly number[]> {
    const out: Record<string, readonly number[]> = {};
    for (const pg of pgStatsView(this.#state).pg_stats) {
      if (pg.pgid.startsWith(`${poolid}.`)) out[pg.pgid] = pg.up;
    }
    return out;
  }

  /** The up and acting sets of PG `pool_id.ps` (ps as a number), or empty sets with -1 primaries if unknown. */
  pg_to_up_acting_osds(pool_id: number, ps: number): UpActing {
    const pgid = `${pool_id}.${ps.toString(16)}`;
    const pg = pgStatsView(this.#state).pg_stats.find((p) => p.pgid === pgid);
    if (pg === undefined) return { up: [], acting: [], up_primary: -1, acting_primary: -1 };
    return { up: pg.up, acting: pg.acting, up_primary: pg.up_primary, acting_primary: pg.acting_primary };
  }

  /** The raw bytes a byte stored in the pool takes: its size, or `(k+m)/k` for an erasure-coded pool. */
  pool_raw_used_rate(pool_id: number): number {
    const pool = this.#map.pools.find((p) => p.pool === pool_id);
    if (pool === undefined) throw new MgrError('MGR_ERR_POOL_NOT_FOUND', `pool ${pool_id} does not exist`);
    return poolRawUsedRate(this.#map, pool);
  }

  /** An erasure-code profile by name, or null. */
  get_ec_profile(name: string): Readonly<Record<string, string>> | null {
    const profiles = this.#map.erasure_code_profiles;
    return (profiles === undefined ? undefined : own(profiles, name)) ?? null;
  }

  get_require_osd_release(): string {
    return this.#map.require_osd_release ?? '';
  }
}

function ruleId(r: CrushRule): number {
  return (r as { rule_id?: number }).rule_id ?? -1;
}

/** A read-only handle on a CRUSH map, with Ceph's `CRUSHMap` method names. */
export class CRUSHMap {
  static readonly ITEM_NONE = 0x7fffffff;
  static readonly DEFAULT_CHOOSE_ARGS = '-1';
  readonly #crush: CrushDump;
  readonly #buckets: Map<number, CrushBucket>;

  /** @internal */
  constructor(crush: CrushDump) {
    this.#crush = crush;
    this.#buckets = new Map(crush.buckets.map((b) => [b.id, b]));
  }

  /** The map as `ceph osd crush dump` prints it. */
  dump(): CrushDump {
    return this.#crush;
  }

  /** The weight (as a float) of an item in the first bucket holding it, or null. */
  get_item_weight(item: number): number | null {
    for (const b of this.#crush.buckets) {
      const it = b.items.find((i) => i.id === item);
      if (it !== undefined) return it.weight / 0x10000;
    }
    return null;
  }

  get_item_name(item: number): string | null {
    if (item >= 0) return this.#crush.devices.find((d) => d.id === item)?.name ?? null;
    return this.#buckets.get(item)?.name ?? null;
  }

  /** The items the rules start from. */
  find_takes(): number[] {
    const takes = new Set<number>();
    for (const r of this.#crush.rules)
      for (const s of r.steps) if (s.op === 'take' && s.item !== undefined) takes.add(s.item);
    return [...takes].sort((a, b) => a - b);
  }

  /** The buckets no other bucket holds. */
  find_roots(): number[] {
    const held = new Set(this.#crush.buckets.flatMap((b) => b.items.map((i) => i.id)));
    return this.#crush.buckets.filter((b) => !held.has(b.id)).map((b) => b.id);
  }

  /** The OSDs under `root`, each with its share of the root's weight. */
  get_take_weight_osd_map(root: number): Record<number, number> {
    return Object.fromEntries(takeWeightOsdMap(this.#crush, root));
  }

  get_rule(rule_name: string): CrushRule | null {
    return this.#crush.rules.find((r) => r.rule_name === rule_name) ?? null;
  }

  get_rule_by_id(rule_id: number): CrushRule | null {
    return this.#crush.rules.find((r) => ruleId(r) === rule_id) ?? null;
  }

  /** The item the named rule takes first, or null. */
  get_rule_root(rule_name: string): number | null {
    return this.get_rule(rule_name)?.steps.find((s) => s.op === 'take')?.item ?? null;
  }

  /** Every OSD below a bucket, walking down the buckets. */
  get_osds_under(root_id: number): number[] {
    const out: number[] = [];
    const walk = (id: number) => {
      if (id >= 0) out.push(id);
      else for (const it of this.#buckets.get(id)?.items ?? []) walk(it.id);
    };
    walk(root_id);
    return out;
  }

  /** How many devices each device class has. */
  device_class_counts(): Record<string, number> {
    // Counted by class name as data: a class called `constructor` or `__proto__` is one more key.
    const counts = new Map<string, number>();
    for (const d of this.#crush.devices) if (d.class !== undefined) counts.set(d.class, (counts.get(d.class) ?? 0) + 1);
    return Object.fromEntries(counts);
  }
}
