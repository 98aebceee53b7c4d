/**
 * Ceph command descriptor strings (`"osd pool get name=pool,type=CephPoolname name=var,type=CephString"`): parsing,
 * formatting back in Ceph's key order, and the concise usage line the `ceph` CLI prints.
 */
import { MgrError } from '../errors.ts';
import { compileGoodchars } from './arg-types.ts';
import { CEPH_ARG_TYPES, type CephArgType } from './ceph-arg-type.ts';
import { pyParseFloat, pyParseInt } from './python-text.ts';
import { boundText, typeString } from './type-string.ts';

export interface ArgDesc {
  name: string;
  type: CephArgType;
  req: boolean;
  positional: boolean;
  /** 1 by default; 'N' = one or more (value becomes a list). */
  n: number | 'N';
  /** [min] or [min, max], inclusive (CephInt, CephFloat); a CephInt bound past 2^53 is a bigint, kept exact. */
  range?: Array<number | bigint>;
  /** CephChoices. */
  strings?: string[];
  /** CephString, a regex character class like "[A-Za-z0-9-_.]". */
  goodchars?: string;
  /** Any other key=value of the descriptor, kept. */
  extra: Record<string, string>;
}

export interface CommandSignature {
  prefix: string[];
  args: ArgDesc[];
}

const KNOWN_KEYS = new Set(['name', 'type', 'req', 'positional', 'n', 'range', 'strings', 'goodchars']);

function bad(cmd: string, detail: string): never {
  throw new MgrError('MGR_ERR_COMMAND_DESCRIPTOR', `bad command descriptor "${cmd}": ${detail}`);
}

function isArgType(t: string): t is CephArgType {
  return (CEPH_ARG_TYPES as readonly string[]).includes(t);
}

function parseBool(cmd: string, token: string, key: string, v: string): boolean {
  // Ceph's argdesc reads True/'True'/'true' as true; anything but a spelling of false is refused here
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  return bad(cmd, `${key}=${v} in "${token}" is neither true nor false`);
}

/** Parses one `key=value,key=value` argument token (the `cmd` is only for messages). */
export function parseArgDesc(token: string, cmd: string = token): ArgDesc {
  const kv = new Map<string, string>();
  for (const piece of token.split(',')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) bad(cmd, `"${piece}" in "${token}" is not key=value`);
    const key = piece.slice(0, eq);
    if (kv.has(key)) bad(cmd, `key "${key}" given twice in "${token}"`);
    kv.set(key, piece.slice(eq + 1));
  }
  const type = kv.get('type');
  if (type === undefined) bad(cmd, `argument "${token}" has no type=`);
  if (!isArgType(type)) bad(cmd, `unknown type ${type} in "${token}"`);
  if (type === 'CephPrefix') bad(cmd, `type=CephPrefix in "${token}": a literal word is written bare`);
  const name = kv.get('name');
  if (name === undefined || name === '') bad(cmd, `argument "${token}" has no name=`);
  if (name === 'prefix') bad(cmd, `argument "${token}": the name "prefix" is the command's own key`);

  const req = kv.has('req') ? parseBool(cmd, token, 'req', kv.get('req')!) : true;
  const positional = kv.has('positional') ? parseBool(cmd, token, 'positional', kv.get('positional')!) : true;
  if (!positional && req) bad(cmd, `argument "${name}" is not positional, so it must be req=false`);

  let n: number | 'N' = 1;
  const nText = kv.get('n');
  if (nText !== undefined) {
    if (nText === 'N' || nText === 'n') n = 'N';
    else if (/^[0-9]+$/.test(nText) && Number(nText) >= 1 && Number.isSafeInteger(Number(nText))) n = Number(nText);
    else bad(cmd, `n=${nText} of "${name}" is neither N nor a count >= 1`);
  }

  const arg: ArgDesc = { name, type, req, positional, n, extra: {} };

  const rangeText = kv.get('range');
  if (rangeText !== undefined) {
    if (type !== 'CephInt' && type !== 'CephFloat') bad(cmd, `range= does not apply to ${type} ("${name}")`);
    const parts = rangeText.split('|');
    if (parts.length > 2) bad(cmd, `range=${rangeText} of "${name}" has more than min|max`);
    const range = parts.map((p) => {
      if (type === 'CephInt') {
        const v = pyParseInt(p, 10);
        if (v === null) return bad(cmd, `range=${rangeText} of "${name}": ${p} is not an integer`);
        return Number.isSafeInteger(Number(v)) ? Number(v) : v;
      }
      const v = pyParseFloat(p);
      if (v === null) return bad(cmd, `range=${rangeText} of "${name}": ${p} is not a number`);
      return v;
    });
    if (range.length === 2 && range[0]! > range[1]!) bad(cmd, `range=${rangeText} of "${name}" has min > max`);
    arg.range = range;
  }

  const strings = kv.get('strings');
  if (strings !== undefined && type !== 'CephChoices') bad(cmd, `strings= does not apply to ${type} ("${name}")`);
  if (type === 'CephChoices') {
    if (strings === undefined || strings === '') bad(cmd, `CephChoices "${name}" has no strings=`);
    arg.strings = strings.split('|');
  }

  const goodchars = kv.get('goodchars');
  if (goodchars !== undefined) {
    if (type !== 'CephString') bad(cmd, `goodchars= does not apply to ${type} ("${name}")`);
    try {
      compileGoodchars(goodchars);
    } catch {
      bad(cmd, `CephString(): "${goodchars}" is not a valid RE`);
    }
    arg.goodchars = goodchars;
  }

  for (const [k, v] of kv) if (!KNOWN_KEYS.has(k)) arg.extra[k] = v;
  return arg;
}

/**
 * Parses a descriptor: literal prefix words, then arguments (`name=myarg,type=CephString`). Throws
 * `MGR_ERR_COMMAND_DESCRIPTOR` naming the bad token.
 */
export function parseDescriptor(cmd: string): CommandSignature {
  const tokens = cmd.trim() === '' ? [] : cmd.trim().split(/\s+/);
  const prefix: string[] = [];
  const args: ArgDesc[] = [];
  for (const token of tokens) {
    if (!token.includes('=') && !token.includes(',')) {
      if (args.length > 0) bad(cmd, `literal word "${token}" after an argument`);
      prefix.push(token);
      continue;
    }
    const arg = parseArgDesc(token, cmd);
    if (args.some((a) => a.name === arg.name)) bad(cmd, `argument name "${arg.name}" used twice`);
    args.push(arg);
  }
  if (prefix.length === 0) bad(cmd, 'no literal prefix word');
  return { prefix, args };
}

function rangeValues(a: ArgDesc): string {
  return (a.range ?? []).map((x) => boundText(a.type, x)).join('|');
}

/**
 * An argument back in Ceph's `key=value` form, keys in the order Ceph's `to_argdesc` writes them: name, req=false,
 * positional=false, n, range, strings, goodchars, other keys, type.
 */
export function formatArgDesc(a: ArgDesc): string {
  const parts = [`name=${a.name}`];
  if (!a.req) parts.push('req=false');
  if (!a.positional) parts.push('positional=false');
  if (a.n !== 1) parts.push(`n=${a.n}`);
  if (a.range !== undefined && a.range.length > 0) parts.push(`range=${rangeValues(a)}`);
  if (a.strings !== undefined) parts.push(`strings=${a.strings.join('|')}`);
  if (a.goodchars !== undefined && a.goodchars !== '') parts.push(`goodchars=${a.goodchars}`);
  for (const [k, v] of Object.entries(a.extra)) parts.push(`${k}=${v}`);
  parts.push(`type=${a.type}`);
  return parts.join(',');
}

/** A signature back as a descriptor: "prefix words argdesc argdesc". */
export function formatDescriptor(sig: CommandSignature): string {
  return [...sig.prefix, ...sig.args.map(formatArgDesc)].join(' ');
}

/**
 * Ceph's `str(argdesc)`, used in its error messages: `pool(<poolname>)`, `ids(<osdname (id|osd.id)>)...`,
 * `[ttl(<string>)]`; a one-word CephChoices is the word itself.
 */
export function describeArg(a: ArgDesc): string {
  let s: string;
  if (a.type === 'CephChoices' && (a.strings ?? []).length === 1) s = a.strings![0]!;
  else {
    s = `${a.name}(${typeString(a)})`;
    if (a.n === 'N') s += '...';
  }
  return a.req ? s : `[${s}]`;
}

/**
 * How CephChoices shows in usage: `pacific` (the CLI of the fixtures) writes the choices bare, `a|b`; `reef`
 * names them, `<name:a|b>`.
 */
export type UsageStyle = 'pacific' | 'reef';

/** Ceph's `argdesc.helpstr()`: the usage chunk of one argument. */
export function argHelp(a: ArgDesc, style: UsageStyle = 'pacific'): string {
  const choices = (a.strings ?? ['']).join('|');
  let chunk: string;
  if (a.positional) {
    if (a.type === 'CephBool') chunk = `--${a.name.replace(/_/g, '-')}`;
    else if (a.type === 'CephChoices') {
      if (a.name === 'format') chunk = `--${a.name} {${choices}}`;
      else chunk = style === 'pacific' ? choices : `<${a.name}:${choices}>`;
    } else if (a.type === 'CephOsdName') chunk = '<id|osd.id>';
    else if (a.type === 'CephName') chunk = '<type.id>';
    else if (a.type === 'CephInt') chunk = `<${a.name}:int>`;
    else if (a.type === 'CephFloat') chunk = `<${a.name}:float>`;
    else chunk = `<${a.name}>`;
  } else if (a.type === 'CephBool') chunk = `--${a.name.replace(/_/g, '-')}`;
  else if (a.type === 'CephChoices') chunk = `--${a.name} {${choices}}`;
  else if (a.type === 'CephOsdName') chunk = `--${a.name} <id|osd.id>`;
  else if (a.type === 'CephName') chunk = `--${a.name} <type.id>`;
  else if (a.type === 'CephInt') chunk = `--${a.name} <int>`;
  else if (a.type === 'CephFloat') chunk = `--${a.name} <float>`;
  else chunk = `--${a.name} <value>`;
  if (a.n === 'N') chunk += '...';
  return a.req ? chunk : `[${chunk}]`;
}

/**
 * Ceph's concise usage line (`concise_sig`): "balancer mode none|crush-compat|upmap", "tracer bench
 * [<iterations:int>]", "osd pg-upmap <pgid> <id|osd.id>...", "health mute <code> [<ttl>] [--sticky]".
 */
export function usage(sig: CommandSignature, style: UsageStyle = 'pacific'): string {
  return [...sig.prefix, ...sig.args.map((a) => argHelp(a, style))].join(' ');
}
