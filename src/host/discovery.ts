import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../package-root.ts';

/** The folder of modules that ship with mgrkit. */
export const BUILTIN_MODULE_DIR = fileURLToPath(new URL('modules/', PACKAGE_ROOT));

/** A module found on the module path: its name (the folder's) and its entry file. */
export interface ModuleCandidate {
  readonly name: string;
  readonly dir: string;
  readonly file: string;
}

const ENTRY_FILES = ['module.ts', 'module.js', 'module.mjs'];

/**
 * Every module on the module path: each folder holding `module.ts` (or `.js`). The first folder of a name wins, so a
 * `--module-path` folder can stand in for a module that ships with mgrkit.
 */
export function discoverModules(paths: readonly string[]): ModuleCandidate[] {
  const found = new Map<string, ModuleCandidate>();
  for (const p of paths) {
    const dir = resolve(p);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      const sub = join(dir, name);
      if (found.has(name) || name.startsWith('.') || !statSync(sub).isDirectory()) continue;
      const entry = ENTRY_FILES.map((f) => join(sub, f)).find((f) => existsSync(f));
      if (entry !== undefined) found.set(name, { name, dir: sub, file: entry });
    }
  }
  return [...found.values()];
}
