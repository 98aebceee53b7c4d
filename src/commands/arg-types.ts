/**
 * The Ceph argument types of `ceph_argparse`: how one word is checked and converted, with Ceph's own error texts.
 *
 * Numbers follow Python's parsers (`int(s, 0)`, `int(s)`, `int(s, 16)`, `float(s)`), because Ceph's checks are
 * those parsers: `0x10`, `0o17`, `0b101`, `+5`, `1_000` are ints, `010` is not. Messages quote values as Python
 * formats them (`2.0 not in range [0.0, 1.0]`, `unused arguments: ['x']`).
 */
import { accessSync, existsSync, constants as fsConstants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CephArgType } from './descriptor.ts';

/** One converted word: CephInt and CephOsdName give numbers (a bigint past 2^53), CephBool a boolean, others strings. */
export type ArgScalar = string | number | bigint | boolean;
/** A converted argument: a list for `n=N` (and, in a command dict, for `n=<k>`). */
export type ArgValue = ArgScalar | ArgScalar[];

/** The exception classes of `ceph_argparse`; `validate_command` tells them apart. */
export type ArgumentErrorKind =
  | 'ArgumentError'
  | 'ArgumentNumber'
  | 'ArgumentFormat'
  | 'ArgumentMissing'
  | 'ArgumentValid'
  | 'ArgumentTooFew'
  | 'ArgumentPrefix';

/** A word (or a command) that does not fit its signature; `message` is Ceph's text. */
export class ArgumentError extends Error {
  readonly kind: ArgumentErrorKind;

  constructor(kind: ArgumentErrorKind, message: string) {
    super(message);
    this.name = kind;
    this.kind = kind;
  }
}

/** What the checks of one word need: the type and its type-specific keys (an `ArgDesc` fits). */
export interface ArgTypeSpec {
  type: CephArgType;
  /** Exact bounds: a CephInt bound past 2^53 is a bigint. */
  range?: Array<number | bigint>;
  strings?: string[];
  goodchars?: string;
  /** CephPrefix only: the literal word. */
  prefix?: string;
}

const fail = (kind: ArgumentErrorKind, message: string): never => {
  throw new ArgumentError(kind, message);
};

// ---------------------------------------------------------------------------------------------------------------
// Python's number parsing and repr

/** Python's `string.printable`. */
export const PY_PRINTABLE =
  '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\x0b\x0c';

const NON_ASCII_SPACE = /[\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const DIGIT = /\p{Nd}/u;
const ASCII_SPACE = ' \t\n\x0b\x0c\r';

function digitValue(cp: number): number {
  let start = cp;
  while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** What Python does to a string before parsing a number: non-ASCII spaces and digits become ASCII, then strip. */
function pyNumberText(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 128) out += ch;
    else if (NON_ASCII_SPACE.test(ch)) out += ' ';
    else if (DIGIT.test(ch)) out += String(digitValue(cp));
    else out += '?';
  }
  let a = 0;
  let b = out.length;
  while (a < b && ASCII_SPACE.includes(out[a]!)) a++;
  while (b > a && ASCII_SPACE.includes(out[b - 1]!)) b--;
  return out.slice(a, b);
}

const INT_BASE0 = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?0)*|[1-9](?:_?[0-9])*)$/;
const INT_BASE10 = /^([+-]?)([0-9](?:_?[0-9])*)$/;
const INT_BASE16 = /^([+-]?)((?:0[xX])?)((?:_?[0-9a-fA-F])+)$/;

/**
 * Python's `int(s, base)` for base 0 (literal syntax: `0x`/`0o`/`0b` prefixes, no leading zeros), 10 and 16
 * (an optional `0x`); `null` where Python raises ValueError.
 */
export function pyParseInt(s: string, base: 0 | 10 | 16): bigint | null {
  const t = pyNumberText(s);
  let sign: string;
  let body: string;
  if (base === 0) {
    const m = INT_BASE0.exec(t);
    if (m === null) return null;
    sign = m[1]!;
    body = m[2]!.replace(/_/g, '');
  } else if (base === 10) {
    const m = INT_BASE10.exec(t);
    if (m === null) return null;
    sign = m[1]!;
    body = m[2]!.replace(/_/g, '');
  } else {
    const m = INT_BASE16.exec(t);
    // without the 0x prefix, a leading underscore is not allowed
    if (m === null || (m[2] === '' && m[3]!.startsWith('_'))) return null;
    sign = m[1]!;
    body = `0x${m[3]!.replace(/_/g, '')}`;
  }
  const v = BigInt(body);
  return sign === '-' ? -v : v;
}

const DIGITPART = '[0-9](?:_?[0-9])*';
const PY_FLOAT = new RegExp(
  `^[+-]?(?:(?:(?:${DIGITPART})?\\.${DIGITPART}|${DIGITPART}\\.?)(?:[eE][+-]?${DIGITPART})?|inf|infinity|nan)$`,
  'i',
);

/** Python's `float(s)`; `null` where Python raises ValueError. */
export function pyParseFloat(s: string): number | null {
  const t = pyNumberText(s);
  if (!PY_FLOAT.test(t)) return null;
  const lower = t.toLowerCase();
  const neg = lower.startsWith('-');
  const bare = lower.replace(/^[+-]/, '');
  if (bare === 'nan') return Number.NaN;
  if (bare.startsWith('inf')) return neg ? -Infinity : Infinity;
  return Number(t.replace(/_/g, ''));
}

/** Python's `repr(float)`: `2.0`, `0.1`, `1e+16`, `1e-05`, `inf`, `nan`. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const sign = mant.startsWith('-') ? '-' : '';
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Python's `str(int)` for a number or bigint. */
export function pyIntStr(x: number | bigint): string {
  return typeof x === 'bigint' ? x.toString() : Number.isInteger(x) ? BigInt(x).toString() : String(x);
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`: single quotes unless the text holds `'` and no `"`, Python's escapes. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x100) out += `\\x${cp.toString(16).padStart(2, '0')}`;
      else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
      else out += `\\U${cp.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python's `str(list_of_str)`: `['a', 'b']`. */
export function pyListRepr(items: readonly string[]): string {
  return `[${items.map(pyStrRepr).join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------------------------
// Type descriptions (Ceph's `str(CephXxx(...))`)

/** A range bound as Ceph prints it: Python's repr of its float, or of its int. */
export function boundText(type: CephArgType, x: number | bigint): string {
  return type === 'CephFloat' && typeof x === 'number' ? pyFloatRepr(x) : pyIntStr(x);
}

function rangeText(spec: ArgTypeSpec): string {
  const r = spec.range ?? [];
  const f = (x: number | bigint) => boundText(spec.type, x);
  if (r.length === 1) return `[${f(r[0]!)}-]`;
  if (r.length === 2) return `[${f(r[0]!)}-${f(r[1]!)}]`;
  return '';
}

/** Ceph's `str()` of a type instance: `<int[0-20]>`, `<string(goodchars [a-z])>`, `a|b`, `<pgid>`… */
export function typeString(spec: ArgTypeSpec): string {
  switch (spec.type) {
    case 'CephInt':
      return `<int${rangeText(spec)}>`;
    case 'CephFloat':
      return `<float${rangeText(spec)}>`;
    case 'CephString':
      return spec.goodchars ? `<string(goodchars ${spec.goodchars})>` : '<string>';
    case 'CephSocketpath':
      return '<admin-socket-path>';
    case 'CephIPAddr':
      return '<IPaddr[:port]>';
    case 'CephEntityAddr':
      return '<EntityAddr>';
    case 'CephPoolname':
      return '<poolname>';
    case 'CephObjectname':
      return '<objectname>';
    case 'CephPgid':
      return '<pgid>';
    case 'CephName':
      return '<name (type.id)>';
    case 'CephOsdName':
      return '<osdname (id|osd.id)>';
    case 'CephChoices':
      return (spec.strings ?? ['']).join('|');
    case 'CephBool':
      return '<bool>';
    case 'CephFilepath':
      return '<outfilename>';
    case 'CephFragment':
      return '<CephFS fragment ID (0xvvv/bbb)>';
    case 'CephUUID':
      return '<uuid>';
    case 'CephPrefix':
      return spec.prefix ?? '';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// CephString goodchars

/** Compiles a `goodchars` class as Python's `re.match` uses it (anchored at the start); throws on a bad regex. */
export function compileGoodchars(goodchars: string): RegExp {
  return new RegExp(`^(?:${goodchars})`);
}

const goodsets = new Map<string, ReadonlySet<string>>();

/**
 * The characters a CephString accepts: those of Python's `string.printable` that match `goodchars`. With no
 * goodchars the empty pattern matches every printable character, so (as in Ceph) only printable ASCII passes.
 */
function goodset(goodchars: string): ReadonlySet<string> {
  let set = goodsets.get(goodchars);
  if (set === undefined) {
    const re = compileGoodchars(goodchars);
    set = new Set([...PY_PRINTABLE].filter((c) => re.test(c)));
    goodsets.set(goodchars, set);
  }
  return set;
}

// ---------------------------------------------------------------------------------------------------------------
// IP addresses (glibc inet_pton)

function isIPv4(a: string): boolean {
  const parts = a.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(a: string): boolean {
  if (a === '') return false;
  const halves = a.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] | null => (part === '' ? [] : part.split(':'));
  const left = groupsOf(halves[0]!);
  const right = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (left === null || right === null) return false;
  const all = [...left, ...right];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    const last = i === all.length - 1;
    if (last && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

interface ParsedAddr {
  val: string;
}

function validIPAddr(word: string): ParsedAddr {
  let s = word;
  let type: 4 | 6 = 6;
  let p: string | null = null;
  let a: string;
  if (s.startsWith('v1:')) {
    s = s.slice(3);
    type = 4;
  } else if (s.startsWith('v2:')) {
    s = s.slice(3);
    type = 6;
  } else if (s.startsWith('any:')) {
    s = s.slice(4);
    type = 4;
  } else if (s.startsWith('[')) type = 6;
  else if (s.includes('.')) type = 4;

  if (type === 4) {
    const colon = s.indexOf(':');
    if (colon !== -1) {
      a = s.slice(0, colon);
      p = s.slice(colon + 1);
      // Ceph's int(p) raises a bare ValueError on a non-number; the intended answer is "invalid IPv4 port"
      const port = pyParseInt(p, 10);
      if (port === null || port > 65535n) fail('ArgumentValid', `${p}: invalid IPv4 port`);
    } else a = s;
    if (!isIPv4(a)) fail('ArgumentValid', `${a}: invalid IPv4 address`);
  } else {
    if (s.startsWith('[')) {
      const end = s.indexOf(']');
      if (end === -1) fail('ArgumentFormat', `${s} missing terminating ]`);
      // Ceph reads only the first character of the port (s[end + 2]) and crashes on a bare "[addr]";
      // the intent is the whole port, and no port at all
      if (s[end + 1] === ':') {
        p = s.slice(end + 2);
        if (pyParseInt(p, 10) === null) fail('ArgumentValid', `${s}: bad port number`);
      }
      a = s.slice(1, end);
    } else a = s;
    if (!isIPv6(a)) fail('ArgumentValid', `${s} not valid IPv6 address`);
  }
  if (p !== null && (pyParseInt(p, 10) ?? 0n) > 65535n) fail('ArgumentValid', `${p} not a valid port number`);
  return { val: s };
}

function validEntityAddr(s: string): string {
  let ip = s;
  let nonce: string | null = null;
  const slash = s.indexOf('/');
  if (slash !== -1) {
    ip = s.slice(0, slash);
    nonce = s.slice(slash + 1);
    if (nonce.endsWith(']')) {
      nonce = nonce.slice(0, -1);
      ip += ']';
    }
  }
  validIPAddr(ip);
  if (nonce) {
    const n = pyParseInt(nonce, 10);
    if (n === null || n < 0n) fail('ArgumentValid', `${s}: invalid entity, nonce ${nonce} not integer > 0`);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// The other types

function intValue(v: bigint): number | bigint {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

/** `v < bound`, exactly: an integer against an integer bound compares as integers, whatever their size. */
function below(v: bigint | number, bound: number | bigint): boolean {
  if (typeof v === 'bigint' && typeof bound === 'bigint') return v < bound;
  if (typeof v === 'bigint' && Number.isInteger(bound)) return v < BigInt(bound);
  if (typeof bound === 'bigint' && Number.isInteger(v)) return BigInt(v) < bound;
  return Number(v) < Number(bound);
}

function above(v: bigint | number, bound: number | bigint): boolean {
  if (typeof v === 'bigint' && typeof bound === 'bigint') return v > bound;
  if (typeof v === 'bigint' && Number.isInteger(bound)) return v > BigInt(bound);
  if (typeof bound === 'bigint' && Number.isInteger(v)) return BigInt(v) > bound;
  return Number(v) > Number(bound);
}

function checkRange(spec: ArgTypeSpec, v: bigint | number, shown: string): void {
  const r = spec.range ?? [];
  const out = (r.length === 2 && (below(v, r[0]!) || above(v, r[1]!))) || (r.length === 1 && below(v, r[0]!));
  if (out) fail('ArgumentValid', `${shown} not in range [${r.map((x) => boundText(spec.type, x)).join(', ')}]`);
}

function validUUID(s: string): void {
  let hex = s.replace(/urn:/g, '').replace(/uuid:/g, '');
  hex = hex
    .replace(/^[{}]+/, '')
    .replace(/[{}]+$/, '')
    .replace(/-/g, '');
  if ([...hex].length !== 32) fail('ArgumentFormat', `invalid UUID ${s}: badly formed hexadecimal UUID string`);
  if (pyParseInt(hex, 16) === null) {
    fail('ArgumentFormat', `invalid UUID ${s}: invalid literal for int() with base 16: ${pyStrRepr(hex)}`);
  }
}

function validFilepath(word: string): string {
  const s = resolve(word);
  try {
    accessSync(s, fsConstants.R_OK);
    return s;
  } catch {
    // not readable: it must be a writable file, or creatable
  }
  if (existsSync(s)) {
    if (!statSync(s).isFile()) fail('ArgumentValid', `${s} is not file`);
    try {
      accessSync(s, fsConstants.W_OK);
    } catch {
      fail('ArgumentValid', `${s} is not writable`);
    }
  } else {
    const dir = dirname(s);
    try {
      accessSync(dir, fsConstants.W_OK);
    } catch {
      fail('ArgumentValid', `cannot create file in ${dir}`);
    }
  }
  return s;
}

function validSocketpath(s: string): string {
  let isSocket = false;
  try {
    isSocket = statSync(s).isSocket();
  } catch {
    // Ceph's os.stat raises on a missing path; answer as for any non-socket
  }
  if (!isSocket) fail('ArgumentValid', `socket path ${s} is not a socket`);
  return s;
}

/**
 * Checks one word against a Ceph type and converts it, as `CephXxx.valid(word, partial)` does; throws an
 * {@link ArgumentError} with Ceph's text. `partial` (used only to rank commands) lets CephPrefix and CephChoices
 * accept the beginning of a word.
 */
export function validateWord(spec: ArgTypeSpec, word: string, partial = false): ArgScalar {
  const s = word;
  switch (spec.type) {
    case 'CephInt': {
      const v = pyParseInt(s, 0);
      if (v === null) return fail('ArgumentValid', `${s} doesn't represent an int`);
      checkRange(spec, v, v.toString());
      return intValue(v);
    }
    case 'CephFloat': {
      const v = pyParseFloat(s);
      if (v === null) return fail('ArgumentValid', `${s} doesn't represent a float`);
      checkRange(spec, v, pyFloatRepr(v));
      return v;
    }
    case 'CephString': {
      const good = goodset(spec.goodchars ?? '');
      if (good.size > 0) {
        const bad = [...new Set(s)].filter((c) => !good.has(c));
        if (bad.length > 0) fail('ArgumentFormat', `invalid chars ${bad.join('')} in ${s}`);
      }
      return s;
    }
    case 'CephSocketpath':
      return validSocketpath(s);
    case 'CephIPAddr':
      return validIPAddr(s).val;
    case 'CephEntityAddr':
      return validEntityAddr(s);
    case 'CephPoolname':
    case 'CephObjectname':
      return s;
    case 'CephPgid': {
      const dot = s.indexOf('.');
      if (dot === -1) return fail('ArgumentFormat', 'pgid has no .');
      const poolS = s.slice(0, dot);
      const pgnumS = s.slice(dot + 1);
      // Ceph formats a never-assigned variable in the next two messages (UnboundLocalError); these are the intended
      const pool = pyParseInt(poolS, 10);
      if (pool === null) return fail('ArgumentFormat', `pool ${poolS} not integer`);
      if (pool < 0n) fail('ArgumentFormat', `pool ${pool} < 0`);
      if (pyParseInt(pgnumS, 16) === null) fail('ArgumentFormat', `pgnum ${pgnumS} not hex integer`);
      return s;
    }
    case 'CephName': {
      if (s === '*' || s === 'mgr' || s === 'mon') return s;
      const dot = s.indexOf('.');
      if (dot === -1) return fail('ArgumentFormat', `CephName: no . in ${s}`);
      const t = s.slice(0, dot);
      const i = s.slice(dot + 1);
      if (!['osd', 'mon', 'client', 'mds', 'mgr'].includes(t)) fail('ArgumentValid', `unknown type ${t}`);
      if (t === 'osd' && i !== '*' && pyParseInt(i, 10) === null) fail('ArgumentFormat', `osd id ${i} not integer`);
      return s;
    }
    case 'CephOsdName': {
      if (s === '*') return s;
      let i = s;
      const dot = s.indexOf('.');
      if (dot !== -1) {
        const t = s.slice(0, dot);
        i = s.slice(dot + 1);
        if (t !== 'osd') fail('ArgumentValid', `unknown type ${t}`);
      }
      const v = pyParseInt(i, 10);
      if (v === null) return fail('ArgumentFormat', `osd id ${i} not integer`);
      if (v < 0n) fail('ArgumentFormat', `osd id ${v} is less than 0`);
      return intValue(v);
    }
    case 'CephChoices': {
      const strings = spec.strings ?? [''];
      const ok = partial ? strings.some((t) => t.startsWith(s)) : strings.includes(s);
      if (!ok) fail('ArgumentValid', `${s} not in ${strings.join('|')}`);
      return s;
    }
    case 'CephBool': {
      const lower = s.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      return fail('ArgumentValid', `${s} not one of 'true', 'false'`);
    }
    case 'CephFilepath':
      return validFilepath(s);
    case 'CephFragment': {
      const slash = s.indexOf('/');
      if (slash === -1) return fail('ArgumentFormat', `${s}: no /`);
      const val = s.slice(0, slash);
      const bits = s.slice(slash + 1);
      if (!val.startsWith('0x')) fail('ArgumentFormat', `${val} not a hex integer`);
      // Ceph converts the 0x-prefixed part with int(val), base 10, which no input passes; base 16 is the intent
      if (pyParseInt(val, 16) === null) fail('ArgumentFormat', `can't convert ${val} to integer`);
      if (pyParseInt(bits, 10) === null) fail('ArgumentFormat', `can't convert ${bits} to integer`);
      return s;
    }
    case 'CephUUID':
      validUUID(s);
      return s;
    case 'CephPrefix': {
      const prefix = spec.prefix ?? '';
      if (partial ? prefix.startsWith(s) : s === prefix) return s;
      return fail('ArgumentPrefix', `no match for ${s}`);
    }
  }
}

/** {@link validateWord} without the throw: the value, or Ceph's error text. */
export function checkWord(
  spec: ArgTypeSpec,
  word: string,
): { ok: true; value: ArgScalar } | { ok: false; error: string; kind: ArgumentErrorKind } {
  try {
    return { ok: true, value: validateWord(spec, word) };
  } catch (e) {
    if (e instanceof ArgumentError) return { ok: false, error: e.message, kind: e.kind };
    throw e;
  }
}

/**
 * The word a command-dict value stands for, as Python's `str()` would write it: numbers in decimal (floats as
 * Python's repr), booleans `True`/`False` (`true`/`false` for a CephBool). Other values are refused.
 */
export function wordOf(spec: ArgTypeSpec, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : pyFloatRepr(v);
  if (typeof v === 'boolean') return spec.type === 'CephBool' ? String(v) : v ? 'True' : 'False';
  // named, never printed: the value is whatever a client sent, of any size or depth
  const what = v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v;
  return fail('ArgumentValid', `${what} is not a ${typeString(spec)} value`);
}
