/**
 * Writes schemas/cluster-event.schema.json: the JSON Schema of a trace event, generated from the zod schemas, for
 * tools outside TypeScript. test/schemas/json-schema.test.ts fails when the file is not what this would write.
 *
 * Usage: npm run gen:json-schema   (node --import tsx scripts/gen-json-schema.ts)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CLUSTER_EVENT_SCHEMA_FILE, clusterEventJsonSchema, jsonSchemaText } from '../schemas/json-schema.ts';

const file = fileURLToPath(new URL(`../${CLUSTER_EVENT_SCHEMA_FILE}`, import.meta.url));
writeFileSync(file, jsonSchemaText(clusterEventJsonSchema()));
console.log(`wrote ${CLUSTER_EVENT_SCHEMA_FILE}`);
