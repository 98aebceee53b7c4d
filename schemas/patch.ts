import { z } from 'zod';
import { FORBIDDEN_KEYS, isForbiddenKey } from './data-key.ts';

/** Splits an RFC 6901 JSON Pointer into its unescaped segments (`""` is the whole document). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** An RFC 6901 JSON Pointer into a map; segments that reach a prototype are refused here, at the edge. */
export const JsonPointerSchema = z
  .string()
  .refine((s) => s === '' || s.startsWith('/'), { message: 'a JSON Pointer is empty or starts with "/"' })
  .superRefine((s, ctx) => {
    // A path segment that could reach an object's prototype: a patch naming one is rejected.
    const bad = parsePointer(s).find(isForbiddenKey);
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `forbidden path segment "${bad}"` });
  })
  // Unescaping cannot make a forbidden name (none holds "/" or "~"), so a raw segment is forbidden iff it is one.
  .meta({ pattern: '^(?:/|$)', not: { pattern: `/(?:${FORBIDDEN_KEYS.join('|')})(?:/|$)` } });

const withValue = { path: JsonPointerSchema, value: z.json() };

/** One RFC 6902 operation; `add`, `remove`, `replace` and `test` are what map patches use. */
export const PatchOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), ...withValue }),
  z.object({ op: z.literal('remove'), path: JsonPointerSchema }),
  z.object({ op: z.literal('replace'), ...withValue }),
  z.object({ op: z.literal('test'), ...withValue }),
]);
/** What {@link PatchOperationSchema} parses to. */
export type PatchOperation = z.infer<typeof PatchOperationSchema>;

/** A JSON Patch (RFC 6902) against the previous map of the same kind. */
export const JsonPatchSchema = z.array(PatchOperationSchema);
/** What {@link JsonPatchSchema} parses to. */
export type JsonPatch = z.infer<typeof JsonPatchSchema>;
