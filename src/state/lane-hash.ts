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

let h1 = 0;
let h2 = 0;
let h3 = 0;
let h4 = 0;
let k1 = 0;
let k2 = 0;
let k3 = 0;
let held = 0;
let words = 0;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function block(a: number, b: number, c: number, d: number): void {
  a = Math.imul(rotl(Math.imul(a, C1), 15), C2);
  h1 ^= a;
  h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
  b = Math.imul(rotl(Math.imul(b, C2), 16), C3);
  h2 ^= b;
  h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
  c = Math.imul(rotl(Math.imul(c, C3), 17), C4);
  h3 ^= c;
  h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
  d = Math.imul(rotl(Math.imul(d, C4), 18), C1);
  h4 ^= d;
  h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
}

function word(w: number): void {
  words++;
  switch (held) {
    case 0:
      k1 = w;
      held = 1;
      return;
    case 1:
      k2 = w;
      held = 2;
      return;
    case 2:
      k3 = w;
      held = 3;
      return;
    default:
      block(k1, k2, k3, w);
      held = 0;
  }
}

function fmix(h: number): number {
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
  h1 = 0x9747b28c;
  h2 = 0x9747b28c;
  h3 = 0x9747b28c;
  h4 = 0x9747b28c;
  held = 0;
  words = 0;
}

/** Ends the hash: its lanes are left in {@link out}. */
export function finish(): void {
  const n = words;
  // The last, partial block is padded with zeros; the word count tells a padded block from a full one.
  while (held !== 0) word(0);
  h1 ^= n;
  h2 ^= n;
  h3 ^= n;
  h4 ^= n;
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
  const n = s.length;
  word(TAG_STRING);
  word(n);
  let i = 0;
  for (; i + 1 < n; i += 2) word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < n) word(s.charCodeAt(i));
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
  const keys = Object.keys(o);
  if (!ownOrder) keys.sort();
  word(TAG_OBJECT);
  for (let i = 0; i < keys.length; i++) {
    const item = o[keys[i]!];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    str(keys[i]!);
    value(item, ownOrder);
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

/** The lanes of nothing added together: the sum of an empty set. */
export const ZERO: Lanes = Object.freeze([0, 0, 0, 0]) as Lanes;

/** Lanes as 32 hex digits, lane 0 first, each big-endian. */
export function lanesHex(l: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += (l[i]! >>> 0).toString(16).padStart(8, '0');
  return s;
}
