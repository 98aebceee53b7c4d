import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { HealthMap } from '../../schemas/maps/health.ts';
import { CRASHING_MODULE, crashingOsd, failingDeviceOsds, UPGRADE_IMAGE } from '../../src/sim/mgr-steps.ts';
import { SimulatedCluster } from '../../src/sim/simulated-cluster.ts';
import { parseSimSpec } from '../../src/sources/sim-source.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The cluster the alert check runs, with the manager modules' steps only. */
const OPTIONS = { osds: 10, hosts: 3, mons: 3, pgs: 128, duration: 10_800, seed: 1 } as const;
const STEPS = ['daemon-crash', 'mgr-module-crash', 'device-failing', 'orch-pause', 'daemon-failed', 'upgrade-fail'];

interface Run {
  readonly sim: SimulatedCluster;
  readonly events: ClusterEvent[];
}

function start(): Run {
  return { sim: new SimulatedCluster({ ...OPTIONS, scenario: STEPS }), events: [] };
}

const at = (r: Run, f: number) => r.sim.startMs + Math.round(OPTIONS.duration * 1000 * f);
const advance = (r: Run, f: number) => r.events.push(...r.sim.advanceTo(at(r, f)));
const health = (r: Run): HealthMap => JSON.parse(r.sim.command({ prefix: 'health detail', format: 'json' }).outb);
const clogs = (r: Run) => r.events.flatMap((e) => (e.kind === 'clog' ? [e.entry.message] : []));
const json = (r: Run, prefix: string, extra: Record<string, unknown> = {}) =>
  JSON.parse(r.sim.command({ prefix, format: 'json', ...extra }).outb);
const detail = (h: HealthMap, code: string) => (h.checks[code]?.detail ?? []).map((d) => d.message);

/** The stream times health events carried check `code` (or not), in order. */
function raisedAt(events: readonly ClusterEvent[], code: string): number[] {
  return events.flatMap((e) => (e.kind === 'health' && e.map?.checks[code] !== undefined ? [e.t] : []));
}

describe('the manager modules of a simulated cluster (crash, devicehealth, cephadm)', () => {
  let r: Run;
  before(() => {
    r = start();
  });

  it('daemon-crash: the OSD goes down and boots again; its dump is posted; RECENT_CRASH until archive-all', () => {
    advance(r, 0.064);
    assert.equal(health(r).checks.RECENT_CRASH, undefined);
    advance(r, 0.0655);
    const failed = clogs(r).filter((m) => / failed \(/.test(m));
    assert.equal(failed.length, 1, failed.join('\n'));
    const osd = Number(/^osd\.(\d+) failed/.exec(failed[0]!)![1]);
    advance(r, 0.067);
    assert.ok(
      clogs(r).some((m) => new RegExp(`^osd\\.${osd} \\[v2:.*\\] boot$`).test(m)),
      'systemd starts it again and it boots',
    );
    advance(r, 0.19);
    const h = health(r);
    assert.equal(h.checks.RECENT_CRASH?.summary.message, '1 daemons have recently crashed');
    assert.equal(h.checks.RECENT_CRASH?.severity, 'HEALTH_WARN');
    const [line] = detail(h, 'RECENT_CRASH');
    const host = r.sim.topo.hostNames[r.sim.topo.osdHost[osd]!]!;
    assert.match(
      line!,
      new RegExp(`^osd\\.${osd} crashed on host ${host} at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$`),
    );
    // ceph-crash posts at its next scan: within its 10 minutes of the crash.
    const posted = raisedAt(r.events, 'RECENT_CRASH')[0]!;
    assert.ok(posted > at(r, 0.065) && posted <= at(r, 0.065) + 600_000, String(posted - at(r, 0.065)));

    const ls = json(r, 'crash ls');
    assert.equal(ls.length, 1);
    const c = ls[0];
    assert.match(
      c.crash_id,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(c.crash_id.split('_')[0], c.timestamp);
    assert.equal(c.entity_name, `osd.${osd}`);
    assert.equal(c.process_name, 'ceph-osd');
    assert.equal(c.utsname_hostname, host);
    assert.equal(c.assert_condition, 'r == 0');
    assert.match(c.stack_sig, /^[0-9a-f]{64}$/);
    assert.equal(c.archived, undefined);
    assert.deepEqual(json(r, 'crash ls-new'), ls);
    assert.deepEqual(json(r, 'crash info', { id: c.crash_id }), c);
    assert.match(r.sim.command({ prefix: 'crash ls' }).outb, /^ID +ENTITY +NEW {2}\n\S+_\S+ {2}osd\.\d+ +\* {3}$/);
    assert.equal(r.sim.command({ prefix: 'crash info', id: 'nope' }).retval, -22);

    advance(r, 0.201);
    assert.equal(health(r).checks.RECENT_CRASH, undefined, 'archived');
    assert.deepEqual(json(r, 'crash ls-new'), []);
    assert.match(json(r, 'crash ls')[0].archived, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('mgr-module-crash: RECENT_MGR_MODULE_CRASH names the module, the manager and its host, until archived', () => {
    advance(r, 0.2);
    advance(r, 0.31);
    const h = health(r);
    assert.equal(h.checks.RECENT_MGR_MODULE_CRASH?.summary.message, '1 mgr modules have recently crashed');
    assert.equal(h.checks.RECENT_CRASH, undefined, 'a module crash is not a daemon crash');
    assert.match(
      detail(h, 'RECENT_MGR_MODULE_CRASH')[0]!,
      new RegExp(
        `^mgr module ${CRASHING_MODULE} crashed in daemon mgr\\.x on host ${r.sim.topo.hostNames[0]} at \\S+Z$`,
      ),
    );
    const fresh = json(r, 'crash ls-new');
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0].mgr_module, CRASHING_MODULE);
    assert.equal(fresh[0].process_name, 'ceph-mgr');
    const first = raisedAt(r.events, 'RECENT_MGR_MODULE_CRASH')[0]!;
    // Held over the 5 minutes of CephMgrModuleCrash, and cleared by the archive.
    assert.ok(at(r, 0.32) - first > 300_000, String(at(r, 0.32) - first));
    advance(r, 0.321);
    assert.equal(health(r).checks.RECENT_MGR_MODULE_CRASH, undefined);
  });

  it('device-failing: marked out by mgr.x, DEVICE_HEALTH_IN_USE while it holds PGs, TOOMANY, cleared on replacement', () => {
    const r2 = start();
    const sim = r2.sim;
    advance(r2, 0.0601);
    let h = health(r2);
    assert.equal(h.checks.DEVICE_HEALTH?.summary.message, '1 device(s) expected to fail soon');
    const [line] = detail(h, 'DEVICE_HEALTH');
    const m = /^(\S+) \((\S+):(sd[a-z])\); daemons osd\.(\d+); life expectancy between (\S+) and \5$/.exec(line!);
    assert.ok(m, line);
    const first = Number(m[4]);
    assert.equal(m[2], sim.topo.hostNames[sim.topo.osdHost[first]!]);
    const devices = json(r2, 'device ls') as Array<Record<string, unknown>>;
    assert.equal(devices.length, 10);
    const failing = devices.filter((d) => d.life_expectancy_max !== undefined);
    assert.equal(failing.length, 1);
    assert.equal(failing[0]!.devid, m[1]);
    assert.equal(failing[0]!.life_expectancy_max, m[5]);
    assert.deepEqual(failing[0]!.daemons, [`osd.${first}`]);
    assert.deepEqual(Object.keys((failing[0]!.location as object[])[0]!), ['host', 'dev', 'path']);
    assert.ok(
      clogs(r2).includes(`Client mgr.x marked osd.${first} out, while it was still marked up`),
      clogs(r2).join('\n'),
    );
    const osdMap = () => json(r2, 'osd dump').osds as Array<{ osd: number; up: number; in: number }>;
    assert.equal(osdMap()[first]!.in, 0);
    assert.equal(osdMap()[first]!.up, 1, 'kept up: its PGs backfill off it');

    advance(r2, 0.0701);
    h = health(r2);
    assert.equal(
      h.checks.DEVICE_HEALTH_IN_USE?.summary.message,
      '1 daemon(s) expected to fail soon and still contain data',
    );
    assert.match(
      detail(h, 'DEVICE_HEALTH_IN_USE')[0]!,
      new RegExp(`^osd\\.${first} is marked out but still has \\d+ PG\\(s\\)$`),
    );

    advance(r2, 0.0851);
    h = health(r2);
    assert.equal(h.checks.DEVICE_HEALTH?.summary.message, '3 device(s) expected to fail soon');
    assert.equal(h.checks.DEVICE_HEALTH_TOOMANY?.summary.message, 'Too many daemons are expected to fail soon');
    assert.deepEqual(detail(h, 'DEVICE_HEALTH_TOOMANY'), [
      '1 OSDs with failing device(s) would bring "in" ratio to 0.700000 < mon_osd_min_in_ratio 0.750000',
    ]);
    const out = osdMap().filter((o) => o.in === 0);
    assert.equal(out.length, 2, 'one more marked out: 8 of 10 in is the least 0.75 allows');
    assert.ok(out.every((o) => o.up === 1));
    const hosts = out.map((o) => sim.topo.osdHost[o.osd]);
    assert.notEqual(hosts[0], hosts[1], 'on different hosts: no host-mate takes both shares');
    for (const o of out) {
      assert.ok(clogs(r2).includes(`Client mgr.x marked osd.${o.osd} out, while it was still marked up`));
    }
    // The three checks each hold longer than the minute of their rules.
    advance(r2, 0.1099);
    h = health(r2);
    for (const code of ['DEVICE_HEALTH', 'DEVICE_HEALTH_TOOMANY']) assert.ok(h.checks[code], code);
    const inUse = raisedAt(r2.events, 'DEVICE_HEALTH_IN_USE');
    assert.ok(inUse[inUse.length - 1]! - inUse[0]! > 60_000);

    advance(r2, 0.111);
    h = health(r2);
    for (const code of ['DEVICE_HEALTH', 'DEVICE_HEALTH_IN_USE', 'DEVICE_HEALTH_TOOMANY']) {
      assert.equal(h.checks[code], undefined, code);
    }
    assert.ok(
      osdMap().every((o) => o.in === 1 && o.up === 1),
      'replaced and marked in',
    );
  });

  it('orch-pause, daemon-failed, upgrade-fail: cephadm checks in its words, cleared by resume, restart, stop', () => {
    advance(r, 0.621);
    let h = health(r);
    assert.deepEqual(h.checks.CEPHADM_PAUSED?.summary, { message: 'cephadm background work is paused', count: 1 });
    assert.deepEqual(detail(h, 'CEPHADM_PAUSED'), ["'ceph orch resume' to resume"]);
    advance(r, 0.661);
    assert.equal(health(r).checks.CEPHADM_PAUSED, undefined);

    advance(r, 0.7001);
    assert.equal(health(r).checks.CEPHADM_FAILED_DAEMON, undefined, "seen at the serve loop's next pass");
    advance(r, 0.729);
    h = health(r);
    const host = r.sim.topo.hostNames[1]!;
    assert.equal(h.checks.CEPHADM_FAILED_DAEMON?.summary.message, '1 failed cephadm daemon(s)');
    assert.deepEqual(detail(h, 'CEPHADM_FAILED_DAEMON'), [`daemon crash.${host} on ${host} is in error state`]);
    advance(r, 0.731);
    assert.equal(health(r).checks.CEPHADM_FAILED_DAEMON, undefined);
    assert.ok(clogs(r).some((m) => m.includes(`"prefix": "orch daemon restart", "name": "crash.${host}"`)));

    advance(r, 0.849);
    h = health(r);
    assert.equal(h.status, 'HEALTH_ERR');
    assert.equal(h.checks.UPGRADE_EXCEPTION?.severity, 'HEALTH_ERR');
    assert.equal(h.checks.UPGRADE_EXCEPTION?.summary.message, 'Upgrade: failed due to an unexpected exception');
    assert.match(detail(h, 'UPGRADE_EXCEPTION')[0]!, /^Unexpected exception occurred during upgrade process: /);
    const status = json(r, 'orch upgrade status');
    assert.equal(status.target_image, UPGRADE_IMAGE);
    assert.equal(status.is_paused, true);
    assert.match(status.message, /UPGRADE_EXCEPTION/);
    advance(r, 0.851);
    h = health(r);
    assert.equal(h.checks.UPGRADE_EXCEPTION, undefined);
    assert.equal(h.status, 'HEALTH_OK');
    assert.equal(json(r, 'orch upgrade status').in_progress, false);
  });

  it("picks OSDs no other step fails, flaps, fills or crashes, the failing ones off the filling OSD's host", () => {
    const { config, topo } = r.sim;
    const plan = { config, topo, at: (f: number) => f, failedOsd: 2, flapOsd: 5, fillOsd: 0, scratchPgs: 8 };
    const crash = crashingOsd(plan);
    assert.ok(![2, 5, 0].includes(crash), String(crash));
    const failing = failingDeviceOsds(plan);
    assert.equal(failing.length, 3, 'the first, one more marked out (8 of 10 in), one refused');
    for (const o of failing) {
      assert.ok(![2, 5, 0, crash].includes(o), String(o));
      assert.notEqual(topo.osdHost[o], topo.osdHost[0]);
    }
    assert.notEqual(topo.osdHost[failing[0]!], topo.osdHost[failing[1]!]);
  });

  it('a sim: spec names the steps: the source knows them before its worker starts the cluster', () => {
    assert.deepEqual(parseSimSpec(`sim:osds=10,scenario=${STEPS.join('+')}`).scenario, STEPS);
    // In a process that has loaded nothing but the source, as `mgrkit run --source sim:...` does.
    const code = `import('./src/sources/sim-source.ts').then((m) => console.log(JSON.stringify(m.parseSimSpec('sim:osds=10,scenario=${STEPS.join('+')}').scenario)))`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), STEPS);
  });
});
