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

/** Writes under way: `left` bytes more (negative: to delete) to pool `pool`'s PGs `pgs`, at `perMs` bytes a ms. */
interface Ramp {
  readonly pool: number;
  /** The OSD that fills (-1: the whole pool grows). */
  readonly osd: number;
  readonly pgs: readonly number[];
  left: number;
  readonly perMs: number;
}

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
  /** A client writes `bytes` to PG `ps` of `pool` (negative: deletes), as client writes; the change in its bytes. */
  write(pool: PoolPgs, ps: number, bytes: number): number;
}

/**
 * How full the cluster is, as the monitors see it: each OSD's use against the OSD map's ratios (its `nearfull`,
 * `backfillfull`, `full` state), each pool's flags from its fullest OSD and its quota, the health checks of both;
 * and the writes and deletions the `fill` and `quota` steps make.
 */
export class FullnessMonitor {
  /** What the `fill` step wrote to each OSD, to delete it again. */
  private readonly filled = new Map<number, { pool: number; bytes: number }>();
  /** The writes of the `fill` and `grow` steps under way, by `osd.<id>` or `pool.<id>`. */
  private readonly ramps = new Map<string, Ramp>();

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
   * Clients write to pool `pool`'s PGs on `osd` until its use is `ratio` of its space (`null`: they delete what
   * they wrote so, and the OSD drains back), evenly over `rampMs` (see {@link tick}).
   */
  fillOsd(pool: number, osd: number, ratio: number | null, rampMs: number): void {
    if (osd < 0 || osd >= this.m.topo.osds) return;
    const key = `osd.${osd}`;
    if (ratio === null) {
      const was = this.filled.get(osd);
      if (was === undefined) return;
      this.ramps.delete(key);
      this.startRamp(key, was.pool, osd, -was.bytes, rampMs);
      return;
    }
    const used = this.m.reporter.usage().dataBytes[osd]! + BLUESTORE_OVERHEAD_BYTES;
    this.startRamp(key, pool, osd, ratio * this.m.topo.osdBytes[osd]! - used, rampMs);
  }

  /** Clients write to pool `name` until it holds `factor` times what it does now, evenly over `rampMs`. */
  growPool(name: string, factor: number, rampMs: number): void {
    const pool = [...this.m.pools.values()].find((p) => p.name === name);
    if (pool === undefined) return;
    this.startRamp(`pool.${pool.id}`, pool.id, -1, this.poolUses().get(pool.id)!.bytes * (factor - 1), rampMs);
  }

  /**
   * The writes (or deletions) of the `fill` and `grow` steps under way for `dtMs` more: each its even share of what
   * is left. They are client writes: a pool flagged `full` (or the `pausewr` and `full` cluster flags) holds them
   * back until it is not, as clients wait on a full cluster; deletions go on.
   */
  tick(dtMs: number): void {
    if (this.ramps.size === 0) return;
    const { doc } = this.m;
    const blocked = doc.flags.has('pausewr') || doc.flags.has('full');
    const full = this.fullPools();
    for (const [key, r] of this.ramps) {
      const pool = this.m.pools.get(r.pool);
      if (pool === undefined || r.left === 0) {
        this.ramps.delete(key);
        continue;
      }
      if (r.left > 0 && (blocked || full.has(r.pool))) continue;
      const step = r.left > 0 ? Math.min(r.left, r.perMs * dtMs) : Math.max(r.left, -r.perMs * dtMs);
      const pgs = r.pgs.filter((ps) => ps < pool.pgNum);
      let done = 0;
      for (const ps of pgs) done += this.m.write(pool, ps, step / pgs.length);
      if (r.osd >= 0) {
        const was = this.filled.get(r.osd);
        const bytes = (was?.bytes ?? 0) + done;
        if (bytes > 0) this.filled.set(r.osd, { pool: r.pool, bytes });
        else this.filled.delete(r.osd);
      }
      r.left = pgs.length === 0 || done === 0 ? 0 : r.left - step;
      if (Math.abs(r.left) < 1) this.ramps.delete(key);
      if (done !== 0) this.m.reporter.dataChanged();
    }
  }

  /**
   * Starts writing `bytes` (negative: deleting) to the PGs of pool `poolId` that OSD `osd` holds (all the pool's PGs
   * with `osd` -1), spread evenly over them and over `rampMs`; a deletion takes no more than those PGs hold.
   */
  private startRamp(key: string, poolId: number, osd: number, bytes: number, rampMs: number): void {
    const pool = this.m.pools.get(poolId);
    if (pool === undefined) return;
    const pgs: number[] = [];
    for (let ps = 0; ps < pool.pgNum; ps++) {
      if (osd < 0 || pool.list('acting', ps).includes(osd)) pgs.push(ps);
    }
    let held = 0;
    for (const ps of pgs) held += pool.cols.bytes[ps]!;
    const left = Math.max(-held, bytes);
    if (pgs.length === 0 || Math.abs(left) < 1) return;
    this.ramps.set(key, { pool: poolId, osd, pgs, left, perMs: Math.abs(left) / Math.max(1, rampMs) });
  }
}
