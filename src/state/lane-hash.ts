/**
 * A 128-bit hash of JSON values, as four 32-bit lanes, and the lane arithmetic the state digest is made of. The
 * values are walked, not serialised: each becomes a stream of 32-bit words (a tag, then its content), and the words
 * go through MurmurHash3's x86 128-bit block function four at a time, with its finalisation at the end. The walk
 * is fixed by the value alone (numbers by their IEEE-754 bits, strings by their UTF-16 code units, object keys in
 * code-unit order unless the caller keeps their own order), so a value hashes the same on every machine.
 *
 * It is fast (about 3 ns a word) and mixes well, which is what a digest that detects divergence needs; it is not a
 * cryptographic hash, and a sum of such hashes can be forged by someone who means to.
 */

/** Four 32-bit lanes (each an unsigned integer). */
export type Lanes = readonly [number, number, number, number];

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const TAG_NULL = 1;
const TAG_FALSE = 2;
const TAG_TRUE = 3;
const TAG_INT = 4;
const TAG_FLOAT = 5;
const TAG_STRING = 6;
const TAG_ARRAY = 7;
const TAG_OBJECT = 8;
const TAG_END = 9;
const TAG_LANES = 10;
const TAG_KEY = 11;

/** The words of the value being hashed, hashed in one go by {@link finish}. */
let words = new Int32Array(1 << 12);
let n = 0;

function grow(): void {
  const bigger = new Int32Array(words.length * 2);
  bigger.set(words);
  words = bigger;
}

function word(w: number): void {
  if (n === words.length) grow();
  words[n++] = w;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** MurmurHash3's 32-bit finaliser: every bit of `h` moves every bit of the result. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The result of the last {@link finish}, lane by lane (read before the next hash starts). */
export const out = new Uint32Array(4);

/** Starts a hash (the previous one, if unfinished, is dropped). */
export function start(): void {
  n = 0;
}

/**
 * Ends the hash: the words go through MurmurHash3 x86-128's block function four at a time (the last block padded
 * with zeros), then its finalisation with the word count; the lanes are left in {@link out}.
 */
export function finish(): void {
  const count = n;
  while ((n & 3) !== 0) word(0);
  const w = words;
  let h1 = 0x9747b28c;
  let h2 = 0x9747b28c;
  let h3 = 0x9747b28c;
  let h4 = 0x9747b28c;
  for (let i = 0; i < n; i += 4) {
    let a = w[i]!;
    let b = w[i + 1]!;
    let c = w[i + 2]!;
    let d = w[i + 3]!;
    a = Math.imul(a, C1);
    a = Math.imul((a << 15) | (a >>> 17), C2);
    h1 ^= a;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (Math.imul(h1 + h2, 5) + 0x561ccd1b) | 0;
    b = Math.imul(b, C2);
    b = Math.imul((b << 16) | (b >>> 16), C3);
    h2 ^= b;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (Math.imul(h2 + h3, 5) + 0x0bcaa747) | 0;
    c = Math.imul(c, C3);
    c = Math.imul((c << 17) | (c >>> 15), C4);
    h3 ^= c;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (Math.imul(h3 + h4, 5) + 0x96cd1c35) | 0;
    d = Math.imul(d, C4);
    d = Math.imul((d << 18) | (d >>> 14), C1);
    h4 ^= d;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (Math.imul(h4 + h1, 5) + 0x32ac3b17) | 0;
  }
  n = 0;
  h1 ^= count;
  h2 ^= count;
  h3 ^= count;
  h4 ^= count;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
}

/** Adds a string to the hash being made. */
export function str(s: string): void {
  const len = s.length;
  while (n + 3 + (len >> 1) > words.length) grow();
  const w = words;
  let at = n;
  w[at++] = TAG_STRING;
  w[at++] = len;
  let i = 0;
  for (; i + 1 < len; i += 2) w[at++] = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
  if (i < len) w[at++] = s.charCodeAt(i);
  n = at;
}

const keyCodes = new Map<string, number>();
/** Object keys are few and repeat in every object of a kind: their codes are kept, up to this many. */
const KEY_CODES_KEPT = 1 << 16;

/**
 * A key's code: 53 bits of two FNV-1a-style passes over its UTF-16 code units (32 bits of one, 21 of the other), as
 * one safe integer.
 */
export function keyCode(k: string): number {
  let c = keyCodes.get(k);
  if (c === undefined) {
    let a = 0x811c9dc5;
    let b = 0x050c5d1f ^ k.length;
    for (let i = 0; i < k.length; i++) {
      const u = k.charCodeAt(i);
      a = Math.imul(a ^ u, 0x01000193);
      b = Math.imul(b ^ u, 0x5bd1e995);
      b ^= b >>> 15;
    }
    c = (a >>> 0) + (fmix(b) >>> 11) * 2 ** 32;
    if (keyCodes.size < KEY_CODES_KEPT) keyCodes.set(k, c);
  }
  return c;
}

/** Adds an object key to the hash being made: a tag and its code (see {@link keyCode}), three words. */
export function key(k: string): void {
  const c = keyCode(k);
  if (n + 3 > words.length) grow();
  words[n++] = TAG_KEY;
  words[n++] = c % 2 ** 32;
  words[n++] = Math.floor(c / 2 ** 32);
}

/** Adds a number to the hash being made (a non-finite one as JSON writes it: `null`). */
export function num(x: number): void {
  // -0 lands here too, as JSON writes it: `0`.
  if ((x | 0) === x) {
    word(TAG_INT);
    word(x);
  } else if (Number.isFinite(x)) {
    f64[0] = x;
    word(TAG_FLOAT);
    word(u32[LO]!);
    word(u32[HI]!);
  } else word(TAG_NULL);
}

/** Adds four lanes (another hash) to the hash being made. */
export function lanes(a: number, b: number, c: number, d: number): void {
  word(TAG_LANES);
  word(a);
  word(b);
  word(c);
  word(d);
}

/**
 * Adds a JSON value to the hash being made: as JSON sees it (an `undefined` property or a function left out, an
 * `undefined` array item as `null`, a non-finite number as `null`). Object keys are taken in code-unit order, or in
 * the object's own order with `ownOrder`.
 */
export function value(v: unknown, ownOrder = false): void {
  switch (typeof v) {
    case 'string':
      str(v);
      return;
    case 'number':
      num(v);
      return;
    case 'boolean':
      word(v ? TAG_TRUE : TAG_FALSE);
      return;
    case 'object':
      break;
    default:
      word(TAG_NULL);
      return;
  }
  if (v === null) {
    word(TAG_NULL);
    return;
  }
  if (Array.isArray(v)) {
    word(TAG_ARRAY);
    for (let i = 0; i < v.length; i++) value(v[i], ownOrder);
    word(TAG_END);
    return;
  }
  const o = v as Record<string, unknown>;
  word(TAG_OBJECT);
  if (ownOrder) {
    // for-in walks a plain object's own keys in their order, through V8's enum cache: no key array is made.
    for (const k in o) {
      const item = o[k];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      key(k);
      value(item, true);
    }
  } else {
    const keys = Object.keys(o).sort();
    for (let i = 0; i < keys.length; i++) {
      const item = o[keys[i]!];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      key(keys[i]!);
      value(item, false);
    }
  }
  word(TAG_END);
}

/** The lanes of one value on its own, as a new array. */
export function hashOf(v: unknown, ownOrder = false): Lanes {
  start();
  value(v, ownOrder);
  finish();
  return [out[0]!, out[1]!, out[2]!, out[3]!];
}

const trees = new WeakMap<object, Lanes>();

/**
 * The lanes of a value hashed as a tree: each array or object by its own hash, written into its parent's words as
 * lanes (keys in code-unit order), so that a value shares the hash of each part it shares with another; a frozen
 * part's hash is kept while the part lives. What a large map (an OSD map, a CRUSH map) is hashed as: a new epoch
 * that changed a few entries hashes the path to them, not the whole map.
 */
export function treeHash(v: unknown): Lanes {
  if (v === null || typeof v !== 'object') return hashOf(v);
  const kept = trees.get(v);
  if (kept !== undefined) return kept;
  // The parts first: the word buffer holds one value at a time.
  let result: Lanes;
  if (Array.isArray(v)) {
    const parts = v.map((x) => (x !== null && typeof x === 'object' ? treeHash(x) : undefined));
    start();
    word(TAG_ARRAY);
    for (let i = 0; i < v.length; i++) {
      const p = parts[i];
      if (p !== undefined) lanes(p[0], p[1], p[2], p[3]);
      else value(v[i]);
    }
    word(TAG_END);
    finish();
    result = [out[0]!, out[1]!, out[2]!, out[3]!];
  } else {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => {
        const item = o[k];
        return item !== undefined && typeof item !== 'function' && typeof item !== 'symbol';
      })
      .sort();
    const parts = keys.map((k) => {
      const x = o[k];
      return x !== null && typeof x === 'object' ? treeHash(x) : undefined;
    });
    start();
    word(TAG_OBJECT);
    for (let i = 0; i < keys.length; i++) {
      key(keys[i]!);
      const p = parts[i];
      if (p !== undefined) lanes(p[0], p[1], p[2], p[3]);
      else value(o[keys[i]!]);
    }
    word(TAG_END);
    finish();
    result = [out[0]!, out[1]!, out[2]!, out[3]!];
  }
  if (Object.isFrozen(v)) trees.set(v, result);
  return result;
}

/** The lanes of nothing added together: the sum of an empty set. */
export const ZERO: Lanes = Object.freeze([0, 0, 0, 0]) as Lanes;

/** Lanes as 32 hex digits, lane 0 first, each big-endian. */
export function lanesHex(l: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += (l[i]! >>> 0).toString(16).padStart(8, '0');
  return s;
}
