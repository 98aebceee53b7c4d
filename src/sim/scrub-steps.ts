import type { ClusterModel } from './cluster-model.ts';
import { ACTIVE_CLEAN } from './pg-state.ts';
import type { PoolPgs } from './pg-table.ts';
import { poolKind } from './pool-catalog.ts';
import {
  type MonCommand,
  registerScenarioStep,
  type ScenarioPlan,
  type ScenarioStep,
  type TimedStep,
} from './scenario.ts';

/** The scenario steps of scrubbing and damaged data that {@link playScrubStep} plays. */
export type ScrubStep = Extract<
  ScenarioStep,
  { kind: 'scrub-damage' | 'scrub-repair' | 'clear-shards-repaired' | 'lose-objects' | 'mark-unfound-lost' }
>;

const cmd = (at: number, c: MonCommand): TimedStep => ({ at, step: { kind: 'command', cmd: c } });

/** The pool the damage steps pick their PGs from: the second (`cephfs.data`), or the only one. */
function damagePool(p: ScenarioPlan): number {
  return Math.min(2, p.config.pgNums.length);
}

/** The PG each cluster's last `scrub-damage` damaged: the next damages another with the same primary. */
const lastDamaged = new WeakMap<ClusterModel, { pool: PoolPgs; ps: number }>();

/** The clean PGs of `pool` none of whose OSDs is in `avoid`. */
function cleanPgs(pool: PoolPgs, avoid: readonly number[]): number[] {
  const out: number[] = [];
  for (let ps = 0; ps < pool.pgNum; ps++) {
    if (pool.cols.state[ps] !== ACTIVE_CLEAN) continue;
    if (pool.list('acting', ps).some((o) => avoid.includes(o))) continue;
    out.push(ps);
  }
  return out;
}

/** The PG a `scrub-damage` damages: another than before with the same primary, else the same, else the first. */
function pickDamaged(model: ClusterModel, pool: PoolPgs, avoid: readonly number[]): number {
  const pgs = cleanPgs(pool, avoid);
  const last = lastDamaged.get(model);
  if (last !== undefined && last.pool === pool) {
    const primary = pool.primary(last.ps);
    const other = pgs.find((ps) => ps !== last.ps && pool.primary(ps) === primary);
    if (other !== undefined) return other;
    if (pgs.includes(last.ps)) return last.ps;
  }
  return pgs[0] ?? -1;
}

/** Plays a scrub or damage step; false for a step of another kind. */
export function playScrubStep(model: ClusterModel, step: ScenarioStep, now: number): boolean {
  const run = (c: MonCommand) => model.runCommand(c, now, 'client.admin');
  if (step.kind === 'clear-shards-repaired') {
    const repaired = model.counters.shardsRepaired;
    for (let o = 0; o < model.topo.osds; o++) {
      if (repaired[o]! > 0) run({ prefix: 'clear_shards_repaired', target: `osd.${o}` });
    }
    return true;
  }
  if (
    step.kind !== 'scrub-damage' &&
    step.kind !== 'scrub-repair' &&
    step.kind !== 'lose-objects' &&
    step.kind !== 'mark-unfound-lost'
  ) {
    return false;
  }
  const pool = model.pools.get(step.pool);
  if (pool === undefined) return true;
  if (step.kind === 'scrub-damage') {
    const ps = pickDamaged(model, pool, step.avoid);
    if (ps < 0) return true;
    lastDamaged.set(model, { pool, ps });
    model.scrubber.damage(pool, ps, step.objects);
    run({ prefix: 'pg deep-scrub', pgid: pool.pgid(ps) });
  } else if (step.kind === 'scrub-repair') {
    for (let ps = 0; ps < pool.pgNum; ps++) {
      if (pool.cols.scrubErrors[ps]! > 0) run({ prefix: 'pg repair', pgid: pool.pgid(ps) });
    }
  } else if (step.kind === 'lose-objects') {
    const ps = cleanPgs(pool, step.avoid)[0];
    if (ps !== undefined) model.scrubber.loseObjects(pool, ps, step.objects, now);
  } else {
    for (let ps = 0; ps < pool.pgNum; ps++) {
      if (pool.cols.unfound[ps]! > 0) run({ prefix: 'mark_unfound_lost', pgid: pool.pgid(ps), mulcmd: 'revert' });
    }
  }
  return true;
}

registerScenarioStep('scrub-overdue', {
  summary:
    'at 4.5% noscrub and nodeep-scrub are set and the smallest pool gets scrub intervals of a 18th of the duration ' +
    '(osd pool set POOL scrub_min_interval|scrub_max_interval|deep_scrub_interval): its PGs are overdue ' +
    '(PG_NOT_SCRUBBED, PG_NOT_DEEP_SCRUBBED); at 9.5% the flags are unset and the OSDs deep-scrub them a few at a ' +
    'time; at 16% the pool options are removed',
  plan: (p) => {
    const pool = poolKind(p.config.pgNums.length - 1).name;
    const interval = Math.max(60, Math.round(p.config.duration / 18));
    const set = (at: number, v: string, val: number) =>
      cmd(at, { prefix: 'osd pool set', pool, var: v, val: String(val) });
    const t0 = p.at(0.045);
    const t1 = p.at(0.095);
    const t2 = p.at(0.16);
    return [
      cmd(t0, { prefix: 'osd set', key: 'noscrub' }),
      cmd(t0 + 1, { prefix: 'osd set', key: 'nodeep-scrub' }),
      set(t0 + 2, 'scrub_min_interval', Math.round(interval / 2)),
      set(t0 + 3, 'scrub_max_interval', interval),
      set(t0 + 4, 'deep_scrub_interval', interval),
      cmd(t1, { prefix: 'osd unset', key: 'noscrub' }),
      cmd(t1 + 1, { prefix: 'osd unset', key: 'nodeep-scrub' }),
      set(t2, 'scrub_min_interval', 0),
      set(t2 + 1, 'scrub_max_interval', 0),
      set(t2 + 2, 'deep_scrub_interval', 0),
    ];
  },
});

registerScenarioStep('scrub-errors', {
  summary:
    "at 28% an OSD's disk has damaged 5 objects of a PG it is primary for and a deep scrub finds them " +
    '(inconsistent: OSD_SCRUB_ERRORS, PG_DAMAGED); at 33.5% pg repair fixes them; at 35% 8 objects of a second PG, ' +
    'repaired at 36.5%: the OSD has repaired 13 reads (OSD_TOO_MANY_REPAIRS) until at 40% its count is cleared ' +
    '(tell osd.N clear_shards_repaired)',
  plan: (p) => {
    const pool = damagePool(p);
    const avoid = [p.failedOsd, p.flapOsd, p.fillOsd];
    const damage = (at: number, objects: number): TimedStep => ({
      at: p.at(at),
      step: { kind: 'scrub-damage', pool, avoid, objects },
    });
    const repair = (at: number): TimedStep => ({ at: p.at(at), step: { kind: 'scrub-repair', pool } });
    return [
      damage(0.28, 5),
      repair(0.335),
      damage(0.35, 8),
      repair(0.365),
      { at: p.at(0.4), step: { kind: 'clear-shards-repaired' } },
    ];
  },
});

registerScenarioStep('unfound', {
  summary:
    'at 67.5%, every OSD up, a PG finds an object whose newest version no OSD has (active+recovery_unfound+degraded: ' +
    'OBJECT_UNFOUND, PG_DAMAGED); at 72.5% pg PGID mark_unfound_lost revert, and it recovers',
  plan: (p) => {
    const pool = damagePool(p);
    return [
      { at: p.at(0.675), step: { kind: 'lose-objects', pool, avoid: [p.flapOsd], objects: 1 } },
      { at: p.at(0.725), step: { kind: 'mark-unfound-lost', pool } },
    ];
  },
});
