import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseTraceLine } from '../../src/ingest/parse-line.ts';
import { formatRejection } from '../../src/ingest/rejection.ts';

function reject(line: string): string {
  const r = parseTraceLine(line, 'x.jsonl', 3);
  assert.ok(r !== null && 'rejection' in r, `accepted: ${line}`);
  return formatRejection(r.rejection);
}

it('tells a missing field from one of the wrong type, and names the place', () => {
  assert.equal(reject('{"kind":"heartbeat"}'), 'x.jsonl:3: heartbeat.t: missing required field (expected number)');
  assert.equal(
    reject('{"kind":"heartbeat","t":"yesterday"}'),
    'x.jsonl:3: heartbeat.t: Invalid input: expected number, received string',
  );
  assert.equal(reject('{"kind":"clog","t":1,"entry":{"name":"mon.a"}}').startsWith('x.jsonl:3: clog.entry.'), true);
  assert.match(reject('{"kind":"mon_sesion","t":1}'), /^x\.jsonl:3: kind: unknown event kind "mon_sesion" \(one of /);
  assert.match(reject('{"kind":'), /^x\.jsonl:3: not JSON: /);
  assert.equal(parseTraceLine('   ', 'x.jsonl', 3), null);
  assert.equal(parseTraceLine('# a comment', 'x.jsonl', 3), null);
});
