import type { OsdCounters } from './osd-daemon.ts';
import type { OsdMapDoc } from './osd-map-doc.ts';
import type { PgEngine } from './pg-engine.ts';
import { pgKey } from './pg-key.ts';
import { ACTIVE_CLEAN, PG } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';
import { hashUnit } from './rng.ts';
import { setState } from './set-state.ts';

const DAY_S = 86_400;

/** Ceph's (Pacific) defaults for scrubbing, and the monitors' thresholds for warning about it. */
export const SCRUB_DEFAULTS = {
  osd_scrub_min_interval: DAY_S,
  osd_scrub_max_interval: 7 * DAY_S,
  osd_deep_scrub_interval: 7 * DAY_S,
  osd_scrub_interval_randomize_ratio: 0.5,
  osd_deep_scrub_randomize_ratio: 0.15,
  mon_warn_pg_not_scrubbed_ratio: 0.5,
  mon_warn_pg_not_deep_scrubbed_ratio: 0.75,
  mon_osd_warn_num_repaired: 10,
} as const;

/** The pool options (`osd pool set POOL <opt> <seconds>`) that override the scrub intervals for one pool. */
export const SCRUB_POOL_OPTIONS = ['scrub_min_interval', 'scrub_max_interval', 'deep_scrub_interval'] as const;
/** One of {@link SCRUB_POOL_OPTIONS}. */
export type ScrubPoolOption = (typeof SCRUB_POOL_OPTIONS)[number];

/** How often the OSDs look for PGs whose scrub is due, in ms. */
const SCAN_MS = 60_000;
/** A deep scrub reads every byte of the PG; a shallow one lists objects and compares their metadata. */
const DEEP_BYTES_PER_S = 256 * 2 ** 20;
const SHALLOW_OBJECTS_PER_S = 4000;
/** How long a PG whose unfound objects were reverted takes to recover them. */
const REVERT_RECOVERY_MS = 3000;

/** A scrub in progress: the PG and the OSDs it holds (each OSD takes part in one at a time, `osd_max_scrubs` 1). */
interface Scrub {
  readonly pool: PoolPgs;
  readonly ps: number;
  readonly deep: boolean;
  readonly repair: boolean;
  readonly osds: readonly number[];
  readonly endAt: number;
}

/** An operator's `pg scrub|deep-scrub|repair`: run as soon as the PG's OSDs are free, whatever the flags. */
interface Request {
  readonly pool: PoolPgs;
  readonly ps: number;
  readonly deep: boolean;
  readonly repair: boolean;
}

/** What the scrubber works with. */
export interface ScrubberDeps {
  readonly doc: OsdMapDoc;
  readonly pools: ReadonlyMap<number, PoolPgs>;
  readonly engine: PgEngine;
  readonly counters: OsdCounters;
  readonly seed: number;
  /** The simulation's duration in s: deep scrubs are paced to it, as recovery is. */
  readonly durationS: number;
  /** Something the health checks read changed. */
  readonly recheckHealth: () => void;
}

/** A PG by pool and index. */
export interface PgRef {
  readonly pool: PoolPgs;
  readonly ps: number;
}

/**
 * The OSDs' scrubbing, and the damage it finds: each PG's next scrub is scheduled `scrub_min_interval` (1 day, or
 * the pool's option) after its last, stretched by up to half that (`osd_scrub_interval_randomize_ratio`); when due,
 * a clean PG is scrubbed by its OSDs, each in one scrub at a time (`osd_max_scrubs` 1), deep when the pool's
 * `deep_scrub_interval` (7 days) has passed since its last deep scrub or on a 15% draw
 * (`osd_deep_scrub_randomize_ratio`). The `noscrub` flag stops regular scrubs, `nodeep-scrub` deep ones; an
 * operator's `pg scrub|deep-scrub|repair` runs whatever the flags. A deep scrub finds the objects a damaged shard
 * holds (`inconsistent`, `num_scrub_errors`), a repair fixes them (the primary's `num_shards_repaired` grows).
 * Objects whose newest version is lost are unfound until `mark_unfound_lost revert`.
 */
export class PgScrubber {
  private readonly active = new Map<number, Scrub>();
  /** OSDs taking part in a scrub. */
  private readonly busy = new Set<number>();
  private readonly requests: Request[] = [];
  private candidates: PgRef[] = [];
  private nextScan = 0;
  private flagsKey = '';
  private readonly optionsKey = new Map<number, string>();
  /** Objects with a damaged shard a deep scrub will find, by PG key. */
  private readonly latent = new Map<number, number>();
  /** PGs with scrub errors or unfound objects, by PG key. */
  private readonly damagedPgs = new Map<number, PgRef>();
  /** PGs recovering reverted objects, and until when. */
  private readonly reverting = new Map<number, PgRef & { readonly until: number }>();
  /** Bumped when an overdue PG is scrubbed or a pool's scrub options change: the overdue checks are recounted. */
  stampVersion = 0;

  constructor(private readonly d: ScrubberDeps) {
    d.engine.overlay = (pool, ps, bits) => this.overlay(pool, ps, bits);
  }

  /** The PGs with scrub errors or unfound objects (forgetting those whose pool is gone or merged them away). */
  damaged(): Iterable<PgRef> {
    for (const [key, r] of this.damagedPgs) if (!this.exists(r)) this.damagedPgs.delete(key);
    return this.damagedPgs.values();
  }

  /** The PGs that are not clean for what this keeps (unfound objects, reverted ones recovering). */
  unclean(): PgRef[] {
    const out: PgRef[] = [...this.reverting.values()].filter((r) => this.exists(r));
    for (const r of this.damaged()) if (r.pool.cols.unfound[r.ps]! > 0) out.push(r);
    return out;
  }

  /** A pool's scrub option in seconds (0: not set), from the OSD map's pool `options`. */
  poolOption(pool: number, name: ScrubPoolOption): number {
    const v = this.d.doc.map.pools.find((p) => p.pool === pool)?.options?.[name];
    return typeof v === 'number' ? v : 0;
  }

  private overlay(pool: PoolPgs, ps: number, bits: number): number {
    const c = pool.cols;
    let b = bits;
    if (c.scrubErrors[ps]! > 0) b |= PG.INCONSISTENT;
    if (c.unfound[ps]! > 0 && (b & PG.ACTIVE) !== 0) {
      b = (b & ~(PG.CLEAN | PG.RECOVERING | PG.RECOVERY_WAIT)) | PG.RECOVERY_UNFOUND | PG.DEGRADED;
    }
    return b;
  }

  /** A PG its OSDs may scrub: active+clean (inconsistent or not), not peering or recovering, not scrubbing now. */
  private scrubbable(pool: PoolPgs, ps: number): boolean {
    const key = pgKey(pool.id, ps);
    return (
      (pool.cols.state[ps]! & ~PG.INCONSISTENT) === ACTIVE_CLEAN &&
      !this.active.has(key) &&
      !this.d.engine.activities.has(key) &&
      pool.cols.actingLen[ps] === pool.size
    );
  }

  /** Moves scrubbing on to `now`: finishes scrubs, looks for due PGs, starts what the OSDs have room for. */
  tick(now: number): void {
    for (const [key, s] of this.active) {
      if (!this.stillScrubbing(s)) this.abort(key, s, now);
      else if (now >= s.endAt) this.finish(key, s, now);
    }
    for (const [key, r] of this.reverting) {
      if (now < r.until || !this.exists(r)) continue;
      this.reverting.delete(key);
      const c = r.pool.cols;
      c.degraded[r.ps] = 0;
      setState(r.pool, r.ps, this.overlay(r.pool, r.ps, ACTIVE_CLEAN), now, this.d.doc.epoch);
      this.d.recheckHealth();
    }
    const flags = `${this.d.doc.flags.has('noscrub')},${this.d.doc.flags.has('nodeep-scrub')}`;
    if (flags !== this.flagsKey) {
      this.flagsKey = flags;
      this.nextScan = now;
    }
    if (now >= this.nextScan) {
      this.scan(now);
      this.nextScan = now + SCAN_MS;
    }
    this.startDue(now);
  }

  private exists(r: PgRef): boolean {
    return this.d.pools.get(r.pool.id) === r.pool && r.ps < r.pool.pgNum;
  }

  private stillScrubbing(s: Scrub): boolean {
    if (!this.exists(s)) return false;
    if ((s.pool.cols.state[s.ps]! & PG.SCRUBBING) === 0) return false;
    const acting = s.pool.list('acting', s.ps);
    return acting.length === s.osds.length && acting.every((o, i) => o === s.osds[i]);
  }

  private release(key: number, s: Scrub): void {
    this.active.delete(key);
    for (const o of s.osds) this.busy.delete(o);
  }

  /** The PG peered again (an OSD went down, the pool changed): the scrub stops, to be scheduled again. */
  private abort(key: number, s: Scrub, now: number): void {
    this.release(key, s);
    if (!this.exists(s)) return;
    const bits = s.pool.cols.state[s.ps]!;
    const rest = bits & ~(PG.SCRUBBING | PG.DEEP_SCRUB | PG.REPAIR);
    if (rest !== bits) setState(s.pool, s.ps, rest, now, this.d.doc.epoch);
  }

  /** The age past which the monitors call a PG's scrub (deep scrub) overdue, in ms: `PG_NOT_(DEEP_)SCRUBBED`. */
  overdueAge(pool: number, deep: boolean): number {
    const s = deep
      ? this.poolOption(pool, 'deep_scrub_interval') || SCRUB_DEFAULTS.osd_deep_scrub_interval
      : this.poolOption(pool, 'scrub_max_interval') || SCRUB_DEFAULTS.osd_scrub_max_interval;
    const ratio = deep
      ? SCRUB_DEFAULTS.mon_warn_pg_not_deep_scrubbed_ratio
      : SCRUB_DEFAULTS.mon_warn_pg_not_scrubbed_ratio;
    return (ratio * s + s) * 1000;
  }

  private finish(key: number, s: Scrub, now: number): void {
    this.release(key, s);
    const { pool, ps } = s;
    const c = pool.cols;
    // Only a scrub of an overdue PG changes what the overdue checks count (a stamp only moves forward).
    if (
      c.scrubStamp[ps]! < now - this.overdueAge(pool.id, false) ||
      (s.deep && c.deepScrubStamp[ps]! < now - this.overdueAge(pool.id, true))
    ) {
      this.stampVersion++;
    }
    c.scrubStamp[ps] = now;
    c.scrubWrites[ps] = c.writes[ps]!;
    c.scrubDue[ps] = 0;
    if (s.deep) {
      c.deepScrubStamp[ps] = now;
      if (s.repair) {
        const fixed = Math.max(c.scrubErrors[ps]!, this.latent.get(key) ?? 0);
        this.latent.delete(key);
        c.scrubErrors[ps] = 0;
        c.repaired[ps]! += fixed;
        const primary = s.osds[0]!;
        this.d.counters.shardsRepaired[primary]! += fixed;
      } else {
        c.scrubErrors[ps] = this.latent.get(key) ?? 0;
      }
    }
    this.noteDamage(pool, ps);
    const bits = c.state[ps]! & ~(PG.SCRUBBING | PG.DEEP_SCRUB | PG.REPAIR | PG.INCONSISTENT);
    setState(pool, ps, this.overlay(pool, ps, bits), now, this.d.doc.epoch);
    this.d.recheckHealth();
  }

  private noteDamage(pool: PoolPgs, ps: number): void {
    const key = pgKey(pool.id, ps);
    if (pool.cols.scrubErrors[ps]! > 0 || pool.cols.unfound[ps]! > 0) this.damagedPgs.set(key, { pool, ps });
    else this.damagedPgs.delete(key);
  }

  /** When PG `ps`'s next regular scrub is due, as its primary schedules it. */
  private due(pool: PoolPgs, ps: number, minS: number): number {
    const c = pool.cols;
    let due = c.scrubDue[ps]!;
    if (due === 0) {
      const stamp = c.scrubStamp[ps]!;
      const r = hashUnit(this.d.seed ^ 0x5c4b, pool.id, ps, Math.floor(stamp / 1000));
      due = stamp + minS * 1000 * (1 + SCRUB_DEFAULTS.osd_scrub_interval_randomize_ratio * r);
      c.scrubDue[ps] = due;
    }
    return due;
  }

  private scan(now: number): void {
    const out: Array<PgRef & { due: number }> = [];
    for (const pool of this.d.pools.values()) {
      const key = SCRUB_POOL_OPTIONS.map((o) => this.poolOption(pool.id, o)).join(',');
      if (this.optionsKey.get(pool.id) !== key) {
        this.optionsKey.set(pool.id, key);
        pool.cols.scrubDue.fill(0);
        this.stampVersion++;
      }
      const minS = this.poolOption(pool.id, 'scrub_min_interval') || SCRUB_DEFAULTS.osd_scrub_min_interval;
      for (let ps = 0; ps < pool.pgNum; ps++) {
        const due = this.due(pool, ps, minS);
        if (due <= now && this.scrubbable(pool, ps)) out.push({ pool, ps, due });
      }
    }
    for (const id of [...this.optionsKey.keys()]) if (!this.d.pools.has(id)) this.optionsKey.delete(id);
    this.candidates = out.sort((a, b) => a.due - b.due);
  }

  /** Whether a regular scrub due now is deep, given the flags; null when the flags allow none. */
  private regularKind(pool: PoolPgs, ps: number, now: number): boolean | null {
    const flags = this.d.doc.flags;
    const c = pool.cols;
    const deepS = this.poolOption(pool.id, 'deep_scrub_interval') || SCRUB_DEFAULTS.osd_deep_scrub_interval;
    const timeForDeep = now >= c.deepScrubStamp[ps]! + deepS * 1000;
    const coin =
      hashUnit(this.d.seed ^ 0xdee9, pool.id, ps, Math.floor(c.scrubStamp[ps]! / 1000)) <
      SCRUB_DEFAULTS.osd_deep_scrub_randomize_ratio;
    const deep = !flags.has('nodeep-scrub') && (timeForDeep || (coin && !flags.has('noscrub')));
    if (!deep && flags.has('noscrub')) return null;
    return deep;
  }

  private fits(pool: PoolPgs, ps: number): boolean {
    if (!this.scrubbable(pool, ps)) return false;
    const base = ps * pool.stride;
    for (let j = 0; j < pool.cols.actingLen[ps]!; j++) if (this.busy.has(pool.sets.acting[base + j]!)) return false;
    return true;
  }

  private startDue(now: number): void {
    for (let i = 0; i < this.requests.length; i++) {
      const r = this.requests[i]!;
      if (!this.exists(r)) {
        this.requests.splice(i--, 1);
      } else if (this.fits(r.pool, r.ps)) {
        this.requests.splice(i--, 1);
        this.start(r.pool, r.ps, r.deep, r.repair, now);
      }
    }
    if (this.candidates.length === 0) return;
    const keep: PgRef[] = [];
    for (const cand of this.candidates) {
      if (!this.exists(cand) || !this.scrubbable(cand.pool, cand.ps)) continue;
      if (!this.fits(cand.pool, cand.ps)) {
        keep.push(cand);
        continue;
      }
      const deep = this.regularKind(cand.pool, cand.ps, now);
      if (deep !== null) this.start(cand.pool, cand.ps, deep, false, now);
    }
    this.candidates = keep;
  }

  private durationMs(pool: PoolPgs, ps: number, deep: boolean): number {
    const c = pool.cols;
    // Paced to the duration, as recovery is: a deep scrub of tens of GiB takes minutes on a real cluster.
    const cap = Math.max(1000, this.d.durationS * 1000 * 0.002);
    const ms = deep ? (c.bytes[ps]! / DEEP_BYTES_PER_S) * 1000 : (c.objects[ps]! / SHALLOW_OBJECTS_PER_S) * 1000;
    return Math.max(1000, Math.round(Math.min(deep ? cap : cap / 4, ms) / 1000) * 1000);
  }

  private start(pool: PoolPgs, ps: number, deep: boolean, repair: boolean, now: number): void {
    const osds = pool.list('acting', ps);
    for (const o of osds) this.busy.add(o);
    const key = pgKey(pool.id, ps);
    this.active.set(key, { pool, ps, deep, repair, osds, endAt: now + this.durationMs(pool, ps, deep) });
    const bits = pool.cols.state[ps]! | PG.SCRUBBING | (deep ? PG.DEEP_SCRUB : 0) | (repair ? PG.REPAIR : 0);
    setState(pool, ps, bits, now, this.d.doc.epoch);
  }

  /** An operator's `pg scrub|deep-scrub|repair` of a PG: queued, run as soon as its OSDs are free. */
  request(pool: PoolPgs, ps: number, op: 'scrub' | 'deep-scrub' | 'repair'): void {
    this.requests.push({ pool, ps, deep: op !== 'scrub', repair: op === 'repair' });
  }

  /** A shard of `objects` objects of the PG is damaged (a disk's bad sectors): its next deep scrub finds them. */
  damage(pool: PoolPgs, ps: number, objects: number): void {
    const key = pgKey(pool.id, ps);
    this.latent.set(key, (this.latent.get(key) ?? 0) + objects);
  }

  /**
   * `objects` objects of the PG have lost their newest version (the only OSD that had it lost the write): the PG
   * is `active+recovery_unfound+degraded`, every copy of them degraded, until they are marked lost.
   */
  loseObjects(pool: PoolPgs, ps: number, objects: number, now: number): void {
    const c = pool.cols;
    c.unfound[ps] = objects;
    c.degraded[ps] = objects * pool.size;
    this.noteDamage(pool, ps);
    const base = this.d.engine.activities.has(pgKey(pool.id, ps)) ? c.state[ps]! : PG.ACTIVE;
    setState(pool, ps, this.overlay(pool, ps, base), now, this.d.doc.epoch);
    this.d.recheckHealth();
  }

  /** `mark_unfound_lost revert`: the unfound objects go back to their last version and are recovered. */
  revertUnfound(pool: PoolPgs, ps: number, now: number): number {
    const c = pool.cols;
    const n = c.unfound[ps]!;
    if (n === 0) return 0;
    c.unfound[ps] = 0;
    this.noteDamage(pool, ps);
    c.recoveredObjects[ps]! += n;
    const key = pgKey(pool.id, ps);
    if (!this.d.engine.activities.has(key)) {
      c.degraded[ps] = n * (pool.size - 1);
      setState(pool, ps, PG.ACTIVE | PG.RECOVERING | PG.DEGRADED, now, this.d.doc.epoch);
      this.reverting.set(key, { pool, ps, until: now + REVERT_RECOVERY_MS });
    }
    this.d.recheckHealth();
    return n;
  }

  /** `clear_shards_repaired` (or the OSD restarting): its repaired count starts again from 0. */
  clearShardsRepaired(osd: number): void {
    if (this.d.counters.shardsRepaired[osd] === 0) return;
    this.d.counters.shardsRepaired[osd] = 0;
    this.d.recheckHealth();
  }
}
