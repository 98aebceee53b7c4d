import { isMap, isSeq, parseDocument } from 'yaml';
import { formatPromDuration, parsePromDuration } from './prom-duration.ts';

/** One alerting rule of a Prometheus rule file. */
export interface AlertRule {
  readonly group: string;
  readonly alert: string;
  readonly expr: string;
  /** Its `for:` in ms (0 when it has none: it fires at the first evaluation its expression holds). */
  readonly forMs: number;
}

/** A rule file with every `for:` divided by a factor, and its rules with their waits before and after. */
export interface ShortenedRules {
  readonly text: string;
  readonly factor: number;
  readonly rules: ReadonlyArray<AlertRule & { readonly shortenedForMs: number }>;
}

function rulesOf(text: string) {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`not a rule file: ${doc.errors[0]!.message}`);
  const groups = doc.get('groups');
  if (!isSeq(groups)) throw new Error('not a rule file: no "groups" list');
  const out: Array<{ rule: AlertRule; path: Array<string | number> }> = [];
  groups.items.forEach((g, gi) => {
    if (!isMap(g)) return;
    const rules = g.get('rules');
    if (!isSeq(rules)) return;
    rules.items.forEach((r, ri) => {
      if (!isMap(r) || r.get('alert') === undefined) return;
      const f = r.get('for');
      out.push({
        rule: {
          group: String(g.get('name')),
          alert: String(r.get('alert')),
          expr: String(r.get('expr')).trim(),
          forMs: f === undefined ? 0 : parsePromDuration(String(f)),
        },
        path: ['groups', gi, 'rules', ri, 'for'],
      });
    });
  });
  return { doc, out };
}

/** The alerting rules of a Prometheus rule file, in file order (recording rules are left out). */
export function readAlertRules(text: string): AlertRule[] {
  return rulesOf(text).out.map((r) => r.rule);
}

/**
 * The rule file with every `for:` divided by `factor` (rounded to the ms; a rule without one keeps none), and
 * everything else as it was: a run whose clock goes `factor` times real time then waits as long, in the cluster's
 * time, as the rule says.
 */
export function shortenForDurations(text: string, factor: number): ShortenedRules {
  if (!(factor >= 1)) throw new Error(`a shortening factor is 1 or more, not ${factor}`);
  const { doc, out } = rulesOf(text);
  const rules = out.map(({ rule, path }) => {
    if (rule.forMs === 0) return { ...rule, shortenedForMs: 0 };
    const shortenedForMs = Math.max(1, Math.round(rule.forMs / factor));
    doc.setIn(path, formatPromDuration(shortenedForMs));
    return { ...rule, shortenedForMs };
  });
  return { text: doc.toString({ lineWidth: 0 }), factor, rules };
}
