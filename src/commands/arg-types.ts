/**
 * The Ceph argument types of `ceph_argparse`: how one word is checked and converted, with Ceph's own error texts.
 *
 * Numbers follow Python's parsers (`int(s, 0)`, `int(s)`, `int(s, 16)`, `float(s)`), because Ceph's checks are
 * those parsers: `0x10`, `0o17`, `0b101`, `+5`, `1_000` are ints, `010` is not. Messages quote values as Python
 * formats them (`2.0 not in range [0.0, 1.0]`, `unused arguments: ['x']`).
 */
import { accessSync, existsSync, constants as fsConstants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ArgumentError, type ArgumentErrorKind, fail } from './argument-error.ts';
import type { ArgTypeSpec } from './ceph-arg-type.ts';
import { validEntityAddr, validIPAddr } from './ip-addr.ts';
import { PY_PRINTABLE, pyFloatRepr, pyParseFloat, pyParseInt, pyStrRepr } from './python-text.ts';
import { boundText, typeString } from './type-string.ts';

/** One converted word: CephInt and CephOsdName give numbers (a bigint past 2^53), CephBool a boolean, others strings. */
export type ArgScalar = string | number | bigint | boolean;
/** A converted argument: a list for `n=N` (and, in a command dict, for `n=<k>`). */
export type ArgValue = ArgScalar | ArgScalar[];

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
