import { z } from 'zod';
import { ClusterEventSchema } from './event.ts';

/** Where the JSON Schema of a trace's events is published, from the root of the package. */
export const CLUSTER_EVENT_SCHEMA_FILE = 'schemas/cluster-event.schema.json';

/**
 * The JSON Schema (draft 2020-12) of one trace event, generated from {@link ClusterEventSchema}: what a line must be,
 * for tools outside TypeScript, and what the ingest compiles into its validator. It describes the input (the
 * `io: 'input'` view: unknown fields allowed wherever zod ignores them). The checks zod runs as code (forbidden keys,
 * JSON Pointer segments, one of `map` or `patch`) are carried by their schemas' metadata; the depth limit and own
 * `__proto__` keys are checked before any schema, by the ingest. zod stays the source of truth for the messages.
 */
export function clusterEventJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ClusterEventSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: generated.$schema,
    title: 'mgrkit trace event',
    description: 'One line of an mgrkit trace (JSONL): generated from the zod schemas by `npm run gen:json-schema`.',
    ...generated,
  };
}

/** The text of the published file: two-space indented, with a final newline. */
export function jsonSchemaText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
