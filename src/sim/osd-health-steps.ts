import { registerScenarioStep, type ScenarioPlan, type TimedStep } from './scenario.ts';
import type { Topology } from './topology.ts';

/** How long an OSD restart takes, from its stop to its boot, in ms. */
const RESTART_MS = 20_000;
/** What `lvreduce -L -100G` takes off the device under the OSD of `disk-errors`. */
const SHRINK_BYTES = 100 * 2 ** 30;

function hostOsds(topo: Topology, host: number): number[] {
  const { start, items } = topo.hostOsds;
  return Array.from(items.subarray(start[host]!, start[host + 1]!)).sort((a, b) => a - b);
}

/**
 * The host `host-fail` takes down: one without the OSD that fails or the one that flaps, and without the one that
 * fills when there is such a host; the first of those.
 */
export function hostFailHost(p: ScenarioPlan): number {
  const { topo } = p;
  let best = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let h = 0; h < topo.hosts; h++) {
    if (hostOsds(topo, h).length === 0) continue;
    const on = (o: number) => topo.osdHost[o] === h;
    const score = (on(p.failedOsd) || on(p.flapOsd) ? 2 : 0) + (on(p.fillOsd) ? 1 : 0);
    if (score < bestScore) {
      best = h;
      bestScore = score;
    }
  }
  return best;
}

/** The host whose NICs `net-slow` slows: the flapping OSD's. */
export function netSlowHost(p: ScenarioPlan): number {
  return p.topo.osdHost[p.flapOsd]!;
}

/**
 * The OSDs of `disk-errors`: the one whose device returns bad reads (neither failing, flapping nor filling when it
 * can), and the one whose device shrinks under it (another OSD on the failing OSD's host, which is out by then, so
 * that its restarts leave every PG two copies; else any other).
 */
export function diskErrorOsds(p: ScenarioPlan): { readonly reads: number; readonly shrink: number } {
  const { topo } = p;
  const busy = [p.failedOsd, p.flapOsd, p.fillOsd];
  const all = Array.from({ length: topo.osds }, (_, o) => o);
  const reads = all.find((o) => !busy.includes(o)) ?? all.find((o) => o !== p.failedOsd) ?? 0;
  const others = all.filter((o) => o !== p.failedOsd && o !== reads && o !== p.flapOsd);
  const shrink =
    others.find((o) => topo.osdHost[o] === topo.osdHost[p.failedOsd]) ?? others[0] ?? all.find((o) => o !== reads)!;
  return { reads, shrink };
}

const twoHosts = (p: ScenarioPlan) =>
  p.topo.hosts < 2 ? `needs 2 hosts or more (--hosts; has ${p.topo.hosts})` : undefined;

registerScenarioStep('host-fail', {
  summary:
    'at 78% every OSD of one host goes down (OSD_HOST_DOWN, OSD_DOWN); after the down-out interval they are ' +
    'marked out; at 86% they boot and come back in',
  refuse: twoHosts,
  plan: (p) => {
    const osds = hostOsds(p.topo, hostFailHost(p));
    return [
      ...osds.map((osd): TimedStep => ({ at: p.at(0.78), step: { kind: 'fail', osd } })),
      ...osds.map((osd): TimedStep => ({ at: p.at(0.859), step: { kind: 'boot', osd } })),
    ];
  },
});

registerScenarioStep('net-slow', {
  summary:
    "at 6% one host's cluster network delays its packets by 1.8 s (OSD_SLOW_PING_TIME_BACK from the OSDs' heartbeat " +
    'times), at 9.5% its public network by 1.3 s (OSD_SLOW_PING_TIME_FRONT); back to normal at 13.5% and 16.5%',
  refuse: twoHosts,
  plan: (p) => {
    const host = netSlowHost(p);
    const delay = (at: number, iface: 'back' | 'front', ms: number): TimedStep => ({
      at: p.at(at),
      step: { kind: 'net-delay', host, iface, ms },
    });
    return [delay(0.06, 'back', 1800), delay(0.095, 'front', 1300), delay(0.135, 'back', 0), delay(0.165, 'front', 0)];
  },
});

registerScenarioStep('disk-errors', {
  summary:
    "at 8% an OSD's device starts returning bad reads that pass when retried (BLUESTORE_SPURIOUS_READ_ERRORS), at " +
    '16% it stops, at 23% the warning is turned off for it; at 31% another OSD restarts on a device shrunk under it ' +
    '(BLUESTORE_DISK_SIZE_MISMATCH), at 39% it restarts on the device grown back',
  plan: (p) => {
    const { reads, shrink } = diskErrorOsds(p);
    const bytes = p.topo.osdBytes[shrink]!;
    const restart = (at: number, size: number): TimedStep[] => [
      { at: p.at(at), step: { kind: 'fail', osd: shrink } },
      { at: p.at(at) + 1, step: { kind: 'device-size', osd: shrink, bytes: size } },
      { at: p.at(at) + RESTART_MS, step: { kind: 'boot', osd: shrink } },
    ];
    return [
      { at: p.at(0.08), step: { kind: 'read-retries', osd: reads, perMinute: 4 } },
      { at: p.at(0.16), step: { kind: 'read-retries', osd: reads, perMinute: 0 } },
      {
        at: p.at(0.23),
        step: {
          kind: 'command',
          cmd: {
            prefix: 'config set',
            who: `osd.${reads}`,
            name: 'bluestore_warn_on_spurious_read_errors',
            value: 'false',
          },
        },
      },
      ...restart(0.31, bytes - SHRINK_BYTES),
      ...restart(0.39, bytes),
    ];
  },
});
