import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { HealthMap } from '../../schemas/maps/health.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';

const DURATION = 10_800;
const CLUSTER = { osds: 9, hosts: 3, pgs: 96, duration: DURATION, seed: 3 } as const;
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/;

/** What a run showed: each health map and each PG's reported states and stats, with the share of the duration. */
interface Seen {
  readonly health: Array<{ at: number; map: HealthMap }>;
  readonly states: Array<{ at: number; pgid: string; state: string }>;
  readonly pgs: Array<{ at: number; pgid: string; errors: number; unfound: number; repaired: number }>;
  readonly repaired: Array<{ at: number; osd: number; n: number }>;
  readonly events: ClusterEvent[];
}

function run(scenario: string[], until: number): { sim: SimulatedCluster; seen: Seen } {
  const sim = new SimulatedCluster({ ...CLUSTER, scenario });
  const seen: Seen = { health: [], states: [], pgs: [], repaired: [], events: [] };
  const at = (t: number) => (t - sim.startMs) / (DURATION * 1000);
  sim.advance(sim.startMs + Math.round(DURATION * 1000 * until), (e) => {
    seen.events.push(e);
    if (e.kind === 'health' && e.map) seen.health.push({ at: at(e.t), map: e.map });
    if (e.kind !== 'pg_stats') return;
    for (const p of e.pg_stats) {
      seen.states.push({ at: at(e.t), pgid: p.pgid, state: p.state });
      const s = p.stat_sum;
      const errors = s.num_scrub_errors ?? 0;
      const unfound = s.num_objects_unfound;
      const repaired = s.num_objects_repaired ?? 0;
      if (errors > 0 || unfound > 0 || repaired > 0)
        seen.pgs.push({ at: at(e.t), pgid: p.pgid, errors, unfound, repaired });
    }
    const n = e.osd_stat?.num_shards_repaired ?? 0;
    if (n > 0) seen.repaired.push({ at: at(e.t), osd: e.osd_stat!.osd, n });
  });
  return { sim, seen };
}

/** When check `code` first held: from the share of the duration it was raised at to the one it cleared at. */
function held(seen: Seen, code: string) {
  const i = seen.health.findIndex((h) => h.map.checks[code] !== undefined);
  assert.ok(i >= 0, `${code} raised`);
  const first = seen.health[i]!;
  const after = seen.health.slice(i).find((h) => h.map.checks[code] === undefined);
  return { from: first.at, to: after?.at ?? Number.POSITIVE_INFINITY, check: first.map.checks[code]!, first };
}

describe('scrubbing in the simulated cluster', () => {
  it('PGs start with stamps of the past days (new pools: their creation), none overdue, and scrub when due', () => {
    const sim = new SimulatedCluster({ ...CLUSTER, duration: 3600, scenario: false });
    const first = sim.advanceTo(sim.startMs + 5000);
    const stats = first.flatMap((e) => (e.kind === 'pg_stats' ? e.pg_stats : []));
    assert.ok(stats.length > 0);
    const start = sim.startMs;
    for (const p of stats) {
      assert.match(p.last_scrub_stamp, STAMP);
      const age = start - Date.parse(`${p.last_scrub_stamp.slice(0, 23)}Z`);
      const deepAge = start - Date.parse(`${p.last_deep_scrub_stamp.slice(0, 23)}Z`);
      assert.ok(age >= 0 && age <= 86_400_000, `${p.pgid} scrubbed within the day`);
      assert.ok(deepAge >= 0 && deepAge <= 7 * 86_400_000, `${p.pgid} deep-scrubbed within the week`);
    }
    const health = first.filter((e) => e.kind === 'health');
    assert.ok(health.every((e) => e.kind === 'health' && e.map?.checks.PG_NOT_SCRUBBED === undefined));

    // With a pool's scrub_min_interval at 60 s its PGs fall due within 90 s and are scrubbed, each OSD in one
    // scrub at a time (osd_max_scrubs 1).
    assert.equal(sim.command({ prefix: 'osd pool create', pool: 'fresh', pg_num: 8 }).retval, 0);
    const r = sim.command({ prefix: 'osd pool set', pool: 'rbd', var: 'scrub_min_interval', val: '60' });
    assert.deepEqual([r.retval, r.outs], [0, 'set pool 1 scrub_min_interval to 60']);
    const created = sim.now;
    const events = sim.advanceTo(sim.startMs + 600_000);
    const scrubbing = new Map<string, string>();
    const scrubbed = new Set<string>();
    for (const e of events) {
      if (e.kind !== 'pg_stats') continue;
      for (const p of e.pg_stats) {
        if (p.pgid.startsWith('4.')) {
          assert.equal(Date.parse(`${p.last_scrub_stamp.slice(0, 23)}Z`), created);
        }
        if (p.state.includes('scrubbing')) scrubbing.set(p.pgid, p.state);
        if (p.pgid.startsWith('1.') && Date.parse(`${p.last_scrub_stamp.slice(0, 23)}Z`) > created)
          scrubbed.add(p.pgid);
      }
    }
    const rbdPgs = new Set(stats.filter((p) => p.pgid.startsWith('1.')).map((p) => p.pgid)).size;
    assert.equal(scrubbed.size, rbdPgs, 'every PG of the pool scrubbed');
    assert.ok(
      [...scrubbing.values()].every((s) => /^active\+clean\+scrubbing(\+deep)?$/.test(s)),
      [...scrubbing.values()].join(),
    );
  });

  it('the OSDs never hold two scrubs at once', () => {
    const sim = new SimulatedCluster({ ...CLUSTER, duration: 3600, scenario: false });
    sim.advanceTo(sim.startMs + 1000);
    for (const v of ['scrub_min_interval', 'deep_scrub_interval']) {
      sim.command({ prefix: 'osd pool set', pool: 'rbd', var: v, val: '30' });
    }
    let seen = 0;
    for (let t = 2; t < 400; t++) {
      sim.advanceTo(sim.startMs + t * 1000);
      const dump = JSON.parse(sim.command({ prefix: 'pg dump' }).outb) as {
        pg_map: { pg_stats: Array<{ state: string; acting: number[] }> };
      };
      const osds = dump.pg_map.pg_stats.filter((p) => p.state.includes('scrubbing')).flatMap((p) => p.acting);
      assert.equal(new Set(osds).size, osds.length, `t=${t}: ${osds.join(',')}`);
      seen += osds.length;
    }
    assert.ok(seen > 0, 'scrubs seen');
  });

  it('scrub-overdue: noscrub, nodeep-scrub and small pool intervals raise PG_NOT_SCRUBBED and PG_NOT_DEEP_SCRUBBED, which clear once the flags are unset', () => {
    const { sim, seen } = run(['scrub-overdue'], 0.17);
    const shallow = held(seen, 'PG_NOT_SCRUBBED');
    const deep = held(seen, 'PG_NOT_DEEP_SCRUBBED');
    for (const [h, word] of [
      [shallow, 'scrubbed'],
      [deep, 'deep-scrubbed'],
    ] as const) {
      assert.ok(h.from >= 0.045 && h.from < 0.05, `raised at ${h.from}`);
      assert.ok(h.to > 0.095 && h.to < 0.16, `cleared at ${h.to}, after the flags are unset, before the options go`);
      assert.equal(h.check.severity, 'HEALTH_WARN');
      assert.match(h.check.summary.message, new RegExp(`^(\\d+) pgs not ${word} in time$`));
      assert.equal(Number(h.check.summary.message.split(' ')[0]), h.check.summary.count);
      const line = new RegExp(`^pg 3\\.[0-9a-f]+ not ${word} since (\\S+)$`);
      for (const d of h.check.detail ?? []) assert.match(d.message.replace(line, '$1'), STAMP);
    }
    // Held well over Ceph's rules' 5 minutes.
    assert.ok((Math.min(shallow.to, deep.to) - 0.045) * DURATION > 450);
    const states = new Set(seen.states.filter((s) => s.pgid.startsWith('3.')).map((s) => s.state));
    assert.ok(states.has('active+clean+scrubbing+deep'), [...states].join());
    assert.ok(
      !seen.states.some((s) => s.at > 0.0451 && s.at < 0.095 && s.state.includes('scrubbing')),
      'no scrub while noscrub and nodeep-scrub are set',
    );
    // The pool options, as Ceph dumps them, and gone again at the end.
    const patches = seen.events.flatMap((e) => (e.kind === 'osd_map' && e.patch ? e.patch : []));
    const set = patches.filter((op) => op.path.endsWith('/options'));
    assert.deepEqual((set[2] as { value: unknown }).value, {
      scrub_min_interval: 300,
      scrub_max_interval: 600,
      deep_scrub_interval: 600,
    });
    assert.deepEqual((set[set.length - 1] as { value: unknown }).value, {});
    const get = sim.command({ prefix: 'osd pool get', pool: 'rgw.buckets.data', var: 'scrub_max_interval' });
    assert.deepEqual([get.retval, get.outs], [-2, "option 'scrub_max_interval' is not set on pool 'rgw.buckets.data'"]);
  });

  it('scrub-errors: a deep scrub finds damaged objects, pg repair fixes them, repeated repairs raise OSD_TOO_MANY_REPAIRS until cleared', () => {
    const { seen } = run(['scrub-errors'], 0.42);
    const errors = held(seen, 'OSD_SCRUB_ERRORS');
    assert.deepEqual(errors.check, {
      severity: 'HEALTH_ERR',
      summary: { message: '5 scrub errors', count: 5 },
      detail: [],
      muted: false,
    });
    assert.ok(errors.from > 0.28 && errors.to > 0.335 && errors.to < 0.35, `${errors.from}-${errors.to}`);
    const damaged = held(seen, 'PG_DAMAGED');
    assert.equal(damaged.check.severity, 'HEALTH_ERR');
    assert.equal(damaged.check.summary.message, 'Possible data damage: 1 pg inconsistent');
    assert.equal(damaged.first.map.status, 'HEALTH_ERR');
    const line = /^pg (2\.[0-9a-f]+) is active\+clean\+inconsistent, acting \[(\d+),\d+,\d+\]$/.exec(
      damaged.check.detail?.[0]?.message ?? '',
    );
    assert.ok(line, damaged.check.detail?.[0]?.message);
    const [, pgid, primary] = line;
    assert.ok((damaged.to - damaged.from) * DURATION > 300, 'damaged for over 5 minutes');
    const pg = seen.pgs.filter((p) => p.pgid === pgid);
    assert.ok(pg.some((p) => p.errors === 5));
    assert.ok(
      seen.states.some((s) => s.pgid === pgid && s.state === 'active+clean+scrubbing+deep+inconsistent+repair'),
    );
    assert.ok(
      pg.some((p) => p.errors === 0 && p.repaired === 5),
      'repaired',
    );
    const counts = seen.repaired.filter((r) => r.osd === Number(primary)).map((r) => r.n);
    assert.ok(counts.includes(5) && counts.includes(13), counts.join());
    const many = held(seen, 'OSD_TOO_MANY_REPAIRS');
    assert.deepEqual(many.check, {
      severity: 'HEALTH_WARN',
      summary: { message: 'Too many repaired reads on 1 OSDs', count: 1 },
      detail: [{ message: `osd.${primary} had 13 reads repaired` }],
      muted: false,
    });
    assert.ok(many.from > 0.365 && many.to >= 0.4 && many.to < 0.41, `${many.from}-${many.to}`);
    assert.deepEqual(Object.keys(seen.health[seen.health.length - 1]!.map.checks), []);
  });

  it('unfound: with every OSD up a PG has an unfound object (OBJECT_UNFOUND, PG_DAMAGED) until marked lost', () => {
    const { sim, seen } = run(['unfound'], 0.74);
    const unfound = held(seen, 'OBJECT_UNFOUND');
    assert.ok(unfound.from >= 0.675 && unfound.to >= 0.725 && unfound.to < 0.73, `${unfound.from}-${unfound.to}`);
    assert.equal(unfound.check.severity, 'HEALTH_WARN');
    const m = /^1\/(\d+) objects unfound \((\d+\.\d{3})%\)$/.exec(unfound.check.summary.message);
    assert.ok(m, unfound.check.summary.message);
    assert.equal(Number(m[2]), Number(((1 / Number(m[1])) * 100).toFixed(3)));
    const detail = /^pg (2\.[0-9a-f]+) has 1 unfound objects$/.exec(unfound.check.detail?.[0]?.message ?? '');
    assert.ok(detail, JSON.stringify(unfound.check.detail));
    const pgid = detail[1]!;
    const damaged = held(seen, 'PG_DAMAGED');
    assert.equal(damaged.check.summary.message, 'Possible data damage: 1 pg recovery_unfound');
    assert.equal(damaged.check.severity, 'HEALTH_ERR');
    assert.match(
      damaged.check.detail?.[0]?.message ?? '',
      new RegExp(
        `^pg ${pgid.replace('.', '\\.')} is active\\+recovery_unfound\\+degraded, acting \\[\\d+,\\d+,\\d+\\], 1 unfound$`,
      ),
    );
    assert.match(
      damaged.first.map.checks.PG_DEGRADED?.summary.message ?? '',
      /^Degraded data redundancy: 3\/\d+ objects degraded/,
    );
    assert.ok(seen.states.some((s) => s.pgid === pgid && s.state === 'active+recovery_unfound+degraded'));
    assert.ok(seen.pgs.some((p) => p.pgid === pgid && p.unfound === 1));
    const osdMap = JSON.parse(sim.command({ prefix: 'osd dump' }).outb) as { osds: Array<{ up: number }> };
    assert.ok(
      osdMap.osds.every((o) => o.up === 1),
      'every OSD up',
    );
    const last = seen.health[seen.health.length - 1]!.map;
    assert.equal(last.checks.OBJECT_UNFOUND, undefined);
    assert.equal(last.checks.PG_DAMAGED, undefined);
    assert.ok(seen.states.some((s) => s.pgid === pgid && s.at > 0.725 && s.state === 'active+clean'));
  });

  it("answers the scrub commands with Ceph's words", () => {
    // A long run: a deep scrub lasts long enough for its primary to report it.
    const sim = new SimulatedCluster({ ...CLUSTER, duration: 36_000, scenario: false });
    sim.advanceTo(sim.startMs + 10_000);
    const repair = sim.command({ prefix: 'pg repair', pgid: '1.1' });
    assert.equal(repair.retval, 0);
    assert.match(repair.outs, /^instructing pg 1\.1 on osd\.\d+ to repair$/);
    assert.equal(sim.command({ prefix: 'pg deep-scrub', pgid: '9.0' }).outs, 'pg 9.0 does not exist');
    assert.equal(sim.command({ prefix: 'pg scrub', pgid: 'x' }).outs, "invalid pgid 'x'");
    const lost = sim.command({ prefix: 'mark_unfound_lost', pgid: '1.1', mulcmd: 'revert' });
    assert.deepEqual([lost.retval, lost.outs], [0, 'pg has no unfound objects']);
    sim.command({ prefix: 'osd pool set', pool: 'rbd', var: 'deep_scrub_interval', val: '3600' });
    const get = sim.command({ prefix: 'osd pool get', pool: 'rbd', var: 'deep_scrub_interval', format: 'json' });
    assert.deepEqual(JSON.parse(get.outb), { pool: 'rbd', pool_id: 1, deep_scrub_interval: 3600 });
    const dump = JSON.parse(sim.command({ prefix: 'osd dump' }).outb) as { pools: Array<{ options: unknown }> };
    assert.deepEqual(dump.pools[0]!.options, { deep_scrub_interval: 3600 });
    const states = sim
      .advanceTo(sim.startMs + 120_000)
      .flatMap((e) => (e.kind === 'pg_stats' ? e.pg_stats.filter((p) => p.pgid === '1.1').map((p) => p.state) : []));
    assert.ok(states.includes('active+clean+scrubbing+deep+repair'), states.join());
    assert.equal(states[states.length - 1], 'active+clean');
  });
});
