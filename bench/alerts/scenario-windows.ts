// The simulated cluster registers every scenario step it can play; importing it gives the same registry as the
// `mgrkit run` being checked.
import '../../src/sim/simulated-cluster.ts';
import { scenarioStepList, scenarioSteps, selectedSteps } from '../../src/sim/scenario.ts';
import { resolveSimOptions, type SimOptionsInput } from '../../src/sim/sim-options.ts';
import { createTopology } from '../../src/sim/topology.ts';
import type { StepWindow } from './alert-timeline.ts';

/** Every named scenario step the simulator knows, in its order (what `mgrkit simulate --help` lists). */
export function allScenarioSteps(): string[] {
  return scenarioStepList().map(([name]) => name);
}

/**
 * When each step the options select changes the cluster, in ms of stream time after the start: from its first
 * timed change to its last, without those of the steps it needs (played with it, listed on their own).
 */
export function scenarioWindows(options: SimOptionsInput): StepWindow[] {
  const config = resolveSimOptions({ ...options, start: 0 });
  const topo = createTopology(config);
  const key = (s: { at: number; step: unknown }) => `${s.at} ${JSON.stringify(s.step)}`;
  const alone = (names: readonly string[]) =>
    scenarioSteps({ ...config, scenario: names }, topo, 0).map((s) => ({ at: s.at, key: key(s) }));
  const out: StepWindow[] = [];
  for (const name of selectedSteps(config.scenario)) {
    const needed = new Set(
      selectedSteps([name])
        .filter((n) => n !== name)
        .flatMap((n) => alone([n]).map((s) => s.key)),
    );
    const own = alone([name]).filter((s) => !needed.has(s.key));
    if (own.length === 0) continue;
    out.push({ name, from: Math.min(...own.map((s) => s.at)), to: Math.max(...own.map((s) => s.at)) });
  }
  return out;
}
