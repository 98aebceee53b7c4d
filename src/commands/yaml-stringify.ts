import { createRequire } from 'node:module';
import type { CreateNodeOptions, DocumentOptions, SchemaOptions, ToStringOptions } from 'yaml';

/** The options of yaml's `stringify` that the output formats use. */
export type YamlOptions = DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions;

let loaded: typeof import('yaml') | undefined;

/**
 * yaml's `stringify`, the package loaded on first use: most runs never print YAML, and it is ~70 modules to load
 * at startup.
 */
export function yamlStringify(value: unknown, options: YamlOptions): string {
  loaded ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return loaded.stringify(value, options);
}
