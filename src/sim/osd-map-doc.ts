import type { Osd, OsdMap, OsdXinfo, PgTemp, Pool } from '../../schemas/maps/osd-map.ts';
import type { PatchOperation } from '../../schemas/patch.ts';
import { cephStamp } from '../cluster/ceph-time.ts';
import { FULL, type FullRatios, type FullState, fullStateName, poolFlagsNames } from './fullness.ts';
import { MapEditor } from './map-editor.ts';
import { ADDR_FIELDS, osdAddrs } from './osd-addrs.ts';
import { DEFAULT_FLAGS, flagFields, type OsdMapFlag } from './osd-flags.ts';
import { pgTempEdits } from './pg-temp-edits.ts';
import { type PoolSpec, poolEntry } from './pool-entry.ts';
import { hash32 } from './rng.ts';
import { type Topology, WEIGHT_ONE } from './topology.ts';
import { uuidOf } from './uuid-of.ts';

/** The feature bits a Pacific OSD announces (a 64-bit mask, rounded by JSON as Ceph's own JSON is). */
const OSD_FEATURES = Number('4540138314316775423');

/** What the cluster model starts the OSD map from. */
export interface OsdMapSeed {
  readonly topo: Topology;
  readonly fsid: string;
  readonly seed: number;
  readonly epoch: number;
  readonly createdMs: number;
  readonly nowMs: number;
  readonly pools: readonly PoolSpec[];
}

/**
 * The OSD map as the monitors keep it: the live `ceph osd dump` document, edited in place so that each epoch's
 * JSON Patch falls out of the edits, plus typed arrays of the per-OSD state placement and PG peering read in bulk.
 * Every mutation is for the pending epoch (`epoch + 1`) until {@link commit} publishes it.
 */
export class OsdMapDoc {
  epoch: number;
  readonly up: Uint8Array;
  readonly in: Uint8Array;
  /** The reweight as 16.16 fixed point: 0x10000 is in at full weight, 0 is out. */
  readonly reweight: Int32Array;
  /** The epoch each OSD last came up in. */
  readonly upFrom: Int32Array;
  /** Each OSD process's address nonce (a new one per boot, as a new pid). */
  readonly nonce: Int32Array;
  readonly flags: Set<OsdMapFlag>;
  /** How full each OSD last told the monitors it is (`nearfull`, `backfillfull`, `full` in its state). */
  readonly fullState: Uint8Array;
  private readonly editor: MapEditor<OsdMap>;
  private readonly topo: Topology;
  private readonly createdMs: number;
  private readonly seed: number;
  private readonly autoout = new Set<number>();

  constructor(s: OsdMapSeed) {
    const n = s.topo.osds;
    this.topo = s.topo;
    this.epoch = s.epoch;
    // Room for the OSDs an orchestrator may create later: those slots stay down and out until then.
    const room = s.topo.capacity;
    this.up = new Uint8Array(room).fill(1, 0, n);
    this.in = new Uint8Array(room).fill(1, 0, n);
    this.reweight = new Int32Array(room).fill(WEIGHT_ONE, 0, n);
    this.upFrom = new Int32Array(room);
    this.nonce = new Int32Array(room);
    this.fullState = new Uint8Array(room);
    this.createdMs = s.createdMs;
    this.seed = s.seed;
    this.flags = new Set(DEFAULT_FLAGS);
    const osds: Osd[] = [];
    const xinfo: OsdXinfo[] = [];
    for (let o = 0; o < n; o++) {
      this.upFrom[o] = Math.max(1, s.epoch - 1 - (hash32(s.seed, o, 11) % Math.max(1, s.epoch - 2)));
      this.nonce[o] = 1000 + (hash32(s.seed, o, 12) % 60000);
      osds.push(this.osdEntry(o, s.epoch - 1));
      xinfo.push(this.xinfoEntry(o, s.createdMs + 60_000 + o));
    }
    const map: OsdMap = {
      epoch: s.epoch,
      fsid: s.fsid,
      created: cephStamp(s.createdMs),
      modified: cephStamp(s.nowMs),
      last_up_change: cephStamp(s.createdMs + 120_000),
      last_in_change: cephStamp(s.createdMs + 120_000),
      ...flagFields(this.flags),
      crush_version: 7 + n,
      full_ratio: 0.949999988079071,
      backfillfull_ratio: 0.8999999761581421,
      nearfull_ratio: 0.8500000238418579,
      cluster_snapshot: '',
      pool_max: s.pools.reduce((m, p) => Math.max(m, p.id), 0),
      max_osd: n,
      require_min_compat_client: 'luminous',
      min_compat_client: 'jewel',
      require_osd_release: 'pacific',
      pools: s.pools.map(poolEntry),
      osds,
      osd_xinfo: xinfo,
      pg_upmap: [],
      pg_upmap_items: [],
      pg_temp: [],
      primary_temp: [],
      blocklist: {},
      range_blocklist: {},
      erasure_code_profiles: { default: { k: '2', m: '2', plugin: 'jerasure', technique: 'reed_sol_van' } },
      removed_snaps_queue: [],
      new_removed_snaps: [],
      new_purged_snaps: [],
      crush_node_flags: {},
      device_class_flags: {},
      stretch_mode: {
        stretch_mode_enabled: false,
        stretch_bucket_count: 0,
        degraded_stretch_mode: 0,
        recovering_stretch_mode: 0,
        stretch_mode_bucket: 0,
      },
    };
    this.editor = new MapEditor(map);
  }

  private osdEntry(o: number, upThru: number): Osd {
    const { meta: _meta, ...addrs } = osdAddrs(this.topo, o, this.nonce[o]!);
    return {
      osd: o,
      uuid: uuidOf(this.seed, o, 13),
      up: 1,
      in: 1,
      weight: 1,
      primary_affinity: 1,
      last_clean_begin: 0,
      last_clean_end: 0,
      up_from: this.upFrom[o]!,
      up_thru: upThru,
      down_at: 0,
      lost_at: 0,
      ...addrs,
      state: ['exists', 'up'],
    };
  }

  private xinfoEntry(o: number, scrubMs: number): OsdXinfo {
    return {
      osd: o,
      down_stamp: '0.000000',
      laggy_probability: 0,
      laggy_interval: 0,
      features: OSD_FEATURES,
      old_weight: 0,
      last_purged_snaps_scrub: cephStamp(scrubMs),
      dead_epoch: 0,
    };
  }

  /**
   * A new OSD (the topology's newest id) joins the map up and in, as `osd new` followed by its first boot does;
   * `max_osd` grows to hold it.
   */
  addOsd(o: number, nowMs: number, nonce: number): void {
    const e = this.editor;
    this.up[o] = 1;
    this.in[o] = 1;
    this.reweight[o] = WEIGHT_ONE;
    this.upFrom[o] = this.next;
    this.nonce[o] = nonce;
    e.add(['osds', o], this.osdEntry(o, this.next));
    e.add(['osd_xinfo', o], this.xinfoEntry(o, nowMs));
    e.replace(['max_osd'], Math.max(this.map.max_osd ?? 0, o + 1));
    e.replace(['crush_version'], (this.map.crush_version ?? 0) + 1);
    e.replace(['last_up_change'], cephStamp(nowMs));
    e.replace(['last_in_change'], cephStamp(nowMs));
  }

  /** The live map (read only: edit through the methods). */
  get map(): Readonly<OsdMap> {
    return this.editor.map;
  }

  /** The epoch the pending edits will be published as. */
  get next(): number {
    return this.epoch + 1;
  }

  /** Whether anything changed since the last commit. */
  get dirty(): boolean {
    return this.editor.pending;
  }

  /** `OSDMap::calc_state_set`: the state bits' names, sorted (a `std::set<string>`). */
  private osdState(o: number): string[] {
    const state: string[] = ['exists'];
    if (this.autoout.has(o)) state.push('autoout');
    if (this.up[o] === 1) state.push('up');
    const full = fullStateName(this.fullState[o] as FullState);
    if (full !== undefined) state.push(full);
    return state.sort();
  }

  /** The full, backfillfull and nearfull ratios the OSDs compare their use with. */
  get ratios(): FullRatios {
    const m = this.map;
    return {
      full: m.full_ratio ?? 0.95,
      backfillfull: m.backfillfull_ratio ?? 0.9,
      nearfull: m.nearfull_ratio ?? 0.85,
    };
  }

  /** The monitors record how full an OSD says it is (`OSDMonitor::prepare_full`); false when it was already so. */
  setFullState(o: number, s: FullState): boolean {
    if (this.fullState[o] === s) return false;
    this.fullState[o] = s;
    this.editor.replace(['osds', o, 'state'], this.osdState(o));
    return true;
  }

  /** `get_full_osd_counts`: the OSDs up and in that are full, backfillfull and nearfull (each in one list). */
  fullOsds(): { full: number[]; backfillfull: number[]; nearfull: number[] } {
    const out = { full: [] as number[], backfillfull: [] as number[], nearfull: [] as number[] };
    for (let o = 0; o < this.fullState.length; o++) {
      const s = this.fullState[o]!;
      if (s === FULL.none || this.up[o] === 0 || this.in[o] === 0) continue;
      (s === FULL.full ? out.full : s === FULL.backfillfull ? out.backfillfull : out.nearfull).push(o);
    }
    return out;
  }

  /** The monitors mark an OSD down (it failed, or was marked down by a command). */
  markDown(o: number, nowMs: number): void {
    const e = this.editor;
    this.up[o] = 0;
    e.replace(['osds', o, 'up'], 0);
    e.replace(['osds', o, 'down_at'], this.next);
    e.replace(['osds', o, 'last_clean_begin'], this.upFrom[o]!);
    e.replace(['osds', o, 'last_clean_end'], this.epoch);
    e.replace(['osds', o, 'state'], this.osdState(o));
    e.replace(['osd_xinfo', o, 'down_stamp'], cephStamp(nowMs));
    e.replace(['last_up_change'], cephStamp(nowMs));
  }

  /** An OSD booted: up again with a new process (a new nonce in its addresses). */
  markUp(o: number, nowMs: number, nonce: number): void {
    const e = this.editor;
    this.up[o] = 1;
    this.upFrom[o] = this.next;
    this.nonce[o] = nonce;
    e.replace(['osds', o, 'up'], 1);
    e.replace(['osds', o, 'up_from'], this.next);
    e.replace(['osds', o, 'up_thru'], this.next);
    const addrs = osdAddrs(this.topo, o, nonce);
    for (const f of ADDR_FIELDS) e.replace(['osds', o, f], addrs[f]);
    e.replace(['osds', o, 'state'], this.osdState(o));
    e.replace(['last_up_change'], cephStamp(nowMs));
  }

  /** Marks an OSD out (reweight 0); `auto` when the monitors did it after the down-out interval. */
  markOut(o: number, nowMs: number, auto: boolean): void {
    const e = this.editor;
    if (auto) {
      this.autoout.add(o);
      e.replace(['osd_xinfo', o, 'old_weight'], this.reweight[o]!);
    }
    this.in[o] = 0;
    this.reweight[o] = 0;
    e.replace(['osds', o, 'in'], 0);
    e.replace(['osds', o, 'weight'], 0);
    e.replace(['osds', o, 'state'], this.osdState(o));
    e.replace(['last_in_change'], cephStamp(nowMs));
  }

  /** Marks an OSD in again, at the weight it had before an automatic out (or full weight). */
  markIn(o: number, nowMs: number): void {
    const e = this.editor;
    const old = this.autoout.has(o) ? (this.map.osd_xinfo![o]!.old_weight ?? 0) : 0;
    const w = old > 0 ? old : WEIGHT_ONE;
    this.autoout.delete(o);
    this.in[o] = 1;
    this.reweight[o] = w;
    e.replace(['osds', o, 'in'], 1);
    e.replace(['osds', o, 'weight'], w / WEIGHT_ONE);
    e.replace(['osds', o, 'state'], this.osdState(o));
    e.replace(['osd_xinfo', o, 'old_weight'], 0);
    e.replace(['last_in_change'], cephStamp(nowMs));
  }

  /** Whether the monitors marked this OSD out on their own (and so will mark it in when it boots). */
  isAutoOut(o: number): boolean {
    return this.autoout.has(o);
  }

  /** `osd reweight`: the share of its CRUSH weight an in OSD takes, 16.16 fixed point. */
  setReweight(o: number, w16: number, nowMs: number): void {
    if (w16 === 0) {
      this.markOut(o, nowMs, false);
      return;
    }
    if (this.in[o] === 0) this.markIn(o, nowMs);
    this.reweight[o] = w16;
    this.editor.replace(['osds', o, 'weight'], w16 / WEIGHT_ONE);
  }

  /** Sets or clears a cluster flag (the three forms of the flags follow). */
  setFlag(flag: OsdMapFlag, on: boolean): void {
    if (on) this.flags.add(flag);
    else this.flags.delete(flag);
    const f = flagFields(this.flags);
    this.editor.replace(['flags'], f.flags);
    this.editor.replace(['flags_num'], f.flags_num);
    if (f.flags_set.join() !== this.map.flags_set?.join()) this.editor.replace(['flags_set'], f.flags_set);
  }

  private poolIndex(id: number): number {
    return this.map.pools.findIndex((p) => p.pool === id);
  }

  /** Appends a new pool (its id is the new `pool_max`, so it sorts last, as in Ceph's dump). */
  addPool(spec: PoolSpec): void {
    this.editor.replace(['pool_max'], Math.max(this.map.pool_max ?? 0, spec.id));
    this.editor.add(['pools', this.map.pools.length], poolEntry(spec));
  }

  /** Removes a pool from the dump. */
  removePool(id: number): void {
    this.editor.remove(['pools', this.poolIndex(id)]);
  }

  /** A pool's flag bits (`flags`), 0 for a pool the map does not have. */
  poolFlags(id: number): number {
    return this.map.pools[this.poolIndex(id)]?.flags ?? 0;
  }

  /** Sets a pool's flag bits (and their names); false when they already were so. */
  setPoolFlags(id: number, flags: number): boolean {
    if (this.poolFlags(id) === flags) return false;
    this.setPool(id, { flags, flags_names: poolFlagsNames(flags) });
    return true;
  }

  /** Sets a pool's fields and bumps its `last_change` to the pending epoch. */
  setPool(id: number, fields: Partial<Pool>): void {
    const i = this.poolIndex(id);
    for (const [k, v] of Object.entries(fields)) this.editor.replace(['pools', i, k], v);
    this.editor.replace(['pools', i, 'last_change'], String(this.next));
  }

  /**
   * Makes the pg_temp table (sorted by PG) `entries`: as the entries added, removed and changed since the published
   * one, the way a monitor's incremental carries only `new_pg_temp` (a table of thousands during a rebalance changes
   * by a few dozen an epoch), or whole when that would be as long.
   */
  setPgTemp(entries: readonly PgTemp[]): void {
    const own = (e: PgTemp): PgTemp => ({ pgid: e.pgid, osds: [...e.osds] });
    const edits = pgTempEdits((this.editor.map as OsdMap).pg_temp ?? [], entries);
    if (edits.length === 0) return;
    if (edits.length >= entries.length) {
      this.editor.replace(['pg_temp'], entries.map(own));
      return;
    }
    for (const e of edits) {
      if (e.op === 'remove') this.editor.remove(['pg_temp', e.at]);
      else if (e.op === 'add') this.editor.add(['pg_temp', e.at], own(e.entry));
      else this.editor.replace(['pg_temp', e.at, 'osds'], [...e.entry.osds]);
    }
  }

  /** Publishes the pending edits as the next epoch; null when nothing changed. */
  commit(nowMs: number): { epoch: number; patch: PatchOperation[] } | null {
    if (!this.editor.pending) return null;
    this.epoch = this.next;
    const ops = this.editor.take();
    const head = new MapEditor(this.editor.map);
    head.replace(['epoch'], this.epoch);
    head.replace(['modified'], cephStamp(nowMs));
    return { epoch: this.epoch, patch: [...head.take(), ...ops] };
  }

  /** A deep copy of the live map, for a whole-map event or `osd dump`. */
  snapshot(): OsdMap {
    return structuredClone(this.editor.map);
  }
}
