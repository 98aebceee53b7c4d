import { MgrError } from '../errors.ts';
import type { Option } from './option.ts';

const TRUE = new Set(['1', 'true', 'True', 'on', 'yes']);
const FALSE = new Set(['0', 'false', 'False', 'off', 'no']);
const UUID = /^(urn:uuid:)?\{?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\}?$/;
function units(table: Record<number, readonly string[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [factor, names] of Object.entries(table)) for (const n of names) out[n] = Number(factor);
  return out;
}
const SIZE_UNITS = units({
  1: ['', 'b'],
  [2 ** 10]: ['k', 'kb', 'kib'],
  [2 ** 20]: ['m', 'mb', 'mib'],
  [2 ** 30]: ['g', 'gb', 'gib'],
  [2 ** 40]: ['t', 'tb', 'tib'],
});
const SECS_UNITS = units({
  1: ['', 's', 'sec', 'secs', 'second', 'seconds'],
  60: ['m', 'min', 'mins', 'minute', 'minutes'],
  3600: ['h', 'hr', 'hrs', 'hour', 'hours'],
  86400: ['d', 'day', 'days'],
  604800: ['w', 'week', 'weeks'],
});

function invalid(option: Option, why: string): MgrError {
  return new MgrError('MGR_ERR_OPTION_INVALID', `option "${option.name}": ${why}`);
}

function parseInteger(text: string): number | null {
  const t = text.trim();
  if (/^[+-]?(0x[0-9a-fA-F]+|[0-9]+)$/.test(t)) {
    const neg = t.startsWith('-');
    const body = t.replace(/^[+-]/, '');
    const n = body.toLowerCase().startsWith('0x') ? Number.parseInt(body, 16) : Number.parseInt(body, 10);
    return neg ? -n : n;
  }
  return null;
}

function withUnit(text: string, units: Readonly<Record<string, number>>): number | null {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (m === null) return null;
  const factor = units[(m[2] ?? '').toLowerCase()];
  return factor === undefined ? null : Number(m[1]) * factor;
}

/**
 * Checks a value for an option (its type, `min`/`max`, `enum_allowed`) and returns the text to store, as Ceph keeps
 * option values: as strings. Throws `MGR_ERR_OPTION_INVALID` naming the option and what is wrong.
 */
export function validateOptionValue(option: Option, value: unknown): string {
  const type = option.type ?? 'str';
  if (typeof value === 'object' && value !== null)
    throw invalid(option, `a ${type} cannot be ${JSON.stringify(value)}`);
  const text = typeof value === 'boolean' ? String(value) : String(value);
  let n: number | null = null;
  switch (type) {
    case 'bool':
      if (!TRUE.has(text) && !FALSE.has(text)) throw invalid(option, `"${text}" is not a bool (true/false)`);
      return TRUE.has(text) ? 'true' : 'false';
    case 'int':
    case 'uint':
      n = parseInteger(text);
      if (n === null) throw invalid(option, `"${text}" is not an integer`);
      if (type === 'uint' && n < 0) throw invalid(option, `${n} is negative, and the option is unsigned`);
      break;
    case 'size':
      n = withUnit(text, SIZE_UNITS);
      if (n === null || !Number.isInteger(n)) throw invalid(option, `"${text}" is not a size (e.g. 4096, 4K, 1G)`);
      break;
    case 'secs':
      n = withUnit(text, SECS_UNITS);
      if (n === null) throw invalid(option, `"${text}" is not a duration in seconds (e.g. 30, 5m, 1h)`);
      break;
    case 'float':
      n = text.trim() === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(n)) throw invalid(option, `"${text}" is not a number`);
      break;
    case 'uuid':
      if (!UUID.test(text)) throw invalid(option, `"${text}" is not a UUID`);
      break;
    case 'addr':
      if (!/^(v[12]:|any:)?(\[[0-9a-fA-F:.]+\]|[0-9.]+|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(\/[0-9]+)?$/.test(text)) {
        throw invalid(option, `"${text}" is not an address`);
      }
      break;
    default:
      break;
  }
  if (n !== null) {
    if (option.min !== undefined && n < option.min) throw invalid(option, `${n} is below the minimum ${option.min}`);
    if (option.max !== undefined && n > option.max) throw invalid(option, `${n} is above the maximum ${option.max}`);
  }
  if (option.enum_allowed && option.enum_allowed.length > 0 && !option.enum_allowed.includes(text)) {
    throw invalid(option, `"${text}" is not one of ${option.enum_allowed.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  return n !== null ? String(n) : text;
}
