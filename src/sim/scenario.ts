import { createRng } from './rng.ts';
import type { SimConfig } from './sim-options.ts';
import type { Topology } from './topology.ts';

/** A mon command as its JSON form (`{"prefix": "osd set", "key": "noout"}`). */
export type MonCommand = { readonly prefix: string } & Readonly<Record<string, unknown>>;

/** One thing that happens to the cluster: an operator's command, or an OSD process dying or starting. */
export type ScenarioStep =
  | { readonly kind: 'command'; readonly cmd: MonCommand }
  | { readonly kind: 'fail'; readonly osd: number }
  | { readonly kind: 'boot'; readonly osd: number };

/** A step and when it happens, in ms of stream time. */
export interface TimedStep {
  readonly at: number;
  readonly step: ScenarioStep;
}

/** The pool the scenario creates, grows and deletes. */
export const SCRATCH_POOL = 'scratch';

/** A second OSD for the flap, on a different host than the first failure when there is one. */
function pickFlapOsd(topo: Topology, failed: number, r: number): number {
  for (let k = 1; k < topo.osds; k++) {
    const o = (failed + 1 + ((r + k) % (topo.osds - 1))) % topo.osds;
    if (topo.osdHost[o] !== topo.osdHost[failed] || topo.hosts === 1) return o;
  }
  return failed;
}

/**
 * The scripted day in the life of the cluster, laid out over the duration (as fractions of it):
 * 5% a pool is created; 12% an OSD fails, is marked down, and after the down-out interval out, so its PGs go
 * undersized+degraded and then backfill elsewhere; 42% it boots and comes back in (PGs backfill back to it);
 * 56% `noout` is set and 60% a second OSD on another host flaps (down, then up at 66%, its PGs recovering the writes
 * they missed); 72% `noout` is unset; 74% the new pool's pg_num doubles (split, then pgp_num follows and PGs move);
 * 86% the pool is deleted. Client IO runs throughout. Which OSDs fail is drawn from the seed.
 */
export function scenarioSteps(config: SimConfig, topo: Topology, startMs: number): TimedStep[] {
  if (!config.scenario || topo.osds < 2) return [];
  const rng = createRng(config.seed ^ 0x5ce2a);
  const at = (f: number) => startMs + Math.round(config.duration * 1000 * f);
  const failed = rng.int(topo.osds);
  const flapped = pickFlapOsd(topo, failed, rng.int(1 << 20));
  const totalPgs = config.pgNums.reduce((s, n) => s + n, 0);
  const scratchPgs = 2 ** Math.max(3, Math.min(10, Math.round(Math.log2(Math.max(8, totalPgs / 32)))));
  const cmd = (c: MonCommand): ScenarioStep => ({ kind: 'command', cmd: c });
  return [
    { at: at(0.05), step: cmd({ prefix: 'osd pool create', pool: SCRATCH_POOL, pg_num: scratchPgs }) },
    { at: at(0.12), step: { kind: 'fail', osd: failed } },
    { at: at(0.42), step: { kind: 'boot', osd: failed } },
    { at: at(0.56), step: cmd({ prefix: 'osd set', key: 'noout' }) },
    { at: at(0.6), step: { kind: 'fail', osd: flapped } },
    { at: at(0.66), step: { kind: 'boot', osd: flapped } },
    { at: at(0.72), step: cmd({ prefix: 'osd unset', key: 'noout' }) },
    {
      at: at(0.74),
      step: cmd({ prefix: 'osd pool set', pool: SCRATCH_POOL, var: 'pg_num', val: String(scratchPgs * 2) }),
    },
    {
      at: at(0.86),
      step: cmd({ prefix: 'osd pool rm', pool: SCRATCH_POOL, pool2: SCRATCH_POOL, yes_i_really_really_mean_it: true }),
    },
  ];
}
