import { forbiddenKeyMessage } from '../../schemas/data-key.ts';

/**
 * How deep a line's JSON may nest. Real events nest 7 levels at most (an OSD map's pools), Ceph's dumps 10; past
 * this limit a line is refused before anything walks it recursively (freezing, schema checks, the digest, the
 * store's encoder), which at a few thousand levels would overflow the stack.
 */
export const MAX_NESTING = 64;

/** What is wrong with the shape of a parsed line, and where: too deep, or an own `__proto__` key. */
export interface ShapeIssue {
  readonly code: 'MGR_ERR_TRACE_TOO_DEEP' | 'MGR_ERR_TRACE_FORBIDDEN_KEY';
  readonly path: Array<string | number>;
  readonly reason: string;
}

/**
 * Checks a freshly parsed value: nesting no deeper than {@link MAX_NESTING} (the walk stops there, so it cannot
 * overflow itself), and no object with an own `__proto__` key, which `JSON.parse` makes but which a spread, an
 * `Object.assign`, an immer draft or the store's decoder would turn into a prototype. The path is built only on
 * the way out of a failure, so a good line costs one walk and no allocation.
 */
export function checkInputShape(value: unknown): ShapeIssue | null {
  const issue = walk(value, 1);
  // The path of a too-deep value is as long as the limit: its first segments say where it is.
  if (issue !== null && issue.path.length > SHOWN_SEGMENTS) issue.path.length = SHOWN_SEGMENTS;
  return issue;
}

const SHOWN_SEGMENTS = 8;

function walk(v: unknown, depth: number): ShapeIssue | null {
  if (v === null || typeof v !== 'object') return null;
  if (depth > MAX_NESTING) {
    return { code: 'MGR_ERR_TRACE_TOO_DEEP', path: [], reason: `nested more than ${MAX_NESTING} levels deep` };
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === null || typeof x !== 'object') continue;
      const issue = walk(x, depth + 1);
      if (issue !== null) {
        issue.path.unshift(i);
        return issue;
      }
    }
    return null;
  }
  if (Object.hasOwn(v, '__proto__')) {
    return {
      code: 'MGR_ERR_TRACE_FORBIDDEN_KEY',
      path: ['__proto__'],
      reason: forbiddenKeyMessage('__proto__'),
    };
  }
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x === null || typeof x !== 'object') continue;
    const issue = walk(x, depth + 1);
    if (issue !== null) {
      issue.path.unshift(k);
      return issue;
    }
  }
  return null;
}
