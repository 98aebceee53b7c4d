import type { z } from 'zod';
import { FORBIDDEN_KEY_PARAMS } from '../../schemas/data-key.ts';
import { type ClusterEvent, ClusterEventSchema, EVENT_KINDS, type EventKind } from '../../schemas/event.ts';
import { type CompiledEventValidator, compiledEventValidator } from './compiled-validator.ts';
import { checkInputShape } from './input-shape.ts';
import type { Rejection } from './rejection.ts';
import { isBlankLine } from './source-item.ts';

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

/** A value quoted in a message, cut short: a line may carry megabytes where one word was expected. */
function shown(v: unknown): string {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isForbiddenKeyIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && issue.params?.forbiddenKey === FORBIDDEN_KEY_PARAMS.forbiddenKey;
}

/** The issue a reader should see first: the deepest one, since unions report their outer failure too. */
function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  let best = issues[0]!;
  for (const i of issues) if (i.path.length > best.path.length) best = i;
  return best;
}

/**
 * Parses and validates one line. The event returned is the parsed JSON itself (not a copy made by the schema), so
 * the maps keep Ceph's key order and unknown fields. `fast` is as for {@link validateEvent}.
 */
export function parseTraceLine(
  text: string,
  file: string,
  line: number,
  fast: CompiledEventValidator | null = compiledEventValidator(),
): ParsedLine {
  if (isBlankLine(text)) return null;
  const trimmed = text.trim();
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (e) {
    return {
      rejection: { file, line, code: 'MGR_ERR_TRACE_NOT_JSON', path: [], reason: `not JSON: ${(e as Error).message}` },
    };
  }
  try {
    return validateEvent(value, file, line, fast);
  } catch (e) {
    // A line the checks above let through but cannot word a verdict on is still one rejected line, at its place:
    // an exception here would end the source part-way, with the lines after it never read.
    const reason = `cannot be checked: ${(e as Error).message}`;
    return { rejection: { file, line, code: 'MGR_ERR_TRACE_SCHEMA', path: [], reason } };
  }
}

/**
 * Checks a parsed value against the event schemas: the event itself (not a copy), or the rejection that names the
 * field and tells a missing one from one of the wrong type. `fast` checks first (by default the validator compiled
 * from the JSON Schema; `null` for zod alone): it passes exactly what zod passes (test/ingest/validator-equivalence),
 * much faster, and a value it refuses is checked again by zod, which decides and words the rejection.
 */
export function validateEvent(
  value: unknown,
  file: string,
  line: number,
  fast: CompiledEventValidator | null = compiledEventValidator(),
): { event: ClusterEvent } | { rejection: Rejection } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { rejection: { file, line, code: 'MGR_ERR_TRACE_SCHEMA', path: [], reason: 'an event is a JSON object' } };
  }
  const kind = (value as { kind?: unknown }).kind;
  // Before anything walks the value recursively: the schema, the messages below, freezing, the digest, the store.
  const shape = checkInputShape(value);
  if (shape !== null) {
    const where = typeof kind === 'string' && KINDS.has(kind) && shape.path[0] !== 'kind' ? [kind] : [];
    return { rejection: { file, line, code: shape.code, path: [...where, ...shape.path], reason: shape.reason } };
  }
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    const reason =
      kind === undefined ? 'missing "kind"' : `unknown event kind ${shown(kind)} (one of ${EVENT_KINDS.join(', ')})`;
    return { rejection: { file, line, code: 'MGR_ERR_TRACE_SCHEMA', path: ['kind'], reason } };
  }
  if (fast?.passes(value, kind as EventKind)) return { event: value as ClusterEvent };
  const checked = ClusterEventSchema.safeParse(value);
  if (!checked.success) {
    const issue = firstIssue(checked.error.issues);
    return {
      rejection: {
        file,
        line,
        code: isForbiddenKeyIssue(issue) ? 'MGR_ERR_TRACE_FORBIDDEN_KEY' : 'MGR_ERR_TRACE_SCHEMA',
        path: [kind, ...(issue.path as (string | number)[])],
        reason: describeIssue(issue, value),
      },
    };
  }
  return { event: value as ClusterEvent };
}
