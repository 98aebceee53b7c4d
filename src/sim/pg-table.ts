import type { PoolKind } from './pool-catalog.ts';

type Column = Float64Array | Uint32Array | Int32Array | Uint8Array;
type ColumnCtor = new (n: number) => Column;

/** Per-PG numbers, one element per PG. */
const SCALARS = {
  /** PG state bits (pg-state.ts). */
  state: Uint32Array,
  rawLen: Uint8Array,
  upLen: Uint8Array,
  actingLen: Uint8Array,
  objects: Float64Array,
  bytes: Float64Array,
  reads: Float64Array,
  readKb: Float64Array,
  writes: Float64Array,
  writeKb: Float64Array,
  recoveredObjects: Float64Array,
  recoveredBytes: Float64Array,
  degraded: Float64Array,
  misplaced: Float64Array,
  /** Epoch of the last write: the first half of `version`. */
  versionEpoch: Uint32Array,
  reportedSeq: Float64Array,
  mappingEpoch: Uint32Array,
  created: Uint32Array,
  lastEpochClean: Uint32Array,
  lastChange: Float64Array,
  lastActive: Float64Array,
  lastClean: Float64Array,
  lastBecameActive: Float64Array,
  lastUndegraded: Float64Array,
  lastFullsized: Float64Array,
  scrubStamp: Float64Array,
  deepScrubStamp: Float64Array,
  /** Writes at the last scrub: the second half of `last_scrub`. */
  scrubWrites: Float64Array,
  /** When the PG's next regular scrub is scheduled (0: to be worked out from its stamps and its pool's options). */
  scrubDue: Float64Array,
  /** Inconsistencies the last deep scrub found and no repair has fixed (`num_deep_scrub_errors`). */
  scrubErrors: Uint32Array,
  /** Objects whose newest version no OSD has (`num_objects_unfound`). */
  unfound: Float64Array,
  /** Objects repairs have fixed (`num_objects_repaired`). */
  repaired: Float64Array,
  /** The PG this one split from (its seed), or -1. */
  parent: Int32Array,
  parentSplitBits: Uint8Array,
  /** Set when the PG's stats changed since its primary last reported it. */
  dirty: Uint8Array,
} as const satisfies Record<string, ColumnCtor>;

/** OSD lists, `stride` elements per PG. */
const SETS = { raw: Int32Array, up: Int32Array, acting: Int32Array } as const;

type Scalars = { -readonly [K in keyof typeof SCALARS]: InstanceType<(typeof SCALARS)[K]> };
type Sets = { -readonly [K in keyof typeof SETS]: Int32Array };

/** The shape of a pool's PGs as the OSD map describes it. */
export interface PoolShape {
  readonly id: number;
  readonly name: string;
  readonly kind: PoolKind;
  size: number;
  minSize: number;
  pgNum: number;
  /** pgp_num (`pg_placement_num`): how many distinct placements the PGs have. */
  pgpNum: number;
  readonly createdEpoch: number;
}

/**
 * One pool's PGs as columns of typed arrays: a million PGs cost a few hundred bytes each, not a few kilobytes of
 * objects, and a pass over all of them (placement, per-OSD usage) stays in cache-friendly loops. The CRUSH result
 * (`raw`), the up set and the acting set are `stride` slots per PG with their lengths alongside.
 */
export class PoolPgs implements PoolShape {
  readonly id: number;
  readonly name: string;
  readonly kind: PoolKind;
  size: number;
  minSize: number;
  pgNum: number;
  pgpNum: number;
  readonly createdEpoch: number;
  stride: number;
  cols: Scalars;
  sets: Sets;

  constructor(shape: PoolShape) {
    this.id = shape.id;
    this.name = shape.name;
    this.kind = shape.kind;
    this.size = shape.size;
    this.minSize = shape.minSize;
    this.pgNum = shape.pgNum;
    this.pgpNum = shape.pgpNum;
    this.createdEpoch = shape.createdEpoch;
    this.stride = Math.max(3, shape.size);
    this.cols = alloc(SCALARS, shape.pgNum, 1) as Scalars;
    this.sets = alloc(SETS, shape.pgNum, this.stride) as Sets;
    this.cols.parent.fill(-1);
  }

  /** Room for `pgNum` PGs of up to `stride` OSDs; existing PGs keep their values, new ones start zeroed. */
  resize(pgNum: number, stride = this.stride): void {
    const old = { cols: this.cols, sets: this.sets, stride: this.stride, n: this.pgNum };
    this.cols = alloc(SCALARS, pgNum, 1) as Scalars;
    this.sets = alloc(SETS, pgNum, stride) as Sets;
    this.cols.parent.fill(-1);
    const keep = Math.min(old.n, pgNum);
    for (const k of Object.keys(SCALARS) as Array<keyof Scalars>) {
      (this.cols[k] as Column).set((old.cols[k] as Column).subarray(0, keep));
    }
    for (const k of Object.keys(SETS) as Array<keyof Sets>) {
      const from = old.sets[k];
      const to = this.sets[k];
      for (let ps = 0; ps < keep; ps++) {
        for (let j = 0; j < Math.min(old.stride, stride); j++) to[ps * stride + j] = from[ps * old.stride + j]!;
      }
    }
    this.stride = stride;
    this.pgNum = pgNum;
  }

  /** One of a PG's OSD lists as a plain array. */
  list(which: keyof Sets, ps: number): number[] {
    const len = this.cols[which === 'raw' ? 'rawLen' : which === 'up' ? 'upLen' : 'actingLen'][ps]!;
    const base = ps * this.stride;
    const set = this.sets[which];
    const out = new Array<number>(len);
    for (let j = 0; j < len; j++) out[j] = set[base + j]!;
    return out;
  }

  /** Sets one of a PG's OSD lists; returns whether it changed. */
  setList(which: keyof Sets, ps: number, osds: readonly number[]): boolean {
    const lenCol = this.cols[which === 'raw' ? 'rawLen' : which === 'up' ? 'upLen' : 'actingLen'];
    const set = this.sets[which];
    const base = ps * this.stride;
    let changed = lenCol[ps] !== osds.length;
    for (let j = 0; j < osds.length; j++) {
      if (set[base + j] !== osds[j]) {
        set[base + j] = osds[j]!;
        changed = true;
      }
    }
    lenCol[ps] = osds.length;
    return changed;
  }

  /** The acting primary, or -1 when no OSD holds the PG. */
  primary(ps: number): number {
    return this.cols.actingLen[ps]! > 0 ? this.sets.acting[ps * this.stride]! : -1;
  }

  pgid(ps: number): string {
    return `${this.id}.${ps.toString(16)}`;
  }
}

function alloc(spec: Record<string, ColumnCtor>, n: number, width: number): Record<string, Column> {
  const out: Record<string, Column> = {};
  for (const [k, Ctor] of Object.entries(spec)) out[k] = new Ctor(n * width);
  return out;
}
