/** Label lists that follow a keyword: `by (a, b)`, `on(ceph_daemon)`, `group_left(hostname)`, ... */
const LABEL_LIST = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)/g;

/** PromQL's keywords that can stand alone (`group_left` without a label list, `and`, `bool`, ...). */
const KEYWORDS = [
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'Inf',
  'NaN',
];

/** Where the parenthesis opened at `open` closes, or -1 when it does not. */
function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits at the commas outside parentheses. */
function topLevelArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/**
 * The metric names a PromQL expression (or a Grafana variable query, `label_values(metric{...}, label)`) reads,
 * sorted: every identifier that is not a label name (in `{...}` matchers, `by`/`on`/`group_left` lists, the label
 * argument of `label_values`), a string, a Grafana variable (`$job`, `${osd}`, `[[pool]]`), a range or a function.
 */
export function promqlMetricNames(expr: string): string[] {
  let s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\$\{[^}]*\}|\$\w+|\[\[[^\]]*\]\]/g, ' ')
    .replace(/\{[^{}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(LABEL_LIST, ' ');
  // label_values(label) and label_values(metric, label): the label is not a metric.
  for (let at = s.search(/\blabel_values\s*\(/); at >= 0; at = s.search(/\blabel_values\s*\(/)) {
    const open = s.indexOf('(', at);
    const close = closingParen(s, open);
    const args = topLevelArgs(s.slice(open + 1, close < 0 ? s.length : close));
    const keep = args.length > 1 ? args.slice(0, -1).join(' ') : '';
    s = `${s.slice(0, at)} ${keep} ${close < 0 ? '' : s.slice(close + 1)}`;
  }
  const names = new Set<string>();
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*(\()?)/g)) {
    const before = m.index === 0 ? '' : s[m.index - 1]!;
    // A number's exponent or unit (`1e3`, `5m`) and function names are not metrics.
    if (/[0-9.]/.test(before) || m[1] !== undefined) continue;
    names.add(m[0]);
  }
  for (const k of KEYWORDS) names.delete(k);
  return [...names].sort();
}

/**
 * The PromQL of a Grafana dashboard: every panel target's `expr` (rows and nested panels included) and every
 * templating variable of type `query`.
 */
export function dashboardQueries(dashboard: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.expr === 'string' && o.expr.trim() !== '') out.push(o.expr);
    if (o.type === 'query') {
      const q = typeof o.query === 'string' ? o.query : (o.query as { query?: unknown } | undefined)?.query;
      if (typeof q === 'string' && q.trim() !== '') out.push(q);
    }
    for (const x of Object.values(o)) walk(x);
  };
  walk(dashboard);
  return out;
}

/** Each `ceph_*` metric name the dashboards' PromQL reads, with the dashboards that read it, sorted by name. */
export function dashboardCephMetrics(
  dashboards: ReadonlyArray<{ readonly name: string; readonly json: unknown }>,
): Map<string, string[]> {
  const by = new Map<string, Set<string>>();
  for (const d of dashboards) {
    for (const q of dashboardQueries(d.json)) {
      for (const n of promqlMetricNames(q)) {
        if (!n.startsWith('ceph_')) continue;
        const s = by.get(n) ?? new Set<string>();
        s.add(d.name);
        by.set(n, s);
      }
    }
  }
  return new Map([...by].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, s]) => [n, [...s].sort()]));
}
