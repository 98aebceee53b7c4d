import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OsdStatSchema } from '../../schemas/daemon/index.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { MgrModule, type NotifyType } from '../../src/index.ts';
import { Accessors } from '../../src/module/accessors.ts';
import { finalState } from '../fixtures/final-state.ts';
import { FIXTURES, readJsonl, WHOLE_TRACE } from '../helpers.ts';

class Plain extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
}

interface PingEntry {
  osd: number;
  network_ping_times: unknown[];
}

const real = JSON.parse(readFileSync(join(FIXTURES, 'accessors-3osd.json'), 'utf8')).get;
const realPings = (real.osd_ping_times.osd_ping_times as PingEntry[]).sort((a, b) => a.osd - b.osd);

describe('osd_ping_times', () => {
  it('has one entry per OSD of the PG map, as real ceph-mgr; the trace recorded no ping times, so each is empty', () => {
    const state = finalState(WHOLE_TRACE);
    const acc = new Accessors(() => state);
    const ours = acc.get('osd_ping_times');
    assert.deepEqual(Object.keys(ours), ['osd_ping_times']);
    assert.deepEqual(
      ours.osd_ping_times.map((e) => Object.keys(e).sort()),
      realPings.map((e) => Object.keys(e).sort()),
    );
    assert.deepEqual(
      ours.osd_ping_times.map((e) => e.osd),
      realPings.map((e) => e.osd),
    );
    assert.ok(
      ours.osd_ping_times.every((e) => Array.isArray(e.network_ping_times) && e.network_ping_times.length === 0),
    );
    assert.equal(acc.get('osd_ping_times'), ours, 'memoised');
    assert.ok(Object.isFrozen(ours));
  });

  it('passes on the ping times an OSD reports in its osd_stat, exactly as it reported them', async () => {
    const events = readJsonl<{ kind: string; reporter?: string; osd_stat?: object }>(WHOLE_TRACE);
    const h = await createModuleHarness({ module: Plain, name: 'plain' });
    await h.push(...events.filter((e) => e.kind === 'osd_map' || e.kind === 'pg_stats'));
    const before = h.module.get('osd_ping_times');
    const last = events.filter((e) => e.kind === 'pg_stats' && e.reporter === 'osd.1').at(-1)!;
    const pings = realPings.find((e) => e.osd === 1)!.network_ping_times;
    assert.ok(pings.length > 0);
    assert.deepEqual(OsdStatSchema.parse({ ...last.osd_stat, network_ping_times: pings }).network_ping_times, pings);
    await h.push({ ...last, t: 1e13, osd_stat: { ...last.osd_stat, network_ping_times: pings } });
    const after = h.module.get('osd_ping_times');
    assert.notEqual(after, before);
    assert.deepEqual(
      after.osd_ping_times.find((e) => e.osd === 1),
      realPings.find((e) => e.osd === 1),
    );
    assert.deepEqual(after.osd_ping_times.find((e) => e.osd === 0)?.network_ping_times, []);
    await h.stop();
  });
});

describe('names ceph-mgr Pacific does not serve', () => {
  it('osd_perf and osd_crush_map_text are null, as real ceph-mgr returned them', () => {
    const state = finalState(WHOLE_TRACE);
    const acc = new Accessors(() => state);
    assert.equal(real.osd_perf, null);
    assert.equal(real.osd_crush_map_text, null);
    assert.equal(acc.get('osd_perf'), real.osd_perf);
    assert.equal(acc.get('osd_crush_map_text'), real.osd_crush_map_text);
  });
});
