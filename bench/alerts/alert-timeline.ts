/** A stretch of time, both ends being sample times (wall-clock ms, as Prometheus stamps them). */
export interface Interval {
  readonly from: number;
  readonly to: number;
}

/** A scenario step's stretch: from its first timed change to its last (a one-change step: one instant). */
export interface StepWindow extends Interval {
  readonly name: string;
}

/** One stretch during which a rule fired, what it is put down to, and whether its expression held throughout. */
export interface Firing extends Interval {
  /** When its expression began to hold: `from` less the rule's (shortened) `for:`. */
  readonly activeFrom: number;
  /** The steps that explain it: their window (plus the settling time) holds `activeFrom`, and they list the rule. */
  readonly causes: readonly string[];
  /** No step explains it. */
  readonly spurious: boolean;
  /** Its expression had a result at every sample of the stretch (within one evaluation at either end). */
  readonly conditionHeld: boolean;
}

/** What became of one rule in the run. */
export interface RuleVerdict {
  readonly alert: string;
  readonly group: string;
  readonly firings: readonly Firing[];
  /** Its expression had a result at some point (it may have held too briefly for its `for:`). */
  readonly conditionSeen: boolean;
}

/** Merges sample times (any order) into stretches: two samples at most `gapMs` apart are one stretch. */
export function intervalsOf(times: Iterable<number>, gapMs: number): Interval[] {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const out: Interval[] = [];
  for (const t of sorted) {
    const last = out.at(-1);
    if (last !== undefined && t - last.to <= gapMs) out[out.length - 1] = { from: last.from, to: t };
    else out.push({ from: t, to: t });
  }
  return out;
}

/** What {@link judgeRules} reads. */
export interface RunRecord {
  readonly rules: ReadonlyArray<{ readonly alert: string; readonly group: string; readonly shortenedForMs: number }>;
  /** Sample times of `ALERTS{alertstate="firing"}` by alert name (all of its series). */
  readonly firingTimes: ReadonlyMap<string, readonly number[]>;
  /** Sample times at which each rule's expression had a result. */
  readonly conditionTimes: ReadonlyMap<string, readonly number[]>;
  readonly steps: readonly StepWindow[];
  /** The alerts each step is meant to make fire (by step name). */
  readonly expected: Readonly<Record<string, readonly string[]>>;
  /** Alerts that any step may make fire (the cluster's overall health). */
  readonly anyStep: readonly string[];
  /** How long after a step's window its effects may still begin (recovery, health checks catching up). */
  readonly settleMs: number;
  /** The evaluation interval: samples this far apart are contiguous, and ends are matched within it. */
  readonly evalMs: number;
}

/**
 * Each rule's firings, each put down to the steps that explain it or called spurious: a firing is explained by a
 * step that lists the rule (or any step, for the rules of {@link RunRecord.anyStep}) when the firing's expression
 * began to hold between the step's first change and `settleMs` after its last. A firing before the first step, or
 * of a rule no step lists, is spurious.
 */
export function judgeRules(run: RunRecord): RuleVerdict[] {
  const gap = run.evalMs * 1.5;
  return run.rules.map((rule) => {
    const conditions = intervalsOf(run.conditionTimes.get(rule.alert) ?? [], gap);
    const firings = intervalsOf(run.firingTimes.get(rule.alert) ?? [], gap).map((f): Firing => {
      const activeFrom = f.from - rule.shortenedForMs;
      const causes = run.steps
        .filter(
          (s) =>
            (run.anyStep.includes(rule.alert) || (run.expected[s.name] ?? []).includes(rule.alert)) &&
            activeFrom >= s.from - run.evalMs &&
            activeFrom <= s.to + run.settleMs,
        )
        .map((s) => s.name);
      const conditionHeld = conditions.some((c) => c.from - run.evalMs <= f.from && f.to <= c.to + run.evalMs);
      return { ...f, activeFrom, causes: [...new Set(causes)], spurious: causes.length === 0, conditionHeld };
    });
    return { alert: rule.alert, group: rule.group, firings, conditionSeen: conditions.length > 0 };
  });
}
