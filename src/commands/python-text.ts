/**
 * Python's number parsers (`int(s, 0)`, `int(s)`, `int(s, 16)`, `float(s)`) and reprs, as Ceph's argument checks
 * use and print them: `0x10`, `0o17`, `0b101`, `+5`, `1_000` are ints, `010` is not.
 */
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
