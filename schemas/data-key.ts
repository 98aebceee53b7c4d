import { z } from 'zod';

/**
 * Whether a name reaches an object's prototype when used as a key of a plain object (`o[who][name] = v` with `who`
 * of `__proto__` writes to `Object.prototype`): a field whose value becomes a key of the state refuses these.
 */
export function isForbiddenKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/** The keys {@link isForbiddenKey} refuses, for the JSON Schema form of the checks below. */
export const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Marks the zod issue of a forbidden key, so that the rejection carries its own code. */
export const FORBIDDEN_KEY_PARAMS = { forbiddenKey: true } as const;

/** What a rejection says of a forbidden key (`__proto__`, `constructor`, `prototype`). */
export function forbiddenKeyMessage(key: string): string {
  return `forbidden key "${key}" (reaches an object's prototype)`;
}

/** The zod issue of a forbidden key, at `path` below the value checked. */
export function forbiddenKeyIssue(input: unknown, key: string, path: PropertyKey[] = []) {
  return { code: 'custom', input, path, message: forbiddenKeyMessage(key), params: FORBIDDEN_KEY_PARAMS } as const;
}

/**
 * A string that becomes a key of the state: anything but a name of the prototype chain. Each check written as code
 * here carries its JSON Schema form as metadata, which `z.toJSONSchema` merges into the schema it generates.
 */
export const DataKeySchema = z
  .string()
  .check((ctx) => {
    if (isForbiddenKey(ctx.value)) ctx.issues.push(forbiddenKeyIssue(ctx.value, ctx.value));
  })
  .meta({ not: { enum: [...FORBIDDEN_KEYS] } });

/** A record whose keys become keys of the state: a forbidden key is reported at its own path. */
export function dataRecord<V extends z.ZodType>(value: V) {
  return z
    .record(z.string(), value)
    .check((ctx) => {
      for (const key of Object.keys(ctx.value)) {
        if (isForbiddenKey(key)) ctx.issues.push(forbiddenKeyIssue(ctx.value, key, [key]));
      }
    })
    .meta({ propertyNames: { type: 'string', not: { enum: [...FORBIDDEN_KEYS] } } });
}
