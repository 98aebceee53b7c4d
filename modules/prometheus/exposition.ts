/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: a family is one `# HELP` and one `# TYPE`
 * line followed by all its samples, so that every family is one group and declared once (real ceph-mgr declares
 * `ceph_pool_objects_repaired` several times, which Prometheus's own parser rejects).
 */

/** The family types Ceph's exporter declares. */
export type MetricType = 'gauge' | 'counter' | 'untyped';

/** A metric family as declared: its full name (with `ceph_`), type, help text and label names, in output order. */
export interface FamilySpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
}

/** What `/metrics` is served as (the text format's own content type). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const VALID_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Whether `name` may be a metric name; a perf counter path Ceph's renaming leaves odd characters in is skipped. */
export function isValidMetricName(name: string): boolean {
  return VALID_NAME.test(name);
}

/**
 * A perf counter path as a metric name, Ceph's way: `.`, `/`, white space and `::` become `_`, `+` becomes `_plus`, a
 * trailing `-` becomes `_minus` and any other `-` an `_`; then the `ceph_` prefix.
 */
export function promethize(path: string): string {
  let r = path.replace(/[./\s]|::/g, '_').replaceAll('+', '_plus');
  r = r.endsWith('-') ? `${r.slice(0, -1)}_minus` : r.replaceAll('-', '_');
  return `ceph_${r}`;
}

/** The `# HELP` and `# TYPE` lines of a family. */
export function familyHeader(spec: FamilySpec): string {
  const help = spec.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
  return `# HELP ${spec.name} ${help}\n# TYPE ${spec.name} ${spec.type}\n`;
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** A label value as the format wants it: backslash, double quote and newline escaped (Ceph's writer does not). */
export function escapeLabelValue(v: string): string {
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** `{a="x",b="y"}` for label names and their values, in the given order; `""` when there are no labels. */
export function labelSet(names: readonly string[], values: readonly (string | number)[]): string {
  if (names.length === 0) return '';
  let s = '{';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) s += ',';
    s += `${names[i]}="${escapeLabelValue(String(values[i] ?? ''))}"`;
  }
  return `${s}}`;
}

/** A sample value as Go's `ParseFloat` reads it (`+Inf`, `-Inf`, `NaN` spelled as Prometheus spells them). */
export function formatValue(v: number | boolean | null | undefined): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v !== 'number') return 'NaN';
  if (Number.isFinite(v)) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? '+Inf' : '-Inf';
}

/** One sample line, newline included. */
export function sampleLine(name: string, labels: string, value: number | boolean | null | undefined): string {
  return `${name}${labels} ${formatValue(value)}\n`;
}
