import type { z } from 'zod';
import { type ClusterEvent, ClusterEventSchema, EVENT_KINDS } from '../../schemas/event.ts';
import type { Rejection } from './rejection.ts';

/** The outcome of one trace line: an event, a rejection, or nothing (blank lines and `#` comments). */
export type ParsedLine = { event: ClusterEvent } | { rejection: Rejection } | null;

const KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);

/** Whether the field an issue points at is there at all in the parsed line. */
function present(raw: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let at: unknown = raw;
  for (const seg of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, seg)) return false;
    at = (at as Record<PropertyKey, unknown>)[seg];
  }
  return at !== undefined;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code === 'invalid_type' && !present(raw, issue.path))
    return `missing required field (expected ${issue.expected})`;
  return issue.message;
}

/** The issue a reader should see first: the deepest one, since unions report their outer failure too. */
function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  let best = issues[0]!;
  for (const i of issues) if (i.path.length > best.path.length) best = i;
  return best;
}

/**
 * Parses and validates one line. The event returned is the parsed JSON itself (not a copy made by the schema), so
 * the maps keep Ceph's key order and unknown fields.
 */
export function parseTraceLine(text: string, file: string, line: number): ParsedLine {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (e) {
    return {
      rejection: { file, line, code: 'MGR_ERR_TRACE_NOT_JSON', path: [], reason: `not JSON: ${(e as Error).message}` },
    };
  }
  return validateEvent(value, file, line);
}

/**
 * Checks a parsed value against the event schemas: the event itself (not a copy), or the rejection that names the
 * field and tells a missing one from one of the wrong type.
 */
export function validateEvent(
  value: unknown,
  file: string,
  line: number,
): { event: ClusterEvent } | { rejection: Rejection } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { rejection: { file, line, code: 'MGR_ERR_TRACE_SCHEMA', path: [], reason: 'an event is a JSON object' } };
  }
  const kind = (value as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    const reason =
      kind === undefined
        ? 'missing "kind"'
        : `unknown event kind ${JSON.stringify(kind)} (one of ${EVENT_KINDS.join(', ')})`;
    return { rejection: { file, line, code: 'MGR_ERR_TRACE_SCHEMA', path: ['kind'], reason } };
  }
  const checked = ClusterEventSchema.safeParse(value);
  if (!checked.success) {
    const issue = firstIssue(checked.error.issues);
    return {
      rejection: {
        file,
        line,
        code: 'MGR_ERR_TRACE_SCHEMA',
        path: [kind, ...(issue.path as (string | number)[])],
        reason: describeIssue(issue, value),
      },
    };
  }
  return { event: value as ClusterEvent };
}
