import { stringify as toYaml } from 'yaml';

/** The formats `get` and `call` print in. */
export const OUTPUT_FORMATS = ['json', 'json-pretty', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Renders a value as `--format` asks: compact JSON, indented JSON, or YAML. */
export function formatValue(value: unknown, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(value) ?? 'null';
    case 'json-pretty':
      return JSON.stringify(value, null, 4) ?? 'null';
    case 'yaml':
      return toYaml(value, { aliasDuplicateObjects: false }).trimEnd();
  }
}
