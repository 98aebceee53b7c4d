import { z } from 'zod';
import { MgrError } from '../errors.ts';
import type { CephArgType } from './ceph-arg-type.ts';
import type { ArgDesc } from './descriptor.ts';

interface Unwrapped {
  schema: z.ZodType;
  optional: boolean;
}

function unwrap(schema: z.ZodType): Unwrapped {
  let s = schema;
  let optional = false;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      optional = true;
      s = (s as z.ZodOptional<z.ZodType>).unwrap() as z.ZodType;
    } else return { schema: s, optional };
  }
}

function isInt(s: z.ZodNumber): boolean {
  return (s as unknown as { format?: string | null }).format?.includes('int') ?? false;
}

function scalar(name: string, s: z.ZodType): Pick<ArgDesc, 'type' | 'strings' | 'range'> {
  if (s instanceof z.ZodString) return { type: 'CephString' };
  if (s instanceof z.ZodNumber) {
    const type: CephArgType = isInt(s) ? 'CephInt' : 'CephFloat';
    // zod's int() sets the safe-integer bounds itself; only bounds the author gave become a Ceph range.
    const bound = (v: number | null) => (v !== null && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : null);
    const min = bound(s.minValue);
    const max = bound(s.maxValue);
    if (min === null && max === null) return { type };
    return { type, range: max === null ? [min!] : [min ?? Number.MIN_SAFE_INTEGER, max] };
  }
  if (s instanceof z.ZodBoolean) return { type: 'CephBool' };
  if (s instanceof z.ZodEnum) return { type: 'CephChoices', strings: s.options.map(String) };
  if (s instanceof z.ZodLiteral) return { type: 'CephChoices', strings: [...s.values].map(String) };
  throw new MgrError('MGR_ERR_COMMAND_DESCRIPTOR', `argument "${name}": no Ceph type for this schema`);
}

/**
 * The Ceph argument descriptors of a handler's zod object schema, in declaration order, as Ceph derives them from a
 * Python signature: `string` → CephString, `int` → CephInt, `number` → CephFloat, `boolean` → CephBool, `enum` →
 * CephChoices, arrays → `n=N`, optional or defaulted → `req=false`. A boolean or an argument named `format` is
 * non-positional, and so is every argument after it.
 */
export function argsFromZod(schema: z.ZodObject): ArgDesc[] {
  const out: ArgDesc[] = [];
  let positional = true;
  for (const [name, field] of Object.entries(schema.shape)) {
    const { schema: inner, optional } = unwrap(field as z.ZodType);
    let n: ArgDesc['n'] = 1;
    let item = inner;
    if (inner instanceof z.ZodArray) {
      n = 'N';
      item = unwrap(inner.element as z.ZodType).schema;
    }
    const base = scalar(name, item);
    if (base.type === 'CephBool' || name === 'format') positional = false;
    if (!positional && !optional) {
      throw new MgrError('MGR_ERR_COMMAND_DESCRIPTOR', `argument "${name}" is not positional, so it must be optional`);
    }
    out.push({ name, req: !optional, positional, n, extra: {}, ...base });
  }
  return out;
}
