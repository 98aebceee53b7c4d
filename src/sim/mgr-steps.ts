import { type MonCommand, registerScenarioStep, type ScenarioPlan, type TimedStep } from './scenario.ts';

const cmd = (at: number, c: MonCommand): TimedStep => ({ at, step: { kind: 'command', cmd: c } });

/** The image `upgrade-fail` upgrades to. */
export const UPGRADE_IMAGE = 'registry.example.com/ceph/ceph:v17.2.7';

/** The manager module whose command handler raises (`mgr-module-crash`). */
export const CRASHING_MODULE = 'balancer';

/** The OSD that crashes (`daemon-crash`): one that neither fails, flaps nor fills. */
export function crashingOsd(p: ScenarioPlan): number {
  const avoid = new Set([p.failedOsd, p.flapOsd, p.fillOsd]);
  for (let k = 0; k < p.topo.osds; k++) {
    const o = (p.flapOsd + 3 + k) % p.topo.osds;
    if (!avoid.has(o)) return o;
  }
  return p.flapOsd;
}

/**
 * The OSDs whose devices fail (`device-failing`): the first, then as many as devicehealth may mark out while the
 * share of OSDs in stays at `mon_osd_min_in_ratio` (0.75), plus one it may not. Taken round the hosts, off the host
 * of the OSD that fills (so that none of its host-mates takes a failing OSD's PGs on top of the fill), and none of the
 * OSDs other steps fail, flap, fill or crash.
 */
export function failingDeviceOsds(p: ScenarioPlan): number[] {
  const n = p.topo.osds;
  const want = Math.floor(n / 4) + 1;
  const avoid = new Set([p.failedOsd, p.flapOsd, p.fillOsd, crashingOsd(p)]);
  const pick = (offFillHost: boolean) => {
    const byHost: number[][] = [];
    for (let o = 0; o < n; o++) {
      const h = p.topo.osdHost[o]!;
      if (avoid.has(o) || (offFillHost && h === p.topo.osdHost[p.fillOsd])) continue;
      const list = byHost[h] ?? [];
      list.push(o);
      byHost[h] = list;
    }
    const hosts = byHost.filter((l) => l !== undefined);
    const out: number[] = [];
    for (let i = 0; out.length < want && hosts.some((l) => i < l.length); i++) {
      for (const l of hosts) if (i < l.length && out.length < want) out.push(l[i]!);
    }
    return out;
  };
  const off = pick(true);
  return off.length >= want ? off : pick(false);
}

registerScenarioStep('daemon-crash', {
  summary:
    'at 6.5% an OSD aborts on a failed assert: it is marked down, systemd starts it again and it boots 15 s later; ' +
    "ceph-crash posts its dump at its next scan (RECENT_CRASH); at 20% 'crash archive-all'",
  plan: (p) => [
    { at: p.at(0.065), step: { kind: 'daemon-crash', osd: crashingOsd(p) } },
    cmd(p.at(0.2), { prefix: 'crash archive-all' }),
  ],
});

registerScenarioStep('mgr-module-crash', {
  summary:
    `at 21% a command handler of the manager's ${CRASHING_MODULE} module raises; its dump is posted at ` +
    "ceph-crash's next scan (RECENT_MGR_MODULE_CRASH); at 32% 'crash archive-all'",
  plan: (p) => [
    { at: p.at(0.21), step: { kind: 'mgr-module-crash', module: CRASHING_MODULE } },
    cmd(p.at(0.32), { prefix: 'crash archive-all' }),
  ],
});

registerScenarioStep('device-failing', {
  summary:
    "at 6% devicehealth predicts an OSD's device to fail in 10 days (DEVICE_HEALTH): self_heal marks it out, " +
    'and while it still holds PGs DEVICE_HEALTH_IN_USE; at 8.5% more devices fail than may be marked out above ' +
    'mon_osd_min_in_ratio (one more is, DEVICE_HEALTH_TOOMANY); at 11% the devices are replaced and the OSDs marked in',
  refuse: (p) => (p.topo.osds < 4 ? `needs 4 OSDs or more (has ${p.topo.osds})` : undefined),
  plan: (p) => {
    const [first, ...more] = failingDeviceOsds(p);
    const all = [first!, ...more];
    const check = (at: number) => cmd(at, { prefix: 'device check-health' });
    return [
      { at: p.at(0.06), step: { kind: 'device-life', osd: first!, days: 10 } },
      check(p.at(0.06) + 1),
      check(p.at(0.07)),
      ...more.map((osd, i) => ({ at: p.at(0.085), step: { kind: 'device-life' as const, osd, days: 12 + i } })),
      check(p.at(0.085) + 1),
      ...all.map((osd) => ({ at: p.at(0.11), step: { kind: 'device-life' as const, osd, days: null } })),
      cmd(p.at(0.11) + 1, { prefix: 'osd in', ids: all.map(String) }),
      check(p.at(0.11) + 2),
    ];
  },
});

registerScenarioStep('orch-pause', {
  summary: "at 62% 'orch pause' (CEPHADM_PAUSED), at 66% 'orch resume'",
  plan: (p) => [cmd(p.at(0.62), { prefix: 'orch pause' }), cmd(p.at(0.66), { prefix: 'orch resume' })],
});

registerScenarioStep('daemon-failed', {
  summary:
    "at 70% a host's cephadm crash daemon fails (its systemd unit gives up): cephadm sees it in error state " +
    "(CEPHADM_FAILED_DAEMON); at 73% 'orch daemon restart'",
  plan: (p) => {
    const host = 1 % p.topo.hosts;
    const name = `crash.${p.topo.hostNames[host]}`;
    return [
      { at: p.at(0.7), step: { kind: 'cephadm-daemon', name, host, failed: true } },
      cmd(p.at(0.73), { prefix: 'orch daemon restart', name }),
    ];
  },
});

registerScenarioStep('upgrade-fail', {
  summary:
    `at 80% 'orch upgrade start --image ${UPGRADE_IMAGE}': its first pass raises (the image reports no Ceph ` +
    "version; UPGRADE_EXCEPTION, an error); at 85% 'orch upgrade stop'",
  plan: (p) => [
    cmd(p.at(0.8), { prefix: 'orch upgrade start', image: UPGRADE_IMAGE }),
    cmd(p.at(0.85), { prefix: 'orch upgrade stop' }),
  ],
});
