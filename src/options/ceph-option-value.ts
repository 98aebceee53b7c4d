import type { CephOption, CephOptionType } from './ceph-options.ts';
import { parseOptionValue } from './option.ts';

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64_MAX = 2n ** 64n - 1n;

/** `strict_strtoll(s, 10)`: leading blanks and a sign allowed, nothing after the digits. */
function strtoll(text: string): bigint | undefined {
  if (!/^\s*[+-]?\d+$/.test(text)) return undefined;
  const n = BigInt(text.trim());
  return n < INT64.min || n > INT64.max ? undefined : n;
}

/** `strict_si_cast`: an integer with an optional decimal unit (`K` = 10^3 ... `E` = 10^18). */
function siCast(text: string, unsigned: boolean): bigint | undefined {
  let digits = text;
  let power = 0n;
  if (/[^0-9+-]/.test(text)) {
    const i = 'KMGTPE'.indexOf(text.at(-1)!);
    if (i < 0) return undefined;
    power = 3n * BigInt(i + 1);
    digits = text.slice(0, -1);
  }
  const n = strtoll(digits);
  if (n === undefined || (unsigned && n < 0n)) return undefined;
  const v = n * 10n ** power;
  return v < (unsigned ? 0n : INT64.min) || v > (unsigned ? UINT64_MAX : INT64.max) ? undefined : v;
}

/** `strict_iec_cast<uint64_t>`: an integer with an optional binary unit (`K`/`Ki` = 2^10 ... `E`/`Ei` = 2^60). */
function iecCast(text: string): bigint | undefined {
  const u = text.search(/[^0-9+-]/);
  let shift = 0n;
  let digits = text;
  if (u >= 0) {
    const unit = text.slice(u);
    digits = text.slice(0, u);
    if (unit.length > 2 || (unit.endsWith('i') && unit.startsWith('B'))) return undefined;
    const i = 'BKMGTPE'.indexOf(unit[0]!);
    if (i < 0) return undefined;
    shift = 10n * BigInt(i);
  }
  const n = strtoll(digits);
  if (n === undefined || n < 0n || n > UINT64_MAX >> shift) return undefined;
  return n << shift;
}

/** Ceph's `parse_duration`: `1 days 2 hours 3 minutes 4 seconds` (any of them, in that order), or whole seconds. */
function durationSecs(text: string): bigint | undefined {
  const v = text.replace(/\s/g, '');
  const m = /^(?:(\d+)days)?(?:(\d+)hours)?(?:(\d+)minutes)?(?:(\d+)seconds)?$/.exec(v);
  if (m === null || v === '') return strtoll(text);
  const [d, h, min, s] = m.slice(1).map((x) => BigInt(x ?? 0));
  return d! * 86400n + h! * 3600n + min! * 60n + s!;
}

/**
 * A value set for one of Ceph's options, as Ceph parses it into its type and prints it back (`Option::parse_value`,
 * then the option printer): integers and sizes with their units applied, floats fixed to 6 places, bools as
 * `true`/`false`, durations in seconds; text types as given. Undefined for a value Ceph rejects, which then leaves
 * the option as it was. Per-option validators (rbd_default_features' feature names, ...) and min/max are not applied.
 */
export function printCephValue(type: CephOptionType, raw: string): string | undefined {
  switch (type) {
    case 'int':
    case 'uint':
      return siCast(raw, type === 'uint')?.toString();
    case 'size':
      return iecCast(raw)?.toString();
    case 'secs':
      return durationSecs(raw)?.toString();
    case 'millisecs':
      return strtoll(raw)?.toString();
    case 'float': {
      if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return undefined;
      return Number(raw).toFixed(6);
    }
    case 'bool': {
      const t = raw.toLowerCase();
      if (t === 'true' || t === 'false') return t;
      const n = strtoll(raw);
      return n === undefined || n < -(2n ** 31n) || n >= 2n ** 31n ? undefined : String(n !== 0n);
    }
    default:
      return raw;
  }
}

/**
 * A printed value as the type ceph-mgr hands a module (`get_python_typed_option_value`): a number for int, uint,
 * size, secs and float; a bool true for `1`, `true`, `True`, `on`, `yes`; text otherwise. Ceph's converter has no
 * case for millisecs, so those come back as text too. Integers past 2^53 lose precision, as JavaScript numbers do.
 */
export function typedCephValue(option: CephOption, printed: string): string | number | boolean {
  const type = option.type === 'millisecs' || option.type === 'addrvec' ? 'str' : option.type;
  return parseOptionValue({ name: option.name, type }, printed);
}
