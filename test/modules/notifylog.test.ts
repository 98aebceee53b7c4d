import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { type Expectation, readJsonl, runCli, tempDir, WHOLE_TRACE } from '../helpers.ts';

interface Event {
  kind: string;
  entry?: { seq: number };
}

/**
 * The notifications real ceph-mgr sent the recording module: the expectation file has one record per osd_map,
 * health and pg_summary notify (with the seq after which it came); clog notifies are the trace's clog events.
 */
function realNotifies(): Array<{ type: string; seq: number; clog?: number }> {
  const seen = new Set<string>();
  const out: Array<{ type: string; seq: number; clog?: number }> = [];
  for (const e of readJsonl<Expectation>(WHOLE_TRACE.replace('.jsonl.gz', '.expect.jsonl.gz'))) {
    if (!['osd_map', 'health', 'pg_summary'].includes(e.name)) continue;
    const key = `${e.after_seq}:${e.name}`;
    if (!seen.has(key)) out.push({ type: e.name, seq: e.after_seq });
    seen.add(key);
  }
  readJsonl<Event>(WHOLE_TRACE).forEach((e, i) => {
    if (e.kind === 'clog') out.push({ type: 'clog', seq: i + 1, clog: e.entry!.seq });
  });
  return out.sort((a, b) => a.seq - b.seq);
}

it('`replay --modules notifylog,status` delivers, in order and type, the notifies real ceph-mgr sent', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cues.jsonl');
  const r = await runCli([
    'replay',
    WHOLE_TRACE,
    '--db',
    join(dir, 'db'),
    '--modules',
    'notifylog,status',
    '--set',
    `mgr/notifylog/file=${file}`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /module {4}notifylog \(running\): 299 cues/);
  assert.match(r.stdout, /module {4}status \(running\): 173 cues/);
  const got = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; id: string | { seq: number } });
  const real = realNotifies();
  assert.equal(got.length, real.length);
  assert.deepEqual(
    got.map((c) => c.type),
    real.map((c) => c.type),
  );
  assert.deepEqual(
    got.filter((c) => c.type === 'clog').map((c) => (c.id as { seq: number }).seq),
    real.filter((c) => c.type === 'clog').map((c) => c.clog),
    'each clog cue carries its log entry, as Pacific passes it',
  );
  assert.ok(got.filter((c) => c.type !== 'clog').every((c) => c.id === ''));
});
