import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ClusterEvent, JournaledEvent } from '../../schemas/event.ts';
import { stateAt } from '../../src/entry/host.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrError } from '../../src/errors.ts';
import { MgrModule } from '../../src/index.ts';
import { parseTraceLine } from '../../src/ingest/parse-line.ts';
import { formatRejection, type Rejection } from '../../src/ingest/rejection.ts';
import { replayTrace } from '../../src/run/replay.ts';
import { createEmptyState } from '../../src/state/cluster-state.ts';
import { foldBatch } from '../../src/state/fold.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers.ts';
import { prototypeSnapshot } from '../proto-snapshot.ts';

const PROTO_NAMES = ['__proto__', 'constructor', 'prototype'] as const;

function rejectionOf(text: string): Rejection {
  const parsed = parseTraceLine(text, 'x.jsonl', 7);
  assert.ok(parsed !== null && 'rejection' in parsed, `expected a rejection of ${text}`);
  return parsed.rejection;
}

const config = (who: string, name: string, value: string | null): ClusterEvent =>
  ({ kind: 'config', t: 1, changes: [{ who, name, value }] }) as ClusterEvent;

describe('keys from a trace are data, never paths into objects', () => {
  it('refuses a config who or name that names the prototype chain, at its line and field', () => {
    const before = prototypeSnapshot();
    for (const bad of PROTO_NAMES) {
      const who = rejectionOf(JSON.stringify(config(bad, 'polluted', 'yes')));
      assert.equal(who.code, 'MGR_ERR_TRACE_FORBIDDEN_KEY');
      assert.equal(
        formatRejection(who),
        `x.jsonl:7: config.changes[0].who: forbidden key "${bad}" (reaches an object's prototype)`,
      );
      const name = rejectionOf(JSON.stringify(config('osd', bad, null)));
      assert.equal(name.code, 'MGR_ERR_TRACE_FORBIDDEN_KEY');
      assert.deepEqual(name.path, ['config', 'changes', 0, 'name']);
    }
    assert.deepEqual(prototypeSnapshot(), before);
  });

  it('refuses prototype names as daemon types or ids, counter paths and pool ids', () => {
    for (const bad of PROTO_NAMES) {
      const r = rejectionOf(JSON.stringify({ kind: 'daemon_close', t: 1, daemon: `osd.${bad}` }));
      assert.equal(r.code, 'MGR_ERR_TRACE_FORBIDDEN_KEY', bad);
      assert.deepEqual(r.path, ['daemon_close', 'daemon']);
    }
    assert.equal(
      rejectionOf('{"kind":"daemon_close","t":1,"daemon":"constructor.0"}').code,
      'MGR_ERR_TRACE_FORBIDDEN_KEY',
    );
    const counter = rejectionOf('{"kind":"daemon_report","t":1,"daemon":"osd.0","counters":{"constructor":1}}');
    assert.equal(counter.code, 'MGR_ERR_TRACE_FORBIDDEN_KEY');
    assert.deepEqual(counter.path, ['daemon_report', 'counters', 'constructor']);
    const pg = rejectionOf(
      JSON.stringify({ kind: 'pg_stats', t: 1, reporter: 'osd.0', epoch: 1, pg_stats: [{ pgid: '__proto__.0' }] }),
    );
    assert.deepEqual(pg.path.slice(0, 4), ['pg_stats', 'pg_stats', 0, 'pgid']);
  });

  it('refuses an own "__proto__" key anywhere in a line, which JSON.parse makes and a spread would turn into a prototype', () => {
    const r = rejectionOf(
      '{"kind":"daemon_open","t":1,"daemon":"osd.0","hostname":"h","metadata":{"a":"b","__proto__":{"polluted":"1"}}}',
    );
    assert.equal(r.code, 'MGR_ERR_TRACE_FORBIDDEN_KEY');
    assert.equal(
      formatRejection(r),
      `x.jsonl:7: daemon_open.metadata.__proto__: forbidden key "__proto__" (reaches an object's prototype)`,
    );
    const top = rejectionOf('{"kind":"heartbeat","t":1,"__proto__":{"x":1}}');
    assert.deepEqual(top.path, ['heartbeat', '__proto__']);
  });

  it('folds other inherited names (toString, hasOwnProperty) as the plain data they are', () => {
    const before = prototypeSnapshot();
    const folded = foldBatch(createEmptyState(), [
      { event: config('toString', 'hasOwnProperty', 'x'), ref: 0 },
      { event: config('osd', 'toString', '1'), ref: 1 },
      { event: config('valueOf', 'x', null), ref: 2 },
      { event: config('osd', 'hasOwnProperty', null), ref: 3 },
    ]);
    assert.deepEqual(folded.rejected, []);
    assert.deepEqual(JSON.parse(JSON.stringify(folded.state.config)), {
      toString: { hasOwnProperty: 'x' },
      osd: { toString: '1' },
    });
    assert.deepEqual(prototypeSnapshot(), before);
  });

  it('refuses in the fold what the edge never saw, without touching a prototype', () => {
    const before = prototypeSnapshot();
    const inputs = [
      config('__proto__', 'polluted', 'yes'),
      config('constructor', 'polluted', 'yes'),
      config('__proto__', 'hasOwnProperty', null),
      config('osd', '__proto__', 'x'),
      { kind: 'daemon_report', t: 1, daemon: 'osd.0', counters: JSON.parse('{"__proto__":1}') },
      { kind: 'daemon_open', t: 1, daemon: 'osd.constructor', hostname: 'h', metadata: {} },
      { kind: 'pg_stats', t: 1, reporter: 'osd.0', epoch: 1, pg_stats: [{ pgid: '__proto__.0' }] },
    ] as ClusterEvent[];
    const folded = foldBatch(
      createEmptyState(),
      inputs.map((event, ref) => ({ event, ref })),
    );
    assert.deepEqual(folded.accepted, []);
    assert.deepEqual(
      folded.rejected.map((r) => r.error.code),
      inputs.map(() => 'MGR_ERR_FOLD_FORBIDDEN_KEY'),
    );
    assert.deepEqual(folded.rejected[0]!.error.place.path, ['changes', 0, 'who']);
    assert.deepEqual(prototypeSnapshot(), before);
    assert.equal(typeof Object.prototype.hasOwnProperty, 'function');
  });

  it('a journaled polluting event stops a refold with an error instead of polluting the process', async (t) => {
    const store = Store.open(tempDir(t));
    try {
      const events = [
        { kind: 'heartbeat', t: 1, seq: 1 },
        { kind: 'config', t: 2, seq: 2, changes: [{ who: '__proto__', name: 'polluted', value: 'yes' }] },
      ] as JournaledEvent[];
      await store.commit({ events });
      const before = prototypeSnapshot();
      assert.equal(stateAt(store, 1).seq, 1);
      assert.throws(
        () => stateAt(store, 2),
        (e: unknown) => e instanceof MgrError && e.code === 'MGR_ERR_STORE_CORRUPT' && /__proto__/.test(e.message),
      );
      assert.deepEqual(prototypeSnapshot(), before);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    } finally {
      await store.close();
    }
  });

  it('a replay reports each polluting line at its place and applies the good lines around it', async (t) => {
    const dir = tempDir(t);
    const trace = join(dir, 'proto.jsonl');
    const lines = [
      { kind: 'heartbeat', t: 1 },
      config('__proto__', 'polluted', 'yes'),
      config('global', 'a', '1'),
      config('__proto__', 'hasOwnProperty', null),
      config('constructor', 'prototype', 'x'),
      config('mgr', 'b', '2'),
    ].map((e) => JSON.stringify(e));
    lines.splice(4, 0, '{"kind":"heartbeat","t":3,"__proto__":{"polluted":"yes"}}');
    writeFileSync(trace, `${lines.join('\n')}\n`);
    const store = Store.open(join(dir, 'db'));
    const before = prototypeSnapshot();
    const rejections: Rejection[] = [];
    try {
      const { summary, state } = await replayTrace({ trace, store, onRejection: (r) => rejections.push(r) });
      assert.deepEqual(
        rejections.map((r) => [r.line, r.code, r.path.join('.')]),
        [
          [2, 'MGR_ERR_TRACE_FORBIDDEN_KEY', 'config.changes.0.who'],
          [4, 'MGR_ERR_TRACE_FORBIDDEN_KEY', 'config.changes.0.who'],
          [5, 'MGR_ERR_TRACE_FORBIDDEN_KEY', 'heartbeat.__proto__'],
          [6, 'MGR_ERR_TRACE_FORBIDDEN_KEY', 'config.changes.0.who'],
        ],
      );
      assert.equal(summary.events.accepted, 3);
      assert.deepEqual(JSON.parse(JSON.stringify(state.config)), { global: { a: '1' }, mgr: { b: '2' } });
    } finally {
      await store.close();
    }
    assert.deepEqual(prototypeSnapshot(), before);
  });

  it('a name from a map or an argument that every object inherits is looked up as data by the accessors', async () => {
    class Plain extends MgrModule {}
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    try {
      const before = prototypeSnapshot();
      await h.push(
        { kind: 'health', t: 1, map: { status: 'HEALTH_OK', checks: {}, mutes: [], constructor: { a: 1 } } },
        {
          kind: 'daemon_open',
          t: 2,
          daemon: 'osd.0',
          hostname: 'h',
          metadata: {},
          perf_schema: {
            toString: { description: 'x', type: 2, priority: 5, units: 0 },
          },
        },
        { kind: 'daemon_report', t: 3, daemon: 'osd.0', counters: { 'osd.op_w': 1 } },
      );
      const health = JSON.parse(h.module.get('health')!.json) as Record<string, unknown>;
      assert.deepEqual(health.constructor, { a: 1 });
      assert.deepEqual(h.module.get_counter('osd', '0', 'constructor'), { constructor: [] });
      assert.deepEqual(h.module.get_latest_counter('osd', '0', 'toString'), { toString: [] });
      assert.deepEqual(h.module.get_all_perf_counters(0), { 'osd.0': {} });
      assert.deepEqual(prototypeSnapshot(), before);
    } finally {
      await h.stop();
    }
  });

  it('a patch path through an inherited name is a missing key, not an internal error', () => {
    const base = { kind: 'health', t: 1, map: { status: 'HEALTH_OK', checks: {}, mutes: [] } } as ClusterEvent;
    const patch = {
      kind: 'health',
      t: 2,
      patch: [{ op: 'add', path: '/toString', value: 1 }],
    } as ClusterEvent;
    const folded = foldBatch(createEmptyState(), [
      { event: base, ref: 0 },
      { event: patch, ref: 1 },
    ]);
    assert.deepEqual(folded.rejected, []);
    assert.equal((folded.state.maps.health!.map as unknown as Record<string, unknown>).toString, 1);
  });
});
