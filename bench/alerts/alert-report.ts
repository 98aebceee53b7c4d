import type { Firing } from './alert-timeline.ts';
import type { AlertCheckResult } from './run-alert-check.ts';

/** The figures a run comes down to, for the report and for the test's criteria. */
export interface AlertCheckSummary {
  readonly total: number;
  /** Rules that fired at least once. */
  readonly fired: readonly string[];
  readonly neverFired: readonly string[];
  /** Rules that never fired though their expression held at some point (too briefly for their `for:`). */
  readonly heldTooBriefly: readonly string[];
  /** Rules with a firing no step explains. */
  readonly spurious: readonly string[];
  /** Rules with a firing during which their expression had no result. */
  readonly withoutCondition: readonly string[];
  readonly dashboardMetrics: number;
  readonly missingMetrics: readonly string[];
}

/** The figures of a run. */
export function summarizeAlertCheck(r: AlertCheckResult): AlertCheckSummary {
  const names = (pick: (v: AlertCheckResult['rules'][number]) => boolean) => r.rules.filter(pick).map((v) => v.alert);
  return {
    total: r.rules.length,
    fired: names((v) => v.firings.length > 0),
    neverFired: names((v) => v.firings.length === 0),
    heldTooBriefly: names((v) => v.firings.length === 0 && v.conditionSeen),
    spurious: names((v) => v.firings.some((f) => f.spurious)),
    withoutCondition: names((v) => v.firings.some((f) => !f.conditionHeld)),
    dashboardMetrics: r.dashboardMetrics.length,
    missingMetrics: r.dashboardMetrics.filter((m) => !m.exported).map((m) => m.name),
  };
}

/** A wall-clock time as the share of the scenario's duration the cluster's clock had reached. */
function pct(r: AlertCheckResult, wallMs: number): string {
  return `${Math.round(((wallMs - r.startMs) * r.speed) / 10 / r.duration)}%`;
}

function span(r: AlertCheckResult, from: number, to: number): string {
  const a = pct(r, from);
  const b = pct(r, to);
  return a === b ? a : `${a.slice(0, -1)}-${b}`;
}

function firingLine(r: AlertCheckResult, f: Firing): string {
  const why = f.spurious ? 'SPURIOUS' : `from ${f.causes.join(', ')}`;
  const held = f.conditionHeld ? '' : ', EXPRESSION NOT HOLDING';
  return `${span(r, f.from, f.to)} (holding from ${pct(r, f.activeFrom)}) ${why}${held}`;
}

/** The report `npm run check:alerts` prints: times as a share of the scenario's duration in the cluster's time. */
export function formatAlertReport(r: AlertCheckResult): string {
  const s = summarizeAlertCheck(r);
  const out: string[] = [];
  out.push(`Ceph's packaged alert rules (${s.total}) against mgrkit run --source ${r.spec}`);
  out.push(
    `The cluster's clock ran at ${r.speed}x real time; every for: of the rule file's copy was divided by ` +
      `${r.forFactor} (5m -> ${(300 / r.forFactor).toFixed(1)}s), so it waits as long in the cluster's time as ` +
      `Ceph's rule says. Times below: % of the ${r.duration} s scenario, in the cluster's time. Rules were ` +
      `evaluated from ${pct(r, r.rulesFromMs)} to ${pct(r, r.endMs)}.`,
  );
  const first = Math.min(...r.steps.map((st) => st.from));
  if (r.rulesFromMs > first) {
    out.push(
      `WARNING: the rules were loaded after the first step began (${pct(r, first)}): a firing the cluster's start ` +
        'would have caused cannot be told from one the step caused. A lower --speed gives the start more time.',
    );
  }
  out.push('', 'Scenario steps:');
  const w = Math.max(...r.steps.map((st) => st.name.length), 4);
  for (const st of r.steps) out.push(`  ${st.name.padEnd(w)}  ${span(r, st.from, st.to)}`);
  if (r.unlistedSteps.length > 0) {
    out.push(
      `  (no line in bench/alerts/expected-alerts.ts, so what they cause counts as spurious: ${r.unlistedSteps.join(', ')})`,
    );
  }
  out.push('', `Fired: ${s.fired.length} of ${s.total}`);
  const aw = Math.max(...r.rules.filter((v) => v.firings.length > 0).map((v) => v.alert.length));
  for (const v of r.rules) {
    if (v.firings.length === 0) continue;
    out.push(`  ${v.alert.padEnd(aw)}  ${v.firings.map((f) => firingLine(r, f)).join('; ')}`);
  }
  out.push(
    '',
    `Spurious: ${s.spurious.length}${s.spurious.length > 0 ? ` (${s.spurious.join(', ')})` : ''}. A firing is ` +
      'spurious when no step explains it: its expression began to hold before the first step, or outside ' +
      `[first change, last change + ${Math.round((r.settleMs * r.speed) / 10 / r.duration)}% of the duration] of ` +
      'every step that lists the rule in bench/alerts/expected-alerts.ts (CephHealthWarning: any step).',
  );
  out.push(
    `Fired without its expression holding: ${s.withoutCondition.length}${s.withoutCondition.length > 0 ? ` (${s.withoutCondition.join(', ')})` : ''}`,
  );
  out.push('', `Never fired: ${s.neverFired.length}`);
  for (const n of s.neverFired)
    out.push(`  ${n}${s.heldTooBriefly.includes(n) ? '  (its expression held, too briefly for its for:)' : ''}`);
  const exported = s.dashboardMetrics - s.missingMetrics.length;
  out.push(
    '',
    `Dashboards: ${s.dashboardMetrics} ceph_* metric names in the packaged dashboards' PromQL; exported ${exported}, ` +
      `missing ${s.missingMetrics.length}${s.missingMetrics.length > 0 ? ':' : ''}`,
  );
  for (const m of r.dashboardMetrics) if (!m.exported) out.push(`  ${m.name}  (${m.dashboards.join(', ')})`);
  return `${out.join('\n')}\n`;
}
