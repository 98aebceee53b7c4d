import type { HealthCheck } from '../../schemas/maps/health.ts';
import { byteU } from './byte-units.ts';
import type { ClogPriority } from './cluster-log.ts';
import { FULL, type FullState, fullStateOf, POOL_FLAG, poolFullFlags } from './fullness.ts';
import { fullnessChecks, type PoolUse } from './fullness-health.ts';
import type { OsdMapDoc } from './osd-map-doc.ts';
import type { OsdReporter } from './osd-reporter.ts';
import { BLUESTORE_OVERHEAD_BYTES } from './osd-stat.ts';
import type { PoolPgs } from './pg-table.ts';
import type { Topology } from './topology.ts';

/** What the fullness of the cluster is read from and written to. */
export interface FullnessHost {
  readonly topo: Topology;
  readonly doc: OsdMapDoc;
  readonly pools: ReadonlyMap<number, PoolPgs>;
  readonly reporter: OsdReporter;
  /** Whether OSD `o` sends reports (and so tells the monitors how full it is). */
  reporting(o: number): boolean;
  clog(now: number, priority: ClogPriority, message: string): void;
  /** A monitor setting of the central config (`mon_pool_quota_warn_threshold`), if set. */
  monSetting(name: string): string | undefined;
}

/**
 * How full the cluster is, as the monitors see it: each OSD's use against the OSD map's ratios (its `nearfull`,
 * `backfillfull`, `full` state), each pool's flags from its fullest OSD and its quota, the health checks of both;
 * and the writes and deletions the `fill` and `quota` steps make.
 */
export class FullnessMonitor {
  /** What the `fill` step wrote to each OSD, to delete it again. */
  private readonly filled = new Map<number, { pool: number; bytes: number }>();

  constructor(private readonly m: FullnessHost) {}

  /** What each pool holds: its PGs' bytes and objects summed. */
  poolUses(): Map<number, PoolUse> {
    const out = new Map<number, PoolUse>();
    for (const p of this.m.pools.values()) {
      let bytes = 0;
      let objects = 0;
      for (let ps = 0; ps < p.pgNum; ps++) {
        bytes += p.cols.bytes[ps]!;
        objects += p.cols.objects[ps]!;
      }
      out.set(p.id, { id: p.id, bytes, objects });
    }
    return out;
  }

  /** The share of OSD `o`'s space in use, as its `osd_stat` reports it. */
  osdUtilisation(o: number): number {
    const total = this.m.topo.osdBytes[o]!;
    if (total <= 0) return 0;
    return Math.min(total, this.m.reporter.usage().dataBytes[o]! + BLUESTORE_OVERHEAD_BYTES) / total;
  }

  /** The health checks of fullness and quotas (see {@link fullnessChecks}). */
  checks(): Record<string, HealthCheck> {
    const threshold = (name: string) => Number(this.m.monSetting(name) ?? 0) || 0;
    return fullnessChecks(this.m.doc, this.poolUses(), {
      warn: threshold('mon_pool_quota_warn_threshold'),
      crit: threshold('mon_pool_quota_crit_threshold'),
    });
  }

  /**
   * What the monitors learn of fullness each stats period: each OSD that reports tells how full it is against the
   * map's ratios (`MOSDFull`, recorded in its state), each pool takes the flag of the fullest OSD it is on, and a
   * pool at its quota becomes `full_quota` and `full` until it is under it again (`update_pools_status`, with
   * Ceph's cluster log lines). True when the map changed.
   */
  update(now: number): boolean {
    const { doc, topo } = this.m;
    let changed = false;
    for (let o = 0; o < topo.osds; o++) {
      if (!this.m.reporting(o)) continue;
      if (doc.setFullState(o, fullStateOf(this.osdUtilisation(o), doc.ratios))) changed = true;
    }
    const usage = this.m.reporter.usage();
    const np = usage.poolIds.length;
    const uses = this.poolUses();
    for (let k = 0; k < np; k++) {
      const id = usage.poolIds[k]!;
      const entry = doc.map.pools.find((p) => p.pool === id);
      if (entry === undefined) continue;
      let worst: FullState = FULL.none;
      for (let o = 0; o < topo.osds; o++) {
        if (usage.poolPgs[o * np + k] === 0 || doc.up[o] === 0 || doc.in[o] === 0) continue;
        if (doc.fullState[o]! > worst) worst = doc.fullState[o] as FullState;
      }
      let flags = entry.flags ?? 0;
      const use = uses.get(id);
      if (use !== undefined) flags = this.quotaFlags(entry, flags, use, now);
      if (doc.setPoolFlags(id, poolFullFlags(flags, worst))) changed = true;
    }
    return changed;
  }

  /** `OSDMonitor::update_pools_status` for one pool: its flags with the quota's `full_quota` and `full` set or cleared. */
  private quotaFlags(
    q: { pool_name: string; quota_max_bytes?: number | undefined; quota_max_objects?: number | undefined },
    flags: number,
    use: PoolUse,
    now: number,
  ): number {
    const name = q.pool_name;
    const maxBytes = q.quota_max_bytes ?? 0;
    const maxObjects = q.quota_max_objects ?? 0;
    const overBytes = maxBytes > 0 && use.bytes >= maxBytes;
    const overObjects = maxObjects > 0 && use.objects >= maxObjects;
    if ((flags & POOL_FLAG.full_quota) !== 0) {
      if (overBytes || overObjects) return flags;
      this.m.clog(now, '[INF]', `pool '${name}' no longer out of quota; removing NO_QUOTA flag`);
      return flags & ~(POOL_FLAG.full_quota | POOL_FLAG.full);
    }
    if (!overBytes && !overObjects) return flags;
    if (overBytes) this.m.clog(now, '[WRN]', `pool '${name}' is full (reached quota's max_bytes: ${byteU(maxBytes)})`);
    if (overObjects) this.m.clog(now, '[WRN]', `pool '${name}' is full (reached quota's max_objects: ${maxObjects})`);
    return (flags | POOL_FLAG.full_quota | POOL_FLAG.full) & ~(POOL_FLAG.nearfull | POOL_FLAG.backfillfull);
  }

  /** The pools whose `full` flag stops client writes. */
  fullPools(): Set<number> {
    const out = new Set<number>();
    for (const p of this.m.doc.map.pools) if (((p.flags ?? 0) & POOL_FLAG.full) !== 0) out.add(p.pool);
    return out;
  }

  /**
   * Writes to pool `pool`'s PGs on `osd` until its use is `ratio` of its space (`null`: deletes what was written so,
   * and the OSD drains back).
   */
  fillOsd(pool: number, osd: number, ratio: number | null): void {
    if (osd < 0 || osd >= this.m.topo.osds) return;
    const was = this.filled.get(osd);
    if (ratio === null) {
      if (was === undefined) return;
      this.filled.delete(osd);
      this.fillData(was.pool, osd, this.osdUtilisation(osd) - was.bytes / this.m.topo.osdBytes[osd]!);
      return;
    }
    const added = this.fillData(pool, osd, ratio);
    this.filled.set(osd, { pool, bytes: (was?.bytes ?? 0) + added });
  }

  /** Clients write to pool `name` until it holds `factor` times what it does now. */
  growPool(name: string, factor: number): void {
    const pool = [...this.m.pools.values()].find((p) => p.name === name);
    if (pool !== undefined) this.fillData(pool.id, -1, factor);
  }

  /**
   * Writes to (or, below its use, deletes from) the PGs of pool `poolId` that OSD `osd` holds (all the pool's PGs
   * with `osd` -1), spread evenly, until `osd`'s use reaches `ratio` of its space; or with `osd` -1 until the pool
   * holds `ratio` times what it holds now. The objects follow the bytes at the pool's object size. Returns the bytes
   * added (negative: deleted).
   */
  private fillData(poolId: number, osd: number, ratio: number): number {
    const { doc, topo, reporter } = this.m;
    const pool = this.m.pools.get(poolId);
    if (pool === undefined) return 0;
    const pgs: number[] = [];
    for (let ps = 0; ps < pool.pgNum; ps++) {
      if (osd < 0 || pool.list('acting', ps).includes(osd)) pgs.push(ps);
    }
    if (pgs.length === 0) return 0;
    const c = pool.cols;
    let held = 0;
    for (const ps of pgs) held += c.bytes[ps]!;
    const used = osd < 0 ? 0 : reporter.usage().dataBytes[osd]! + BLUESTORE_OVERHEAD_BYTES;
    const delta = osd < 0 ? held * (ratio - 1) : Math.max(-held, ratio * topo.osdBytes[osd]! - used);
    const per = delta / pgs.length;
    let added = 0;
    for (const ps of pgs) {
      const bytes = Math.max(0, Math.round(c.bytes[ps]! + per));
      const grown = bytes - c.bytes[ps]!;
      added += grown;
      c.bytes[ps] = bytes;
      c.objects[ps] = Math.max(0, c.objects[ps]! + Math.round(grown / pool.kind.objectBytes));
      if (grown > 0) {
        c.writes[ps]! += Math.ceil(grown / pool.kind.objectBytes);
        c.writeKb[ps]! += Math.ceil(grown / 1024);
      }
      c.versionEpoch[ps] = doc.epoch;
      c.dirty[ps] = 1;
    }
    reporter.dataChanged();
    return added;
  }
}
