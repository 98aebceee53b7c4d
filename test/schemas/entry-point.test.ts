import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ClusterEventSchema, EVENT_KINDS, OsdMapSchema } from 'mgrkit/schemas';
import { PATCH_TRACE, readJsonl } from '../helpers.ts';

it("`mgrkit/schemas` is the package's schemas: every line of a real trace parses with its event schema", () => {
  const lines = readJsonl<Record<string, unknown>>(PATCH_TRACE);
  const kinds = new Set<string>();
  for (const line of lines) {
    const r = ClusterEventSchema.safeParse(line);
    assert.ok(r.success, JSON.stringify(r.error?.issues[0]));
    kinds.add(r.data.kind);
    if (r.data.kind === 'osd_map' && 'map' in r.data && r.data.map) OsdMapSchema.parse(r.data.map);
  }
  for (const k of kinds) assert.ok((EVENT_KINDS as readonly string[]).includes(k));
  assert.equal(ClusterEventSchema.safeParse({ t: 1, kind: 'no_such_kind' }).success, false);
});
