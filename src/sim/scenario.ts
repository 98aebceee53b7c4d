import { MgrError } from '../errors.ts';
import { poolKind } from './pool-catalog.ts';
import { createRng } from './rng.ts';
import { MON_NAMES, resolveSimOptions, type SimConfig, type SimOptionsInput } from './sim-options.ts';
import { createTopology, type Topology } from './topology.ts';

/** A mon command as its JSON form (`{"prefix": "osd set", "key": "noout"}`). */
export type MonCommand = { readonly prefix: string } & Readonly<Record<string, unknown>>;

/**
 * One thing that happens to the cluster: an operator's command, an OSD process dying or starting, a monitor
 * stopping (it leaves the quorum) or starting again (it rejoins), an MDS daemon (by name, `a`) stopping or starting,
 * damaged metadata found in (or cleared from) rank 0 of the file system, a host's network slowing, an OSD's device
 * misbehaving or changing size.
 */
export type ScenarioStep =
  | { readonly kind: 'command'; readonly cmd: MonCommand }
  | { readonly kind: 'fail'; readonly osd: number }
  | { readonly kind: 'boot'; readonly osd: number }
  | { readonly kind: 'mon-stop'; readonly rank: number }
  | { readonly kind: 'mon-start'; readonly rank: number }
  | { readonly kind: 'slow-ops'; readonly daemon: string; readonly count: number }
  /**
   * Clients write to the PGs of `pool` on `osd` over `rampMs` until its use is `ratio` of its space; `null`: they
   * delete it again.
   */
  | {
      readonly kind: 'fill';
      readonly pool: number;
      readonly osd: number;
      readonly ratio: number | null;
      readonly rampMs: number;
    }
  /** A quota of `headroom` over what `pool` holds now (`osd pool set-quota ... max_bytes`). */
  | { readonly kind: 'quota'; readonly pool: string; readonly headroom: number }
  /** Clients write to `pool` over `rampMs` until it holds `factor` times what it does. */
  | { readonly kind: 'grow'; readonly pool: string; readonly factor: number; readonly rampMs: number }
  | { readonly kind: 'mds-stop'; readonly daemon: string }
  | { readonly kind: 'mds-start'; readonly daemon: string }
  | { readonly kind: 'mds-damage'; readonly damaged: boolean }
  /** Monitor `rank`'s data disk has `availPercent` available; `null`: freed again (see `mon-steps.ts`). */
  | { readonly kind: 'mon-disk'; readonly rank: number; readonly availPercent: number | null }
  /** Monitor `rank`'s clock drifts at `driftPpm` parts per million; `null`: time sync steps it back. */
  | { readonly kind: 'mon-clock'; readonly rank: number; readonly driftPpm: number | null }
  /** `mon_max_pg_per_osd` set to `share` of the PGs per OSD now; `null`: the setting removed. */
  | { readonly kind: 'pg-limit'; readonly share: number | null }
  /** Host `host`'s `iface` network (`back`: cluster, `front`: public) delays what it sends by `ms` (0: no more). */
  | { readonly kind: 'net-delay'; readonly host: number; readonly iface: 'back' | 'front'; readonly ms: number }
  /** `perMinute` of the reads from `osd`'s device return bad data and pass when retried (0: none again). */
  | { readonly kind: 'read-retries'; readonly osd: number; readonly perMinute: number }
  /** `osd`'s block device (an LV) is resized to `bytes` under it: its next start sees it. */
  | { readonly kind: 'device-size'; readonly osd: number; readonly bytes: number }
  /**
   * A shard of `objects` objects of a clean PG of `pool` (none of its OSDs in `avoid`; another with the same primary
   * as the PG damaged before, when there is one) is damaged, and the operator asks for its deep scrub.
   */
  | {
      readonly kind: 'scrub-damage';
      readonly pool: number;
      readonly avoid: readonly number[];
      readonly objects: number;
    }
  /** `pg repair` of each PG of `pool` with scrub errors. */
  | { readonly kind: 'scrub-repair'; readonly pool: number }
  /** `tell osd.N clear_shards_repaired` for each OSD with repaired reads. */
  | { readonly kind: 'clear-shards-repaired' }
  /** The first clean PG of `pool` none of whose OSDs is in `avoid` loses the newest version of `objects` objects. */
  | {
      readonly kind: 'lose-objects';
      readonly pool: number;
      readonly avoid: readonly number[];
      readonly objects: number;
    }
  /** `pg PGID mark_unfound_lost revert` for each PG of `pool` with unfound objects. */
  | { readonly kind: 'mark-unfound-lost'; readonly pool: number }
  /** Host `host`'s root file system fills to `used` of its space over `rampMs`; `null`: the files are deleted. */
  | { readonly kind: 'root-fill'; readonly host: number; readonly used: number | null; readonly rampMs: number }
  /** NIC `nic` of host `host` drops `drop` and garbles `errs` of the packets it handles (0 and 0: healthy). */
  | {
      readonly kind: 'nic-faults';
      readonly host: number;
      readonly nic: 'eth0' | 'eth1';
      readonly drop: number;
      readonly errs: number;
    }
  /** NIC `nic` of host `host` is set to `mtu`. */
  | { readonly kind: 'nic-mtu'; readonly host: number; readonly nic: 'eth0' | 'eth1'; readonly mtu: number }
  /** OSD `osd` aborts on a failed assert and systemd starts it again; its crash dump is posted. */
  | { readonly kind: 'daemon-crash'; readonly osd: number }
  /** A command handler of the manager's module `module` raises; the manager's crash dump is posted. */
  | { readonly kind: 'mgr-module-crash'; readonly module: string }
  /** devicehealth predicts OSD `osd`'s device to fail in `days` (`null`: the device was replaced). */
  | { readonly kind: 'device-life'; readonly osd: number; readonly days: number | null }
  /** cephadm's daemon `name` on host `host` (index) is in error state (`failed`), or runs again. */
  | { readonly kind: 'cephadm-daemon'; readonly name: string; readonly host: number; readonly failed: boolean }
  /** OSD `osd` stops answering heartbeats: its peers report it, it is marked down and boots again `downMs` later. */
  | { readonly kind: 'heartbeat-fail'; readonly osd: number; readonly downMs: number };

/** A step and when it happens, in ms of stream time. */
export interface TimedStep {
  readonly at: number;
  readonly step: ScenarioStep;
}

/** The pool the scenario creates, grows and deletes. */
export const SCRATCH_POOL = 'scratch';

/** What a named step lays itself out from: the cluster, and the choices drawn once from the seed for every step. */
export interface ScenarioPlan {
  readonly config: SimConfig;
  readonly topo: Topology;
  /** Stream time at a fraction of the duration. */
  at(fraction: number): number;
  /** The OSD that fails and comes back (`osd-fail`). */
  readonly failedOsd: number;
  /** The OSD that flaps, on another host than {@link failedOsd} when there is one (`osd-flap`). */
  readonly flapOsd: number;
  /** pg_num of the scratch pool when created (`pool-create`). */
  readonly scratchPgs: number;
  /** The OSD that fills (`fill`): one of the smallest, neither {@link failedOsd} nor {@link flapOsd} when it can. */
  readonly fillOsd: number;
}

/** A named step of the scenario: what `--scenario NAME` plays. */
export interface ScenarioStepDef {
  /** One line for `--help` and errors. */
  readonly summary: string;
  /** Steps this one needs before it (`pool-split` needs the pool `pool-create` makes): played with it. */
  readonly needs?: readonly string[];
  /** Why this step cannot play on this cluster, or undefined when it can. */
  refuse?(plan: ScenarioPlan): string | undefined;
  /** The timed steps, as fractions of the duration through {@link ScenarioPlan.at}. */
  plan(plan: ScenarioPlan): TimedStep[];
}

/**
 * The share of the duration over which `fill` and `grow` write their data: 1%, 108 s of the 3-hour run. The steps
 * compress into minutes what takes a real cluster days (an OSD going from 30% to 87% used); this is about the longest
 * ramp that still crosses each ratio within the first quarter of its step's 4% interval, so that OSD_NEARFULL holds
 * well past CephOSDNearFull's 5 minutes (2.8%) before the OSD goes on to backfillfull.
 */
const FILL_RAMP = 0.01;

const cmd = (at: number, c: MonCommand): TimedStep => ({ at, step: { kind: 'command', cmd: c } });

/**
 * The named steps, in the order `--help` lists them. Another step joins with {@link registerScenarioStep}; its
 * times should not coincide with others' so that any selection plays the same as in the full set.
 */
const STEPS = new Map<string, ScenarioStepDef>([
  [
    'pool-create',
    {
      summary: `at 5% the pool "${SCRATCH_POOL}" is created`,
      plan: (p) => [cmd(p.at(0.05), { prefix: 'osd pool create', pool: SCRATCH_POOL, pg_num: p.scratchPgs })],
    },
  ],
  [
    'osd-fail',
    {
      summary:
        'at 12% an OSD fails, is marked down and after the down-out interval out (PGs undersized+degraded, then ' +
        'backfill elsewhere); at 42% it boots and comes back in',
      plan: (p) => [
        { at: p.at(0.12), step: { kind: 'fail', osd: p.failedOsd } },
        { at: p.at(0.42), step: { kind: 'boot', osd: p.failedOsd } },
      ],
    },
  ],
  [
    'mon-down',
    {
      summary: 'at 30% the last monitor stops and leaves the quorum (MON_DOWN); at 48% it starts and rejoins',
      refuse: (p) =>
        p.config.mons < 3
          ? `needs 3 monitors or more, for a quorum to survive one (--mons; has ${p.config.mons})`
          : undefined,
      plan: (p) => [
        { at: p.at(0.3), step: { kind: 'mon-stop', rank: p.config.mons - 1 } },
        { at: p.at(0.48), step: { kind: 'mon-start', rank: p.config.mons - 1 } },
      ],
    },
  ],
  [
    'slow-ops',
    {
      summary:
        'at 20% an OSD reports 12 slow ops (SLOW_OPS, its ceph_daemon_health_metrics), at 24% 30, at 36% none again',
      plan: (p) => {
        const daemon = `osd.${p.flapOsd}`;
        return [
          { at: p.at(0.2), step: { kind: 'slow-ops', daemon, count: 12 } },
          { at: p.at(0.24), step: { kind: 'slow-ops', daemon, count: 30 } },
          { at: p.at(0.36), step: { kind: 'slow-ops', daemon, count: 0 } },
        ];
      },
    },
  ],
  [
    'noout',
    {
      summary: 'at 56% the noout flag is set, at 72% unset',
      plan: (p) => [
        cmd(p.at(0.56), { prefix: 'osd set', key: 'noout' }),
        cmd(p.at(0.72), { prefix: 'osd unset', key: 'noout' }),
      ],
    },
  ],
  [
    'osd-flap',
    {
      summary: 'at 60% a second OSD, on another host, goes down and at 66% up (its PGs recover the writes missed)',
      plan: (p) => [
        { at: p.at(0.6), step: { kind: 'fail', osd: p.flapOsd } },
        { at: p.at(0.66), step: { kind: 'boot', osd: p.flapOsd } },
      ],
    },
  ],
  [
    'pool-split',
    {
      summary: `at 74% the pool "${SCRATCH_POOL}"'s pg_num doubles (split, then pgp_num follows and PGs move)`,
      needs: ['pool-create'],
      plan: (p) => [
        cmd(p.at(0.74), { prefix: 'osd pool set', pool: SCRATCH_POOL, var: 'pg_num', val: String(p.scratchPgs * 2) }),
      ],
    },
  ],
  [
    'pool-delete',
    {
      summary: `at 86% the pool "${SCRATCH_POOL}" is deleted`,
      needs: ['pool-create'],
      plan: (p) => [
        cmd(p.at(0.86), {
          prefix: 'osd pool rm',
          pool: SCRATCH_POOL,
          pool2: SCRATCH_POOL,
          yes_i_really_really_mean_it: true,
        }),
      ],
    },
  ],
  [
    'fill',
    {
      summary:
        'at 14% clients write to the PGs an OSD holds, over 1% of the duration, until it is past nearfull ' +
        '(OSD_NEARFULL, POOL_NEARFULL), at 18% past backfillfull, at 22% past full (OSD_FULL, POOL_FULL: writes ' +
        'stop); at 28% they delete what they wrote, over 1% of the duration, and it drains back',
      plan: (p) => {
        const fill = (at: number, ratio: number | null): TimedStep => ({
          at: p.at(at),
          step: { kind: 'fill', pool: 1, osd: p.fillOsd, ratio, rampMs: p.at(FILL_RAMP) - p.at(0) },
        });
        return [fill(0.14, 0.87), fill(0.18, 0.92), fill(0.22, 0.96), fill(0.28, null)];
      },
    },
  ],
  [
    'quota',
    {
      summary:
        `at 50% pool "${poolKind(0).name}" gets a quota 10% over what it holds (with mon_pool_quota_warn_threshold ` +
        '80: POOL_NEAR_FULL), at 56% it grows past it (full_quota, POOL_FULL), at 64% the quota is lifted',
      plan: (p) => {
        const pool = poolKind(0).name;
        return [
          cmd(p.at(0.5), { prefix: 'config set', who: 'mon', name: 'mon_pool_quota_warn_threshold', value: '80' }),
          { at: p.at(0.5) + 1, step: { kind: 'quota', pool, headroom: 0.1 } },
          { at: p.at(0.56), step: { kind: 'grow', pool, factor: 1.12, rampMs: p.at(FILL_RAMP) - p.at(0) } },
          cmd(p.at(0.64), { prefix: 'osd pool set-quota', pool, field: 'max_bytes', val: '0' }),
          cmd(p.at(0.64) + 1, { prefix: 'config rm', who: 'mon', name: 'mon_pool_quota_warn_threshold' }),
        ];
      },
    },
  ],
  [
    'mds-failover',
    {
      summary:
        'at 17% the active MDS stops: a standby takes its rank through up:replay, reconnect and rejoin to active ' +
        '(FS_DEGRADED, then MDS_INSUFFICIENT_STANDBY), or with none the rank stays failed (MDS_ALL_DOWN, ' +
        'FS_WITH_FAILED_MDS); at 53% it starts again and joins as standby (or takes its rank back)',
      refuse: (p) => (p.config.mds ? undefined : 'needs MDS daemons (--mds; has none)'),
      plan: (p) => [
        { at: p.at(0.17), step: { kind: 'mds-stop', daemon: MON_NAMES[0]! } },
        { at: p.at(0.53), step: { kind: 'mds-start', daemon: MON_NAMES[0]! } },
      ],
    },
  ],
  [
    'mds-damage',
    {
      summary:
        'at 69% a scrub finds damaged metadata in rank 0: its MDS reports it (MDS_DAMAGE, an error); at 77% the ' +
        'damage is repaired and cleared',
      refuse: (p) => (p.config.mds ? undefined : 'needs MDS daemons (--mds; has none)'),
      plan: (p) => [
        { at: p.at(0.69), step: { kind: 'mds-damage', damaged: true } },
        { at: p.at(0.77), step: { kind: 'mds-damage', damaged: false } },
      ],
    },
  ],
  [
    'mds-ranks',
    {
      summary:
        'at 63% max_mds is raised to one more than the MDS daemons (fs set NAME max_mds N+1): the standbys take ' +
        'new ranks and one stays empty (MDS_UP_LESS_THAN_MAX); at 81% it is set back to 1 and the extra ranks stop',
      refuse: (p) => (p.config.mds ? undefined : 'needs MDS daemons (--mds; has none)'),
      plan: (p) => {
        const fsSet = (n: number) => ({ prefix: 'fs set', fs_name: p.config.fs!, var: 'max_mds', val: String(n) });
        return [cmd(p.at(0.63), fsSet(p.config.mds! + 1)), cmd(p.at(0.81), fsSet(1))];
      },
    },
  ],
  [
    'mds-all-down',
    {
      summary:
        'at 35% every MDS daemon that runs stops: rank 0 fails with no standby to take it (MDS_ALL_DOWN, an error, ' +
        'and FS_WITH_FAILED_MDS); at 40% they start again and one replays into the rank (with mds-failover, mds.a ' +
        'stays stopped until that step starts it)',
      refuse: (p) => (p.config.mds ? undefined : 'needs MDS daemons (--mds; has none)'),
      plan: (p) => {
        const names = MON_NAMES.slice(0, p.config.mds);
        const withFailover = Array.isArray(p.config.scenario) && p.config.scenario.includes('mds-failover');
        const restart = withFailover ? names.slice(1) : names;
        return [
          ...names.map((daemon, i) => ({ at: p.at(0.35) + i, step: { kind: 'mds-stop', daemon } as const })),
          ...restart.map((daemon, i) => ({ at: p.at(0.4) + i, step: { kind: 'mds-start', daemon } as const })),
        ];
      },
    },
  ],
]);

/** The steps of the scripted day `scenario: true` plays (the default). */
export const DEFAULT_SCENARIO: readonly string[] = Object.freeze([
  'pool-create',
  'osd-fail',
  'noout',
  'osd-flap',
  'pool-split',
  'pool-delete',
]);

/** Adds a named step (`--scenario NAME`); a name already taken is an error. */
export function registerScenarioStep(name: string, def: ScenarioStepDef): void {
  if (STEPS.has(name)) throw new MgrError('MGR_ERR_USAGE', `scenario step "${name}" is already registered`);
  STEPS.set(name, def);
}

/** The named steps and their summaries, in order. */
export function scenarioStepList(): Array<[name: string, summary: string]> {
  return [...STEPS].map(([name, d]) => [name, d.summary]);
}

/**
 * Parses a `--scenario` / `scenario=` value: `off` (or `false`, `no`, `0`, `none`) for none, `on` (`true`, `yes`,
 * `1`, `default`) for the full day, else names of steps separated by `,` (or `+`, for the `sim:` spec whose options
 * are separated by commas). An unknown name is an error listing the known ones.
 */
export function parseScenario(text: string): boolean | string[] {
  const t = text.trim();
  if (['off', 'false', 'no', '0', 'none'].includes(t)) return false;
  if (['on', 'true', 'yes', '1', 'default'].includes(t)) return true;
  const names = t.split(/[,+]/).map((s) => s.trim());
  checkStepNames(names);
  return names;
}

/** Throws a usage error naming the known steps when one of `names` is not one. */
export function checkStepNames(names: readonly string[]): void {
  for (const n of names) {
    if (!STEPS.has(n)) {
      throw new MgrError(
        'MGR_ERR_USAGE',
        `unknown scenario step "${n}" (known: ${[...STEPS.keys()].join(', ')}; or on, off)`,
      );
    }
  }
}

/** The names `scenario` selects, with the steps they need, in registry order. */
export function selectedSteps(scenario: boolean | readonly string[]): string[] {
  if (scenario === false) return [];
  const wanted = new Set<string>();
  const add = (n: string) => {
    if (wanted.has(n)) return;
    wanted.add(n);
    for (const d of STEPS.get(n)?.needs ?? []) add(d);
  };
  const names = scenario === true ? DEFAULT_SCENARIO : scenario;
  checkStepNames(names);
  for (const n of names) add(n);
  return [...STEPS.keys()].filter((n) => wanted.has(n));
}

/** A second OSD for the flap, on a different host than the first failure when there is one. */
function pickFlapOsd(topo: Topology, failed: number, r: number): number {
  for (let k = 1; k < topo.osds; k++) {
    const o = (failed + 1 + ((r + k) % (topo.osds - 1))) % topo.osds;
    if (topo.osdHost[o] !== topo.osdHost[failed] || topo.hosts === 1) return o;
  }
  return failed;
}

/** The OSD that fills: the first of the smallest that neither fails nor flaps (any of the smallest, else). */
function pickFillOsd(topo: Topology, avoid: readonly number[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (let o = 0; o < topo.osds; o++) min = Math.min(min, topo.osdBytes[o]!);
  let first = -1;
  for (let o = 0; o < topo.osds; o++) {
    if (topo.osdBytes[o] !== min) continue;
    if (first < 0) first = o;
    if (!avoid.includes(o)) return o;
  }
  return first;
}

/**
 * The scenario's steps, laid out over the duration: those `config.scenario` names (see {@link STEPS}), or with
 * `true` the scripted day of {@link DEFAULT_SCENARIO}. Which OSDs fail is drawn from the seed, the same whichever
 * steps are picked, so that a step plays the same alone as in the full day. A step that cannot play on this cluster
 * (`mon-down` with fewer than 3 monitors) is a usage error.
 */
export function scenarioSteps(config: SimConfig, topo: Topology, startMs: number): TimedStep[] {
  const names = selectedSteps(config.scenario);
  if (names.length === 0 || topo.osds < 2) return [];
  const rng = createRng(config.seed ^ 0x5ce2a);
  const failedOsd = rng.int(topo.osds);
  const flapOsd = pickFlapOsd(topo, failedOsd, rng.int(1 << 20));
  const totalPgs = config.pgNums.reduce((s, n) => s + n, 0);
  const plan: ScenarioPlan = {
    config,
    topo,
    at: (f) => startMs + Math.round(config.duration * 1000 * f),
    failedOsd,
    flapOsd,
    scratchPgs: 2 ** Math.max(3, Math.min(10, Math.round(Math.log2(Math.max(8, totalPgs / 32))))),
    fillOsd: pickFillOsd(topo, [failedOsd, flapOsd]),
  };
  const out: TimedStep[] = [];
  for (const n of names) {
    const def = STEPS.get(n)!;
    const why = def.refuse?.(plan);
    if (why !== undefined) throw new MgrError('MGR_ERR_USAGE', `scenario step ${n}: ${why}`);
    out.push(...def.plan(plan));
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * Throws the usage error a cluster of these (valid) options would throw for its scenario: an unknown step, or one
 * that cannot play on it. For a caller that wants the error before the cluster starts elsewhere (a worker thread).
 */
export function checkScenario(options: SimOptionsInput): void {
  const config = resolveSimOptions(options);
  scenarioSteps(config, createTopology(config), config.start);
}
