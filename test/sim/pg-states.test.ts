import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { HealthCheck } from '../../schemas/maps/health.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';

/** The cluster the alert check runs (bench/alerts), over its 3 hours of cluster time. */
const CHECKED = { osds: 10, mons: 3, pgs: 128, duration: 10_800, seed: 1 } as const;
const D_MS = CHECKED.duration * 1000;

/**
 * Plays a cluster to its end, second by second, and keeps what the manager sees: the health checks after each
 * second, each PG's state as its primary last reported it (the PG map the exporter's `ceph_pg_*` come from), and the
 * cluster log.
 */
function play(scenario: string[]) {
  const sim = new SimulatedCluster({ ...CHECKED, scenario });
  const at = (fraction: number) => sim.startMs + fraction * D_MS;
  const seconds: Array<{ t: number; checks: Record<string, HealthCheck>; inactive: boolean; unclean: boolean }> = [];
  const log: Array<{ t: number; message: string }> = [];
  const pgs = new PgCounts();
  let checks: Record<string, HealthCheck> = {};
  const fold = (e: ClusterEvent) => {
    if (e.kind === 'health') checks = e.map?.checks ?? {};
    else if (e.kind === 'clog' && e.entry.channel === 'cluster') log.push({ t: e.t, message: e.entry.message });
    else if (e.kind === 'pg_stats') for (const s of e.pg_stats) pgs.set(s.pgid, s.state);
  };
  for (let t = sim.startMs; t <= sim.endMs; t += 1000) {
    for (const e of sim.advanceTo(t)) fold(e);
    seconds.push({ t, checks, inactive: pgs.someBelow('active'), unclean: pgs.someBelow('clean') });
  }
  return { sim, at, seconds, log };
}

/** `ceph_pg_total`, `ceph_pg_active` and `ceph_pg_clean` of each pool, from the PGs' states as last reported. */
class PgCounts {
  private readonly states = new Map<string, string>();
  private readonly pools = new Map<string, { total: number; active: number; clean: number }>();

  set(pgid: string, state: string): void {
    const was = this.states.get(pgid);
    if (was === state) return;
    this.states.set(pgid, state);
    const pool = pgid.slice(0, pgid.indexOf('.'));
    let c = this.pools.get(pool);
    if (c === undefined) {
      c = { total: 0, active: 0, clean: 0 };
      this.pools.set(pool, c);
    }
    const has = (s: string | undefined, name: string) => (s ?? '').split('+').includes(name);
    if (was === undefined) c.total++;
    c.active += Number(has(state, 'active')) - Number(has(was, 'active'));
    c.clean += Number(has(state, 'clean')) - Number(has(was, 'clean'));
  }

  /** Whether some pool has fewer PGs `name` (`active`, `clean`) than PGs. */
  someBelow(name: 'active' | 'clean'): boolean {
    for (const c of this.pools.values()) if (c[name] < c.total) return true;
    return false;
  }
}

type Second = ReturnType<typeof play>['seconds'][number];

/** The spans (first and last second, in ms) during which `holds` held, second after second. */
function spans(seconds: Second[], holds: (s: Second) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = -1;
  for (const [i, s] of seconds.entries()) {
    if (holds(s) && from < 0) from = s.t;
    if (!holds(s) && from >= 0) {
      out.push([from, seconds[i - 1]!.t]);
      from = -1;
    }
  }
  if (from >= 0) out.push([from, seconds[seconds.length - 1]!.t]);
  return out;
}

const details = (c: HealthCheck | undefined) => (c?.detail ?? []).map((d) => d.message);

describe('PG states from simulated events, as the alert rules see them', () => {
  it('osd-pair-fail: PGs below min_size are peered, inactive through the mark-out and the backfill after it', () => {
    const { at, seconds, log } = play(['osd-pair-fail']);
    const failed = log.filter((l) => / failed \(.*connection refused/.test(l.message));
    assert.equal(failed.length, 2, 'two OSDs fail');
    assert.ok(failed.every((l) => l.t === at(0.44)));
    const hosts = failed.map((l) => /host=(\w+)/.exec(l.message)![1]);
    assert.notEqual(hosts[0], hosts[1], 'on different hosts');
    const outs = log.filter((l) => /^Marking osd\.\d+ out \(has been down for 600 seconds\)$/.test(l.message));
    assert.equal(outs.length, 2);
    const outAt = outs[0]!.t;
    assert.equal(outAt, at(0.44) + 600_000);
    const boots = log.filter((l) => / boot$/.test(l.message));
    assert.equal(boots.length, 2);
    assert.ok(
      boots.every((l) => l.t === at(0.545)),
      'they boot again before 55%',
    );

    const peered = seconds.flatMap((s) => details(s.checks.PG_AVAILABILITY));
    assert.ok(
      peered.some((m) =>
        / is stuck inactive for \d+[sm], current state undersized\+degraded\+peered, last acting \[\d+\]$/.test(m),
      ),
      'one copy left: below min_size',
    );
    assert.ok(
      peered.some((m) =>
        / is stuck inactive for \d+[sm], current state undersized\+degraded\+remapped\+backfill(ing|_wait)\+peered, last acting \[\d+\]$/.test(
          m,
        ),
      ),
      'out, they backfill while still peered',
    );
    // As Ceph's PGMap: an inactive PG counts once stuck so past mon_pg_stuck_threshold (60 s), not at once.
    assert.equal(seconds.find((s) => s.t === at(0.44) + 30_000)!.checks.PG_AVAILABILITY, undefined);
    const inactive = seconds.find((s) => s.t === at(0.44) + 70_000)!.checks.PG_AVAILABILITY;
    assert.match(inactive?.summary.message ?? '', /^Reduced data availability: \d+ pgs inactive$/);

    // CephPGUnavilableBlockingIO: PG_AVAILABILITY while OSD_DOWN is not raised, for well over a minute.
    const blocking = spans(seconds, (s) => s.checks.PG_AVAILABILITY !== undefined && s.checks.OSD_DOWN === undefined);
    const afterOut = blocking.find(([a]) => a >= outAt && a <= outAt + 1000);
    assert.ok(afterOut, 'inactive PGs stay once the OSDs are out');
    assert.ok(afterOut[1] - afterOut[0] >= 180_000, `${afterOut[1] - afterOut[0]} ms`);
    assert.ok(afterOut[1] <= at(0.55), 'and are active again once the OSDs are back');
    // CephOSDDown until the mark-out.
    const down = spans(seconds, (s) => s.checks.OSD_DOWN !== undefined);
    assert.deepEqual(down, [[at(0.44), outAt - 1000]]);
    // CephPGsInactive: some pool with fewer active PGs than PGs for well over 5 minutes.
    const poolInactive = spans(seconds, (s) => s.inactive);
    const pairSpan = poolInactive.find(([a]) => a >= at(0.44) && a <= at(0.44) + 10_000);
    assert.ok(pairSpan && pairSpan[1] - pairSpan[0] >= 600_000, JSON.stringify(poolInactive));
    const last = seconds[seconds.length - 1]!;
    assert.equal(last.checks.PG_AVAILABILITY, undefined);
  });

  it('toofull: backfill onto a backfillfull OSD waits backfill_toofull, recovery with a full OSD recovery_toofull', () => {
    const { at, seconds, log } = play(['osd-fail', 'toofull']);
    const out = log.find((l) =>
      /^Client client\.admin marked osd\.\d+ out, while it was still marked up$/.test(l.message),
    );
    assert.equal(out?.t, at(0.19));
    const backfill = spans(seconds, (s) => s.checks.PG_BACKFILL_FULL !== undefined);
    const recovery = spans(seconds, (s) => s.checks.PG_RECOVERY_FULL !== undefined);
    assert.equal(backfill.length, 1, JSON.stringify(backfill));
    assert.equal(recovery.length, 1, JSON.stringify(recovery));
    const [[b0, b1]] = backfill as [[number, number]];
    const [[r0, r1]] = recovery as [[number, number]];
    assert.ok(b0 > at(0.19) && b0 < at(0.214), 'backfill is refused once the OSD is backfillfull');
    assert.ok(r0 > at(0.224) && r0 < at(0.24), 'recovery waits once the restarted OSD is back and the other full');
    // Held for well over the rules' minute, and over once the data is deleted (at 28%), within the step's window.
    assert.ok(b1 - b0 >= 600_000 && r1 - r0 >= 300_000, `${b1 - b0} ${r1 - r0}`);
    for (const end of [b1, r1]) assert.ok(end > at(0.28) && end < at(0.28) + 120_000, `${end - at(0.28)}`);

    const bf = seconds.find((s) => s.t === b0 + 120_000)!.checks.PG_BACKFILL_FULL!;
    assert.equal(bf.severity, 'HEALTH_WARN');
    assert.match(
      bf.summary.message,
      /^Low space hindering backfill \(add storage if this doesn't resolve itself\): \d+ pgs? backfill_toofull$/,
    );
    assert.ok(
      details(bf).every((m) => /^pg \d+\.[0-9a-f]+ is active\+\S*backfill_toofull, acting \[[\d,]+\]$/.test(m)),
    );
    const rf = seconds.find((s) => s.t === r0 + 120_000)!.checks.PG_RECOVERY_FULL!;
    assert.equal(rf.severity, 'HEALTH_ERR');
    assert.match(rf.summary.message, /^Full OSDs blocking recovery: \d+ pgs? recovery_toofull$/);
    assert.ok(details(rf).every((m) => /^pg \d+\.[0-9a-f]+ is active\+recovery_toofull\+\S*degraded/.test(m)));
    const failed = log.find((l) => l.message.startsWith('Health check failed: Full OSDs blocking recovery: '));
    assert.match(
      failed?.message ?? '',
      /^Health check failed: Full OSDs blocking recovery: 1 pg recovery_toofull \(PG_RECOVERY_FULL\)$/,
    );
    assert.equal(failed?.t, r0);
    assert.ok(log.some((l) => l.t === r1 + 1000 && /^Health check cleared: PG_RECOVERY_FULL \(was: /.test(l.message)));

    // The OSD marked out comes back in at 30%, and its PGs are clean again before the step's window ends.
    assert.equal(seconds.find((s) => s.t === at(0.4))!.unclean, false, 'clean again by 40%');
  });

  it('osd-flapping: one OSD marked down by its peers and back up every 3 minutes, each time down a minute', () => {
    const { at, seconds, log } = play(['osd-flapping']);
    const failed = log.filter((l) =>
      / failed \(.*\) \(2 reporters from different host after \d+\.\d{6} >= grace 20\.000000\)$/.test(l.message),
    );
    assert.equal(failed.length, 7);
    const osd = /^(osd\.\d+) /.exec(failed[0]!.message)![1]!;
    assert.ok(
      failed.every((l) => l.message.startsWith(`${osd} `)),
      'the same OSD',
    );
    assert.ok(failed[0]!.t === at(0.88) && failed[6]!.t < at(1));
    const dead = log.filter((l) => new RegExp(`^${osd} marked itself dead as of e\\d+$`).test(l.message));
    const boots = log.filter((l) => l.message.startsWith(`${osd} [v2:`) && l.message.endsWith('] boot'));
    assert.equal(dead.length, 7);
    assert.equal(boots.length, 7);
    for (const [k, f] of failed.entries()) {
      assert.equal(boots[k]!.t - f.t, 60_000, 'down for a minute: seen by a scrape every 20 s of cluster time');
      if (k > 0) assert.equal(f.t - failed[k - 1]!.t, 180_000);
    }
    // CephOSDFlapping's range is 5 minutes of the check's wall clock, 100 minutes of cluster time: 6 rises in it.
    assert.ok(boots[5]!.t - boots[0]!.t < 6_000_000);
    const down = spans(seconds, (s) => s.checks.OSD_DOWN !== undefined);
    assert.equal(down.length, 7);
    assert.equal(seconds[seconds.length - 1]!.checks.OSD_DOWN, undefined, 'it still runs: 4 markdowns in 600 s');
  });

  it('an OSD marked down more than osd_max_markdown_count times in osd_max_markdown_period shuts down', () => {
    const sim = new SimulatedCluster({ osds: 6, hosts: 3, pgs: 32, duration: 3600, statsPeriod: 5, seed: 3 });
    sim.advanceTo(sim.startMs + 10_000);
    const closed: ClusterEvent[] = [];
    for (let k = 0; k < 6; k++) {
      assert.equal(sim.command({ prefix: 'osd down', ids: ['2'] }).retval, 0);
      const events = sim.advanceTo(sim.now + 30_000);
      closed.push(...events.filter((e) => e.kind === 'daemon_close' && e.daemon === 'osd.2'));
      const up = JSON.parse(sim.command({ prefix: 'osd dump', format: 'json' }).outb).osds[2].up;
      assert.equal(up, k < 5 ? 1 : 0, `after markdown ${k + 1}`);
    }
    assert.equal(closed.length, 1, 'the sixth within 600 s stops it');
    sim.advanceTo(sim.now + 120_000);
    assert.equal(JSON.parse(sim.command({ prefix: 'osd dump', format: 'json' }).outb).osds[2].up, 0);
  });

  it('osd-fail keeps a pool unclean for well over the 15 minutes of CephPGsUnclean over 3 hours', () => {
    const { at, seconds } = play(['osd-fail']);
    const unclean = spans(seconds, (s) => s.unclean);
    const first = unclean.find(([a]) => a >= at(0.12) && a <= at(0.12) + 10_000);
    assert.ok(first, JSON.stringify(unclean));
    assert.ok(first[1] - first[0] >= 1_200_000, `${first[1] - first[0]} ms`);
  });
});
