import { z } from 'zod';
import { FORBIDDEN_SEGMENTS } from './patch.ts';

/**
 * Names that reach an object's prototype when used as a key of a plain object (`o[who][name] = v` with `who` of
 * `__proto__` writes to `Object.prototype`). A field whose value becomes a key of the state refuses them.
 */
export const FORBIDDEN_KEYS: readonly string[] = FORBIDDEN_SEGMENTS;

export function isForbiddenKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/** Marks the zod issue of a forbidden key, so that the rejection carries its own code. */
export const FORBIDDEN_KEY_PARAMS = { forbiddenKey: true } as const;

export function forbiddenKeyMessage(key: string): string {
  return `forbidden key "${key}" (reaches an object's prototype)`;
}

/** A string that becomes a key of the state: anything but a name of the prototype chain. */
export const DataKeySchema = z.string().check((ctx) => {
  if (isForbiddenKey(ctx.value)) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: forbiddenKeyMessage(ctx.value),
      params: FORBIDDEN_KEY_PARAMS,
    });
  }
});

/** A record whose keys become keys of the state: a forbidden key is reported at its own path. */
export function dataRecord<V extends z.ZodType>(value: V) {
  return z.record(z.string(), value).check((ctx) => {
    for (const key of Object.keys(ctx.value)) {
      if (isForbiddenKey(key)) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          path: [key],
          message: forbiddenKeyMessage(key),
          params: FORBIDDEN_KEY_PARAMS,
        });
      }
    }
  });
}
