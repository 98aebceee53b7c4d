/**
 * Sums of number fields kept in parts (one part per chunk of a table) and combined per snapshot. A double sum
 * depends on the order of its additions once a value is not an integer or a partial sum leaves the safe integers,
 * and the views must give the same figures however the table is chunked: so a part records whether it is exact
 * (every addend an integer, every partial sum within ±2^53), and only exact parts are combined; otherwise the
 * caller sums the entries one by one in the view's own order, as a sum over the whole table always did.
 */
export interface SumPart {
  /** The field sums. */
  readonly v: readonly number[];
  /** The sums of the fields' absolute values: they bound every partial sum. */
  readonly abs: readonly number[];
  /** Every addend was an integer and every `abs` is a safe integer. */
  readonly exact: boolean;
}

/** Accumulates one part: `add(i, x)` for field `i`, then `part()`. */
export class SumBuilder {
  readonly v: number[];
  readonly abs: number[];
  private integers = true;

  constructor(fields: number) {
    this.v = new Array<number>(fields).fill(0);
    this.abs = new Array<number>(fields).fill(0);
  }

  add(i: number, x: number): void {
    if (i >= this.v.length) {
      for (let j = this.v.length; j <= i; j++) {
        this.v.push(0);
        this.abs.push(0);
      }
    }
    this.v[i]! += x;
    this.abs[i]! += Math.abs(x);
    if (!Number.isInteger(x)) this.integers = false;
  }

  part(): SumPart {
    let exact = this.integers;
    for (const a of this.abs) if (!(a <= Number.MAX_SAFE_INTEGER)) exact = false;
    return { v: this.v, abs: this.abs, exact };
  }
}

/**
 * A part changed by the entries that changed since it was summed: `sub` each old entry's addends, `add` each new
 * one's. The result is the part summing the entries anew would give only while every addend is an integer and no
 * step leaves the safe integers (bounded by the old absolute sums plus every addend's size): otherwise `part()` is
 * null and the caller sums the entries anew.
 */
export class SumDelta {
  readonly v: number[];
  readonly abs: number[];
  private readonly bound: number[];
  private ok: boolean;

  constructor(from: SumPart) {
    this.v = [...from.v];
    this.abs = [...from.abs];
    this.bound = [...from.abs];
    this.ok = from.exact;
  }

  add(i: number, x: number): void {
    for (let j = this.v.length; j <= i; j++) {
      this.v.push(0);
      this.abs.push(0);
      this.bound.push(0);
    }
    this.v[i]! += x;
    this.abs[i]! += Math.abs(x);
    this.bound[i]! += Math.abs(x);
    if (!Number.isInteger(x)) this.ok = false;
  }

  sub(i: number, x: number): void {
    if (i >= this.v.length) {
      this.ok = false;
      return;
    }
    this.v[i]! -= x;
    this.abs[i]! -= Math.abs(x);
    this.bound[i]! += Math.abs(x);
    if (!Number.isInteger(x)) this.ok = false;
  }

  part(): SumPart | null {
    if (!this.ok) return null;
    for (const b of this.bound) if (!(b <= Number.MAX_SAFE_INTEGER)) return null;
    return { v: this.v, abs: this.abs, exact: true };
  }
}

/**
 * The field sums of `parts` (the longest part's length), exactly: integers all the way, so the same in any order
 * and the same as adding the entries one by one wherever that is exact. A total beyond 2^53 is summed in BigInt and
 * rounded once (Ceph's fields are 64-bit integers; a one-by-one double sum would round at each step). Null if a
 * part is not exact: the caller then sums in order.
 */
export function combineExact(parts: Iterable<SumPart>): number[] | null {
  const list: SumPart[] = [];
  let length = 0;
  for (const p of parts) {
    if (!p.exact) return null;
    list.push(p);
    length = Math.max(length, p.v.length);
  }
  const out = new Array<number>(length).fill(0);
  const abs = new Array<number>(length).fill(0);
  for (const p of list) {
    for (let i = 0; i < p.v.length; i++) {
      out[i]! += p.v[i]!;
      abs[i]! += p.abs[i]!;
    }
  }
  for (let i = 0; i < length; i++) {
    if (abs[i]! <= Number.MAX_SAFE_INTEGER) continue;
    let big = 0n;
    for (const p of list) if (i < p.v.length) big += BigInt(p.v[i]!);
    out[i] = Number(big);
  }
  return out;
}
