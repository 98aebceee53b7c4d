import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type CliResult, readJsonl, runCli, tempDir, WHOLE_TRACE } from '../helpers.ts';

interface Event {
  kind: string;
  t: number;
  epoch?: number;
  [k: string]: unknown;
}

/**
 * A trace made of real events with a bad line of every kind among them. Returns the file and, for each bad line,
 * its number and the field path the report must name.
 */
function buildBadTrace(dir: string, hugeBytes: number) {
  const real = readJsonl<Event>(WHOLE_TRACE);
  const firstOsdMap = real.findIndex((e) => e.kind === 'osd_map');
  const head = real.slice(0, firstOsdMap + 1); // ends with the first OSD map, epoch 14
  const t = head[head.length - 1]!.t;
  const epoch = head[head.length - 1]!.epoch!;
  const lines: string[] = head.map((e) => JSON.stringify(e));
  const bad: Array<{ line: number; path: string; what: string }> = [];
  const addBad = (text: string, path: string, what: string) => {
    lines.push(text);
    bad.push({ line: lines.length, path, what });
  };
  const good = (e: object) => lines.push(JSON.stringify(e));
  addBad('{"kind": "heartbeat", "t": ', '', 'not JSON');
  addBad(JSON.stringify({ kind: 'osd_mapp', t }), 'kind', 'unknown kind');
  addBad(JSON.stringify({ kind: 'heartbeat', t: 'yesterday' }), 'heartbeat.t', 'wrong type');
  addBad(
    JSON.stringify({ kind: 'osd_map', t, epoch: epoch + 1, patch: [{ op: 'replace', path: '/osds/7/up', value: 0 }] }),
    'osd_map.patch[0].path',
    'bad patch path',
  );
  addBad(
    JSON.stringify({
      kind: 'osd_map',
      t,
      epoch: epoch + 5,
      patch: [{ op: 'replace', path: '/epoch', value: epoch + 5 }],
    }),
    'osd_map.epoch',
    'epoch gap',
  );
  addBad(
    JSON.stringify({
      kind: 'osd_map',
      t,
      epoch: epoch + 1,
      patch: [{ op: 'add', path: '/__proto__/polluted', value: 1 }],
    }),
    'osd_map.patch[0].path',
    'prototype pollution',
  );
  addBad(
    JSON.stringify({ kind: 'mon_map', t, epoch: 2, patch: [{ op: 'replace', path: '/epoch', value: 2 }] }),
    'mon_map.patch',
    'patch with no previous map',
  );
  const stale = head[head.length - 1]!;
  addBad(
    JSON.stringify({ ...stale, epoch: epoch - 1, map: { ...(stale.map as object), epoch: epoch - 1 } }),
    'osd_map.epoch',
    'stale map',
  );
  addBad(`{"kind":"clog","t":${t},"pad":"${'x'.repeat(hugeBytes)}"}`, '', 'huge line');
  // Good lines after the bad ones must still be applied.
  good({ kind: 'heartbeat', t: t + 1000 });
  good({
    kind: 'osd_map',
    t: t + 2000,
    epoch: epoch + 1,
    patch: [
      { op: 'replace', path: '/epoch', value: epoch + 1 },
      { op: 'replace', path: '/osds/0/weight', value: 0.5 },
    ],
  });
  const file = join(dir, 'bad.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, bad, goodBefore: head.length, goodTotal: head.length + 2, epoch };
}

function reportedLines(r: CliResult, file: string): Map<number, string> {
  const m = new Map<number, string>();
  for (const l of r.stderr.split('\n')) {
    if (!l.startsWith(`${file}:`)) continue;
    const rest = l.slice(file.length + 1);
    m.set(Number(rest.slice(0, rest.indexOf(':'))), rest.slice(rest.indexOf(':') + 2));
  }
  return m;
}

describe('a trace with bad lines of every kind', () => {
  it('reports each with its line and field, applies the good lines, and keeps going', async (t) => {
    const dir = tempDir(t);
    const trace = buildBadTrace(dir, 64 * 1024 * 1024 + 10);
    const db = join(dir, 'db');
    const r = await runCli(['replay', trace.file, '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    const reported = reportedLines(r, trace.file);
    assert.deepEqual(
      [...reported.keys()],
      trace.bad.map((b) => b.line),
      r.stderr,
    );
    for (const b of trace.bad) {
      const msg = reported.get(b.line)!;
      if (b.path !== '') assert.ok(msg.startsWith(`${b.path}: `), `${b.what}: "${msg}" should name ${b.path}`);
    }
    assert.match(
      reported.get(trace.bad.find((b) => b.what === 'huge line')!.line)!,
      /over the limit of 67108864 bytes/,
    );
    assert.match(reported.get(trace.bad.find((b) => b.what === 'prototype pollution')!.line)!, /__proto__/);
    assert.match(r.stdout, new RegExp(`${trace.goodTotal} accepted, ${trace.bad.length} rejected`));

    const w = await runCli(['get', 'osd_map', '--db', db]);
    assert.equal(w.code, 0, w.stderr);
    const osdMap = JSON.parse(w.stdout);
    assert.equal(osdMap.epoch, trace.epoch + 1);
    assert.equal(osdMap.osds[0].weight, 0.5);
    assert.equal(osdMap.polluted, undefined);
  });

  it('--strict exits 2 at the first bad line, keeping every event before it', async (t) => {
    const dir = tempDir(t);
    const trace = buildBadTrace(dir, 1024);
    const db = join(dir, 'db');
    const r = await runCli(['replay', trace.file, '--db', db, '--strict', '--json']);
    assert.equal(r.code, 2, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.events.accepted, trace.goodBefore);
    assert.equal(summary.events.rejected, 1);
    assert.match(summary.stoppedAt, new RegExp(`^${trace.file}:${trace.bad[0]!.line}: not JSON`));
    const d = await runCli(['call', 'get', 'osd_map', '--db', db]);
    assert.equal(JSON.parse(d.stdout).epoch, trace.epoch);
    const again = await runCli(['replay', trace.file, '--db', db, '--strict', '--json']);
    // Re-running resumes at the bad line (it was not consumed) and stops there again, applying nothing twice.
    assert.equal(again.code, 2);
    assert.equal(JSON.parse(again.stdout).events.accepted, 0);
    assert.equal(JSON.parse(again.stdout).lastSeq, trace.goodBefore);
  });
});
