import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { CLUSTER_EVENT_SCHEMA_FILE, clusterEventJsonSchema, jsonSchemaText } from '../../schemas/json-schema.ts';
import { ROOT } from '../helpers.ts';

it('publishes the JSON Schema that the zod schemas generate today (npm run gen:json-schema rewrites it)', () => {
  const published = readFileSync(join(ROOT, CLUSTER_EVENT_SCHEMA_FILE), 'utf8');
  assert.equal(published, jsonSchemaText(clusterEventJsonSchema()), 'run `npm run gen:json-schema`');
});

it('carries the checks zod runs as code: forbidden keys, JSON Pointer segments, one of map or patch', () => {
  const text = JSON.stringify(clusterEventJsonSchema());
  for (const needle of [
    '"propertyNames"',
    '"not":{"enum":["__proto__","constructor","prototype"]}',
    '"required":["map"]',
  ]) {
    assert.ok(text.includes(needle), needle);
  }
});
