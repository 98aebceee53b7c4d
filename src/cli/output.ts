import { yamlStringify as toYaml } from '../commands/yaml-stringify.ts';

/** The formats `get` and `call` print in. */
export const OUTPUT_FORMATS = ['json', 'json-pretty', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * `{json: "<text>"}`, as Ceph hands over `health` and `mon_status`, read as the object inside it; anything else as
 * it is. The readable formats show the object; `json` keeps Ceph's own shape.
 */
function readable(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  const text = (value as { json?: unknown }).json;
  if (keys.length !== 1 || typeof text !== 'string') return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

/**
 * Renders a value as `--format` asks: compact JSON (exactly what the accessor returns), or indented JSON or YAML,
 * where a `{json: "<text>"}` wrapper is shown as the object its text holds.
 */
export function formatValue(value: unknown, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(value) ?? 'null';
    case 'json-pretty':
      return JSON.stringify(readable(value), null, 4) ?? 'null';
    case 'yaml':
      return toYaml(readable(value), { aliasDuplicateObjects: false }).trimEnd();
  }
}
