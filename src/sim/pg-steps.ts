import { registerScenarioStep, type ScenarioPlan, type TimedStep } from './scenario.ts';
import type { Topology } from './topology.ts';

/** How often the flapping OSD (`osd-flapping`) is marked down, and how long it stays down each time, in ms. */
const FLAP_PERIOD_MS = 180_000;
const FLAP_DOWN_MS = 60_000;

/** The first OSD from `start` on (wrapping around) that `ok` accepts, or -1. */
function pickOsd(topo: Topology, start: number, ok: (o: number) => boolean): number {
  for (let k = 0; k < topo.osds; k++) {
    const o = (start + k) % topo.osds;
    if (ok(o)) return o;
  }
  return -1;
}

/** Two OSDs on different hosts, apart from the others the scenario uses when it can (`osd-pair-fail`). */
function pairOf(p: ScenarioPlan): [number, number] {
  const host = (o: number) => p.topo.osdHost[o]!;
  for (const avoid of [[p.failedOsd, p.flapOsd, p.fillOsd], []]) {
    const a = pickOsd(p.topo, p.failedOsd + 1, (o) => !avoid.includes(o));
    const b = a < 0 ? -1 : pickOsd(p.topo, a + 1, (o) => !avoid.includes(o) && host(o) !== host(a));
    if (b >= 0) return [a, b];
  }
  return [-1, -1];
}

/**
 * The OSDs of `toofull`: one that shares the host of the OSD that fills (`drained`, marked out so that its PGs
 * backfill onto the filling one), and one on another host that restarts (`restarted`, its PGs then recover onto
 * the filling one): on the failed OSD's host when that is another host, so that no PG loses two copies.
 */
function toofullOsds(p: ScenarioPlan): { drained: number; restarted: number } {
  const host = (o: number) => p.topo.osdHost[o]!;
  const fillHost = host(p.fillOsd);
  const used = [p.failedOsd, p.flapOsd, p.fillOsd];
  const drained = pickOsd(p.topo, p.fillOsd + 1, (o) => host(o) === fillHost && !used.includes(o));
  const free = (o: number) => host(o) !== fillHost && !used.includes(o) && o !== drained;
  let restarted = -1;
  if (host(p.failedOsd) !== fillHost)
    restarted = pickOsd(p.topo, p.failedOsd + 1, (o) => free(o) && host(o) === host(p.failedOsd));
  if (restarted < 0) restarted = pickOsd(p.topo, p.failedOsd + 1, free);
  return { drained, restarted };
}

registerScenarioStep('osd-pair-fail', {
  summary:
    'at 44% two OSDs on different hosts fail together: PGs that had a copy on both are left with one, below ' +
    'min_size (undersized+degraded+peered: inactive, PG_AVAILABILITY); once marked out (after the down-out ' +
    'interval) their PGs backfill elsewhere while still peered and inactive until two copies are complete; at ' +
    '54.5% both boot and come back in',
  refuse: (p) => (pairOf(p)[1] < 0 ? `needs 2 hosts with OSDs (has ${p.topo.hosts})` : undefined),
  plan: (p) => {
    const [a, b] = pairOf(p);
    return [
      { at: p.at(0.44), step: { kind: 'fail', osd: a } },
      { at: p.at(0.44), step: { kind: 'fail', osd: b } },
      { at: p.at(0.545), step: { kind: 'boot', osd: a } },
      { at: p.at(0.545), step: { kind: 'boot', osd: b } },
    ];
  },
});

registerScenarioStep('toofull', {
  summary:
    "with fill: at 19% another OSD on the filling one's host is marked out and PGs that must backfill onto the " +
    'backfillfull OSD wait backfill_toofull (PG_BACKFILL_FULL); an OSD on another host is down from 21.4% to 22.4% ' +
    'and its PGs that share the then full OSD cannot recover (recovery_toofull, PG_RECOVERY_FULL, an error) until ' +
    'the data is deleted at 28%; at 30% the OSD comes back in',
  needs: ['fill'],
  refuse: (p) => {
    const { drained, restarted } = toofullOsds(p);
    if (drained < 0) return 'needs a second OSD on the host of the OSD that fills';
    return restarted < 0 ? 'needs an OSD on another host than the one that fills' : undefined;
  },
  plan: (p) => {
    const { drained, restarted } = toofullOsds(p);
    return [
      { at: p.at(0.19), step: { kind: 'command', cmd: { prefix: 'osd out', ids: [String(drained)] } } },
      { at: p.at(0.214), step: { kind: 'fail', osd: restarted } },
      { at: p.at(0.224), step: { kind: 'boot', osd: restarted } },
      { at: p.at(0.3), step: { kind: 'command', cmd: { prefix: 'osd in', ids: [String(drained)] } } },
    ];
  },
});

registerScenarioStep('osd-flapping', {
  summary:
    'from 88% one OSD flaps: its peers stop hearing its heartbeats and it is marked down, it says it was wrongly ' +
    'marked down and boots a minute later, every 3 minutes, up to 7 times within the duration (fewer than ' +
    'osd_max_markdown_count 5 in osd_max_markdown_period 600 s, so it keeps running)',
  plan: (p) => {
    const avoid = [p.failedOsd, p.flapOsd, p.fillOsd];
    let osd = pickOsd(p.topo, p.flapOsd + 1, (o) => !avoid.includes(o));
    if (osd < 0) osd = p.flapOsd;
    const start = p.at(0.88);
    const room = p.at(1) - start - FLAP_DOWN_MS;
    const times = Math.min(7, Math.max(1, Math.floor(room / FLAP_PERIOD_MS) + 1));
    return Array.from(
      { length: times },
      (_, k): TimedStep => ({
        at: start + k * FLAP_PERIOD_MS,
        step: { kind: 'heartbeat-fail', osd, downMs: FLAP_DOWN_MS },
      }),
    );
  },
});
