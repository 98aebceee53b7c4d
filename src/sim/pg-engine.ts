import { FULL } from './fullness.ts';
import { sameList } from './osd-list.ts';
import type { OsdMapDoc } from './osd-map-doc.ts';
import { pgKey } from './pg-key.ts';
import { ACTIVE_CLEAN, PG } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';
import { mapPg, placementSeed, stableMod } from './placement.ts';
import { hashUnit } from './rng.ts';
import { setState } from './set-state.ts';
import type { Topology } from './topology.ts';

/** How long the phases of a PG's way back to clean take, in ms of stream time: `[shortest, longest]`. */
export interface PgTiming {
  readonly peerMs: readonly [number, number];
  readonly waitMs: readonly [number, number];
  readonly workMs: readonly [number, number];
}

/** Per-OSD recovery counters the engine adds to (the primary does the work). */
export interface RecoveryCounters {
  readonly recoveryOps: Float64Array;
  readonly recoveryBytes: Float64Array;
}

const NONE = 0;
const RECOVERY = 1;
const BACKFILL = 2;

/**
 * `osd_recovery_retry_interval` and `osd_backfill_retry_interval` (30 s): how long a PG turned away as too full waits
 * before it asks again.
 */
const TOOFULL_RETRY_MS = 30_000;

/** A PG that is not active+clean, and what it takes to get it there. */
interface Activity {
  readonly pool: PoolPgs;
  readonly ps: number;
  /** OSDs holding a copy, and how many objects each lacks (0: complete). Down OSDs keep their (aging) copies. */
  readonly copies: Map<number, number>;
  creating: boolean;
  peerUntil: number;
  /** What the current work is for (targets and laggards): when it changes, the work starts over. */
  plan: string;
  kind: number;
  startAt: number;
  /** Objects the work moves per ms. */
  rate: number;
  total: number;
  done: number;
  targets: number[];
  /** `backfill_toofull` or `recovery_toofull` when the last try met a full OSD (0: none), and when it tries again. */
  tooFull: number;
  retryAt: number;
}

/**
 * Peering and recovery: how PGs react to OSDs going down, up, out and in, to pool changes, and how they find their
 * way back to active+clean. Clean PGs cost nothing here; a PG gets an {@link Activity} when something touches it and
 * loses it when it is clean again. The up set is CRUSH's result less the down OSDs; when an up OSD has no copy yet,
 * the acting set keeps the OSDs that do (a pg_temp) while the new one is backfilled; an OSD that comes back with a
 * stale copy is brought up to date by log recovery. States follow Ceph's: peering, then
 * `active+undersized+degraded`, `…+remapped+backfill_wait`, `…+backfilling`, `recovery_wait`, `recovering`, and
 * back to `active+clean`.
 */
export class PgEngine {
  readonly activities = new Map<number, Activity>();
  /** pg_temp entries by PG key: the acting set while it differs from the up set. */
  readonly pgTemp = new Map<number, number[]>();
  /** Bumped whenever some acting set changes (the per-OSD primary lists need rebuilding). */
  actingVersion = 0;
  /** Bumped whenever the pg_temp table changes. */
  pgTempVersion = 0;
  /**
   * What a PG's state is beyond peering and recovery, given the bits those make it (`inconsistent` while it has
   * scrub errors, `recovery_unfound` while objects are unfound): set by whoever keeps that (see `PgScrubber`).
   */
  overlay: (pool: PoolPgs, ps: number, bits: number) => number = (_pool, _ps, bits) => bits;

  constructor(
    private readonly topo: Topology,
    private readonly doc: OsdMapDoc,
    private readonly seed: number,
    private readonly timing: PgTiming,
    private readonly counters: RecoveryCounters,
  ) {}

  private draw(range: readonly [number, number], pool: number, ps: number, salt: number): number {
    return Math.round(range[0] + (range[1] - range[0]) * hashUnit(this.seed ^ salt, pool, ps, this.doc.next));
  }

  /** Computes the CRUSH result of PG `ps` into the pool's `raw` list; returns whether it changed. */
  private place(pool: PoolPgs, ps: number, scratch: Int32Array): boolean {
    const x = placementSeed(pool.id, ps, pool.pgpNum);
    const n = mapPg(this.topo, this.doc.reweight, x, pool.size, scratch, 0);
    return pool.setList('raw', ps, Array.from(scratch.subarray(0, n)));
  }

  /** Places every PG of a pool that has no placement yet (new pool or new PGs) as clean, up = acting = CRUSH. */
  placeNew(pool: PoolPgs, from: number, now: number, creating: boolean): void {
    const scratch = new Int32Array(pool.size);
    for (let ps = from; ps < pool.pgNum; ps++) {
      this.place(pool, ps, scratch);
      const up = pool.list('raw', ps).filter((o) => this.doc.up[o] === 1);
      pool.setList('up', ps, up);
      pool.setList('acting', ps, up);
      pool.cols.mappingEpoch[ps] = this.doc.next;
      if (creating) {
        const a = this.activity(pool, ps);
        a.creating = true;
        this.evaluate(a, now, true);
      } else if (up.length < pool.size) {
        // CRUSH found fewer hosts than replicas: the PG has been running short of copies, undersized.
        this.evaluate(this.activity(pool, ps), now, false);
      } else {
        pool.cols.state[ps] = ACTIVE_CLEAN;
      }
    }
    this.actingVersion++;
  }

  /**
   * Recomputes CRUSH for a pool's PGs (after a weight, in/out, size or pgp_num change) and re-peers those whose
   * result moved. Only what CRUSH moves is touched: straw2 keeps everything else where it was. With `onlyOsd`, only
   * PGs now mapped to that OSD are recomputed: enough when its weight only went down (nothing moves onto it). With
   * `everyPg` (the pool's size or min_size changed: a new interval for all of them), every PG peers again.
   */
  remap(pool: PoolPgs, now: number, onlyOsd = -1, everyPg = false): void {
    const scratch = new Int32Array(pool.size);
    const { raw } = pool.sets;
    const { rawLen } = pool.cols;
    for (let ps = 0; ps < pool.pgNum; ps++) {
      if (onlyOsd >= 0) {
        let has = false;
        for (let j = 0; !has && j < rawLen[ps]!; j++) has = raw[ps * pool.stride + j] === onlyOsd;
        if (!has) continue;
      }
      const moved = this.place(pool, ps, scratch);
      if (everyPg) this.evaluate(this.activity(pool, ps), now, true);
      else if (moved || this.activities.has(pgKey(pool.id, ps))) this.touch(pool, ps, now);
    }
  }

  /** An OSD went down or came up: re-peer the PGs it is in, or holds a copy of. */
  osdChanged(pools: Iterable<PoolPgs>, osd: number, now: number): void {
    for (const pool of pools) {
      const { raw, acting } = pool.sets;
      const { rawLen, actingLen } = pool.cols;
      const s = pool.stride;
      for (let ps = 0; ps < pool.pgNum; ps++) {
        let hit = this.activities.get(pgKey(pool.id, ps))?.copies.has(osd) ?? false;
        for (let j = 0; !hit && j < rawLen[ps]!; j++) hit = raw[ps * s + j] === osd;
        for (let j = 0; !hit && j < actingLen[ps]!; j++) hit = acting[ps * s + j] === osd;
        if (hit) this.touch(pool, ps, now);
      }
    }
  }

  private activity(pool: PoolPgs, ps: number): Activity {
    const key = pgKey(pool.id, ps);
    let a = this.activities.get(key);
    if (a === undefined) {
      const copies = new Map<number, number>();
      for (const o of pool.list('acting', ps)) copies.set(o, 0);
      a = {
        pool,
        ps,
        copies,
        creating: false,
        peerUntil: 0,
        plan: '',
        kind: NONE,
        startAt: 0,
        rate: 0,
        total: 0,
        done: 0,
        targets: [],
        tooFull: 0,
        retryAt: 0,
      };
      this.activities.set(key, a);
    }
    return a;
  }

  private setPgTemp(key: number, acting: number[] | null): void {
    const old = this.pgTemp.get(key);
    if (acting === null) {
      if (old !== undefined) {
        this.pgTemp.delete(key);
        this.pgTempVersion++;
      }
    } else if (old === undefined || !sameList(old, acting)) {
      this.pgTemp.set(key, acting);
      this.pgTempVersion++;
    }
  }

  /** Something about this PG changed: work out its sets again and let it peer. */
  touch(pool: PoolPgs, ps: number, now: number): void {
    this.evaluate(this.activity(pool, ps), now, false);
  }

  private evaluate(a: Activity, now: number, force: boolean): void {
    const { pool, ps } = a;
    const isUp = (o: number) => this.doc.up[o] === 1;
    const prevActing = pool.list('acting', ps);
    const up = pool.list('raw', ps).filter(isUp);
    const targets = up.filter((o) => !a.copies.has(o));
    let acting = up;
    if (targets.length > 0) {
      // A pg_temp: the up OSDs that have data, then complete copies elsewhere, to serve IO during the backfill.
      const kept = up.filter((o) => a.copies.has(o));
      const complete = (o: number) => isUp(o) && a.copies.get(o) === 0 && !up.includes(o);
      const extra = [
        ...prevActing.filter(complete),
        ...[...a.copies.keys()].filter((o) => complete(o) && !prevActing.includes(o)).sort((x, y) => x - y),
      ];
      acting = [...kept, ...extra].slice(0, pool.size);
    }
    const upChanged = pool.setList('up', ps, up);
    const actingChanged = pool.setList('acting', ps, acting);
    const key = pgKey(pool.id, ps);
    this.setPgTemp(key, acting.length > 0 && !sameList(acting, up) ? acting : null);
    if (upChanged || actingChanged || force) {
      pool.cols.mappingEpoch[ps] = this.doc.next;
      pool.cols.dirty[ps] = 1;
      a.peerUntil = now + this.draw(this.timing.peerMs, pool.id, ps, 0x9ee7);
      this.actingVersion++;
    }
    const laggards = acting.filter((o) => (a.copies.get(o) ?? 0) > 0);
    const plan = `${targets.join(',')}|${laggards.join(',')}`;
    if (plan !== a.plan) {
      a.plan = plan;
      a.targets = targets;
      a.kind = laggards.length > 0 ? RECOVERY : targets.length > 0 ? BACKFILL : NONE;
      a.total =
        a.kind === RECOVERY
          ? laggards.reduce((s, o) => s + a.copies.get(o)!, 0)
          : a.kind === BACKFILL
            ? pool.cols.objects[ps]! * targets.length
            : 0;
      a.done = 0;
      a.tooFull = 0;
      a.startAt = Math.max(now, a.peerUntil) + this.draw(this.timing.waitMs, pool.id, ps, 0x3a17);
      a.rate = a.total / Math.max(1, this.draw(this.timing.workMs, pool.id, ps, 0x3012));
    }
    this.refresh(a, now);
  }

  private blocked(a: Activity, degraded: boolean): boolean {
    const f = this.doc.flags;
    if (f.has('norecover') || a.tooFull !== 0) return true;
    if (a.kind === BACKFILL) return f.has('nobackfill') || (f.has('norebalance') && !degraded);
    return false;
  }

  /** Sets the PG's state bits and its degraded/misplaced counts from where its work stands. */
  private refresh(a: Activity, now: number): void {
    const { pool, ps } = a;
    const c = pool.cols;
    const acting = pool.list('acting', ps);
    const up = pool.list('up', ps);
    const objects = c.objects[ps]!;
    const undersized = Math.max(0, pool.size - acting.length);
    const misplacedCopies = acting.filter((o) => !up.includes(o)).length;
    let lag = 0;
    for (const o of acting) lag += a.copies.get(o) ?? 0;
    const left = a.kind === BACKFILL && a.total > 0 ? 1 - a.done / a.total : 1;
    const degraded = Math.round(undersized * objects * left + lag);
    const misplaced = Math.round(misplacedCopies * objects * left);
    const remapped = acting.length > 0 && !sameList(acting, up);
    let bits = 0;
    if (now >= a.peerUntil) a.creating = false;
    if (now < a.peerUntil) {
      bits = PG.PEERING | (a.creating ? PG.CREATING : 0) | (remapped ? PG.REMAPPED : 0);
    } else if (acting.length === 0) {
      bits = PG.DOWN;
    } else {
      bits = acting.length >= pool.minSize ? PG.ACTIVE : PG.PEERED;
      if (undersized > 0) bits |= PG.UNDERSIZED;
      if (degraded > 0) bits |= PG.DEGRADED;
      if (remapped) bits |= PG.REMAPPED;
      const full = now < a.startAt ? 0 : this.tryTooFull(a, acting, now);
      const waiting = now < a.startAt || this.blocked(a, degraded > 0);
      if (full !== 0) bits |= full;
      else if (a.kind === RECOVERY) bits |= waiting ? PG.RECOVERY_WAIT : PG.RECOVERING;
      else if (a.kind === BACKFILL) bits |= waiting ? PG.BACKFILL_WAIT : PG.BACKFILLING;
      if ((bits & PG.ACTIVE) !== 0 && bits === PG.ACTIVE) bits |= PG.CLEAN;
    }
    bits = this.overlay(pool, ps, bits);
    if (c.degraded[ps] !== degraded || c.misplaced[ps] !== misplaced) {
      c.degraded[ps] = degraded;
      c.misplaced[ps] = misplaced;
      c.dirty[ps] = 1;
    }
    setState(pool, ps, bits, now, this.doc.epoch);
  }

  /**
   * Whether the PG's work is turned away by a full OSD, as the OSDs decide it: a backfill target past the
   * backfillfull ratio refuses its reservation (or cancels a backfill under way at its next scan):
   * `backfill_toofull`; recovery does not start while an OSD it writes to (acting or backfill target) is `full` in
   * the OSD map (`check_full` as it waits for its reservation; one under way goes on): `recovery_toofull`. A PG
   * turned away tries again after {@link TOOFULL_RETRY_MS}.
   */
  private tryTooFull(a: Activity, acting: readonly number[], now: number): number {
    if (a.tooFull !== 0 && now < a.retryAt) return a.tooFull;
    const { fullState, up } = this.doc;
    let bit = 0;
    if (a.kind === BACKFILL) {
      if (a.targets.some((o) => fullState[o]! >= FULL.backfillfull)) bit = PG.BACKFILL_TOOFULL;
    } else if (a.kind === RECOVERY && a.done === 0) {
      const full = (o: number) => up[o] === 1 && fullState[o] === FULL.full;
      if (acting.some(full) || a.targets.some(full)) bit = PG.RECOVERY_TOOFULL;
    }
    a.tooFull = bit;
    a.retryAt = bit === 0 ? 0 : now + TOOFULL_RETRY_MS;
    return bit;
  }

  /** Client writes touched `objects` objects of a PG: copies that are not in the acting set fall behind. */
  noteWrite(pool: PoolPgs, ps: number, objects: number): void {
    const a = this.activities.get(pgKey(pool.id, ps));
    if (a === undefined) return;
    const acting = pool.list('acting', ps);
    const cap = pool.cols.objects[ps]!;
    for (const [o, missing] of a.copies) {
      if (!acting.includes(o)) a.copies.set(o, Math.min(cap, missing + objects));
    }
  }

  /** Advances every PG that is not clean by `dtMs` of work, to `now`. */
  tick(now: number, dtMs: number): void {
    for (const [key, a] of this.activities) {
      const { pool, ps } = a;
      const due = now >= a.peerUntil && a.kind !== NONE && now >= a.startAt;
      // A full OSD turns the work away before any of it is done.
      if (due) this.tryTooFull(a, pool.list('acting', ps), now);
      if (due && !this.blocked(a, pool.cols.degraded[ps]! > 0)) this.work(a, Math.min(dtMs, now - a.startAt), now);
      if (a.kind === NONE && now >= a.peerUntil && this.isClean(a)) {
        for (const o of [...a.copies.keys()]) if (!pool.list('acting', ps).includes(o)) a.copies.delete(o);
        this.activities.delete(key);
        pool.cols.lastEpochClean[ps] = this.doc.epoch;
      }
      this.refresh(a, now);
    }
  }

  private isClean(a: Activity): boolean {
    const { pool, ps } = a;
    const acting = pool.list('acting', ps);
    return (
      acting.length === pool.size && sameList(acting, pool.list('up', ps)) && acting.every((o) => a.copies.get(o) === 0)
    );
  }

  private work(a: Activity, dtMs: number, now: number): void {
    const { pool, ps } = a;
    const c = pool.cols;
    const amount = Math.min(a.total - a.done, Math.max(1, a.rate * dtMs));
    a.done += amount;
    const primary = pool.primary(ps);
    const objBytes = c.objects[ps]! > 0 ? c.bytes[ps]! / c.objects[ps]! : 0;
    const moved = Math.round(amount);
    c.recoveredObjects[ps]! += moved;
    c.recoveredBytes[ps]! += Math.round(moved * objBytes);
    c.dirty[ps] = 1;
    if (primary >= 0) {
      this.counters.recoveryOps[primary]! += moved;
      this.counters.recoveryBytes[primary]! += Math.round(moved * objBytes);
    }
    if (a.kind === RECOVERY) {
      let left = Math.ceil(amount);
      for (const o of pool.list('acting', ps)) {
        const m = a.copies.get(o) ?? 0;
        const take = Math.min(m, left);
        a.copies.set(o, m - take);
        left -= take;
      }
    }
    if (a.done >= a.total) {
      if (a.kind === RECOVERY) for (const o of pool.list('acting', ps)) a.copies.set(o, 0);
      if (a.kind === BACKFILL) for (const o of a.targets) a.copies.set(o, 0);
      a.plan = '';
      this.evaluate(a, now, false);
    }
  }

  /** A pool is gone, or keeps only its PGs below `from`: forget the rest. */
  dropPool(pool: number, from = 0): void {
    for (const [key, a] of this.activities) if (a.pool.id === pool && a.ps >= from) this.activities.delete(key);
    for (const key of [...this.pgTemp.keys()]) {
      if (Math.floor(key / 0x100000) === pool && key % 0x100000 >= from) this.setPgTemp(key, null);
    }
    this.actingVersion++;
  }

  /**
   * A pool shrank to `pgNum` PGs: each PG above folds its objects into the PG it merges with (its seed modulo the
   * new pg_num), which peers; the OSD map's pgp_num must already be no larger.
   */
  merge(pool: PoolPgs, pgNum: number, now: number): void {
    const c = pool.cols;
    const targets = new Set<number>();
    for (let ps = pgNum; ps < pool.pgNum; ps++) {
      const into = stableMod(ps, pgNum);
      for (const k of ['objects', 'bytes', 'reads', 'readKb', 'writes', 'writeKb'] as const) c[k][into]! += c[k][ps]!;
      targets.add(into);
    }
    this.dropPool(pool.id, pgNum);
    pool.resize(pgNum);
    for (const ps of targets) this.evaluate(this.activity(pool, ps), now, true);
  }

  /**
   * A pool grew from `oldPgNum` PGs: each child starts on its parent's OSDs (pgp_num has not moved yet) with half
   * of its parent's objects, and peers.
   */
  split(pool: PoolPgs, oldPgNum: number, now: number): void {
    const c = pool.cols;
    let bits = 0;
    while (1 << bits < pool.pgNum) bits++;
    for (let ps = oldPgNum; ps < pool.pgNum; ps++) {
      let parent = ps;
      while (parent >= oldPgNum) parent &= ~(1 << (31 - Math.clz32(parent)));
      for (const k of ['objects', 'bytes', 'reads', 'readKb', 'writes', 'writeKb'] as const) {
        const half = Math.floor(c[k][parent]! / 2);
        c[k][ps] = c[k][parent]! - half;
        c[k][parent] = half;
      }
      for (const k of ['raw', 'up', 'acting'] as const) pool.setList(k, ps, pool.list(k, parent));
      c.parent[ps] = parent;
      c.parentSplitBits[ps] = bits;
      c.created[ps] = this.doc.next;
      c.versionEpoch[ps] = c.versionEpoch[parent]!;
      c.scrubStamp[ps] = c.scrubStamp[parent]!;
      c.deepScrubStamp[ps] = c.deepScrubStamp[parent]!;
      // A child starts with its parent's stats, stamps included (a PG is not stuck inactive for being new).
      for (const k of ['lastActive', 'lastClean', 'lastBecameActive', 'lastUndegraded', 'lastFullsized'] as const) {
        c[k][ps] = c[k][parent]!;
      }
      const pa = this.activities.get(pgKey(pool.id, parent));
      if (pa !== undefined) {
        const child = this.activity(pool, ps);
        for (const [o, m] of pa.copies) child.copies.set(o, Math.floor(m / 2));
      }
      this.evaluate(this.activity(pool, parent), now, true);
      this.evaluate(this.activity(pool, ps), now, true);
    }
  }
}
