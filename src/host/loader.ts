import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isNotifyType, type NotifyType } from '../bus/notify-types.ts';
import { type CommandDeclaration, MgrModule } from '../module/mgr-module.ts';
import { MgrStandbyModule } from '../module/mgr-standby-module.ts';
import { moduleOptions } from '../module/module-base.ts';
import { OPTION_TYPES, type Option } from '../options/option.ts';
import type { ModuleCandidate } from './discovery.ts';
import { describeLoadError, placeClassProblem } from './load-error.ts';
import { ensureTypeScriptLoader, RUNNING_AS_TYPESCRIPT } from './typescript-loader.ts';

/** A module class as the host sees it. */
export type ModuleClass = (new () => MgrModule) & {
  NOTIFY_TYPES?: readonly NotifyType[];
  COMMANDS?: readonly CommandDeclaration[];
  MODULE_OPTIONS?: readonly Option[];
  ALWAYS_ON?: boolean;
  can_run(): [boolean, string];
};
export type StandbyModuleClass = (new () => MgrStandbyModule) & { MODULE_OPTIONS?: readonly Option[] };

/** A module after loading: its classes, or why it could not be loaded; and whether it can run. */
export interface LoadedModule {
  readonly name: string;
  readonly file: string;
  readonly Module: ModuleClass | null;
  readonly Standby: StandbyModuleClass | null;
  readonly options: readonly Option[];
  readonly canRun: boolean;
  /** Why it cannot run or could not load; `""` otherwise. */
  readonly error: string;
  /** Help text of decorated commands, by prefix, from the TSDoc comment above each decorator in the source. */
  readonly docs: Readonly<Record<string, string>>;
}

const DOC_BEFORE_COMMAND =
  /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:@\w+\([^)]*\)\s*)*@CLI(?:Read|Write)?Command\(\s*['"`]([^'"`]+)['"`]/g;

/** The TSDoc comments above `@CLICommand(...)` decorators in a module's source, by command prefix. */
export function commandDocs(source: string): Record<string, string> {
  const docs: Record<string, string> = {};
  for (const m of source.matchAll(DOC_BEFORE_COMMAND)) {
    const text = m[1]!
      .split('\n')
      .map((l) => l.replace(/^\s*\*\s?/, '').trim())
      .filter((l) => l !== '' && !l.startsWith('@'))
      .join(' ');
    docs[m[2]!.trim().split(/\s+/).join(' ')] = text;
  }
  return docs;
}

const hookedRoots = new Set<string>();

const EXT = RUNNING_AS_TYPESCRIPT ? '.ts' : '.js';

/**
 * The entries a module imports by package name, as package.json's `exports` lists them; `mgrkit/host` is for
 * embedding. They are the files this host runs (sources or build), so a module's `MgrModule` is the host's own.
 */
const MODULE_ENTRIES: Readonly<Record<string, string>> = {
  mgrkit: new URL(`../index${EXT}`, import.meta.url).href,
  'mgrkit/testing': new URL(`../entry/testing${EXT}`, import.meta.url).href,
  'mgrkit/schemas': new URL(`../../schemas/index${EXT}`, import.meta.url).href,
};

/**
 * Makes `from 'mgrkit'` (and `mgrkit/testing`, `mgrkit/schemas`) resolve in a folder of modules, and its files load
 * as ES modules (once per folder and process; `register` returns once the hooks are in place, so the import that
 * follows sees them). Call it after `ensureTypeScriptLoader()` has resolved.
 */
export function ensureMgrkitResolvable(folder: string): void {
  const root = pathToFileURL(folder.endsWith(sep) ? folder : `${folder}${sep}`).href;
  if (hookedRoots.has(root)) return;
  hookedRoots.add(root);
  // A query of its own per folder: each registration gets its own instance of the hooks module and its own root.
  register(new URL(`./mgrkit-resolve-hooks.mjs?root=${encodeURIComponent(root)}`, import.meta.url), {
    data: { indexUrl: MODULE_ENTRIES.mgrkit, entries: MODULE_ENTRIES, root },
  });
}

function isSubclass(value: unknown, base: abstract new (...a: never[]) => unknown): boolean {
  return typeof value === 'function' && value.prototype instanceof base;
}

/** Checks the static declarations of a module class; returns the problem, or `""`. */
export function checkModuleClass(Cls: ModuleClass): string {
  const types = Cls.NOTIFY_TYPES;
  if (types !== undefined) {
    if (!Array.isArray(types)) return 'NOTIFY_TYPES is not a list';
    const bad = types.filter((t) => typeof t !== 'string' || !isNotifyType(t));
    if (bad.length > 0) return `unknown NOTIFY_TYPES ${bad.map((b) => JSON.stringify(b)).join(', ')}`;
  }
  const seen = new Set<string>();
  for (const o of Cls.MODULE_OPTIONS ?? []) {
    if (typeof o?.name !== 'string' || o.name === '') return 'a MODULE_OPTIONS entry has no name';
    if (seen.has(o.name)) return `option "${o.name}" is declared twice`;
    if (o.type !== undefined && !(OPTION_TYPES as readonly string[]).includes(o.type)) {
      return `option "${o.name}" has unknown type "${o.type}"`;
    }
    seen.add(o.name);
  }
  return '';
}

/** Describes a module class that is already in hand (tests, embedding), as loading a file would. */
export function describeModule(
  name: string,
  file: string,
  Module: ModuleClass,
  Standby: StandbyModuleClass | null,
  docs: Record<string, string> = {},
): LoadedModule {
  const problem = checkModuleClass(Module);
  if (problem !== '')
    return { name, file, Module: null, Standby: null, options: [], canRun: false, error: problem, docs };
  let canRun: [boolean, string];
  try {
    canRun = Module.can_run();
  } catch (e) {
    canRun = [false, `can_run raised: ${(e as Error).message}`];
  }
  return {
    name,
    file,
    Module,
    Standby,
    options: moduleOptions(Module),
    canRun: canRun[0],
    error: canRun[0] ? '' : canRun[1],
    docs,
  };
}

let reloads = 0;

/**
 * Imports a module's file (TypeScript included) and checks what it exports: `Module` (or the default export), a
 * subclass of `MgrModule`, and optionally `StandbyModule`. A module that fails to load is still listed, with why
 * (`file:line:col: ...` where the loader says where). `fresh` imports the file anew, past the import cache, as
 * enabling a module that failed to load does once its file is fixed.
 */
export async function loadModule(c: ModuleCandidate, options: { fresh?: boolean } = {}): Promise<LoadedModule> {
  await ensureTypeScriptLoader();
  ensureMgrkitResolvable(dirname(c.dir));
  const fail = (error: string): LoadedModule => ({
    name: c.name,
    file: c.file,
    Module: null,
    Standby: null,
    options: [],
    canRun: false,
    error,
    docs: {},
  });
  let ns: Record<string, unknown>;
  try {
    const url = pathToFileURL(c.file).href;
    ns = (await import(options.fresh ? `${url}?reload=${++reloads}` : url)) as Record<string, unknown>;
  } catch (e) {
    return fail(describeLoadError(c.file, e));
  }
  const Module = ns.Module ?? ns.default;
  if (!isSubclass(Module, MgrModule)) return fail(`${c.file} exports no class Module extending MgrModule`);
  const Standby = ns.StandbyModule;
  if (Standby !== undefined && !isSubclass(Standby, MgrStandbyModule)) {
    return fail(`${c.file}: StandbyModule does not extend MgrStandbyModule`);
  }
  const source = readFileSync(c.file, 'utf8');
  const described = describeModule(
    c.name,
    c.file,
    Module as ModuleClass,
    (Standby as StandbyModuleClass | undefined) ?? null,
    commandDocs(source),
  );
  if (described.Module !== null || described.error === '') return described;
  return { ...described, error: placeClassProblem(c.file, source, described.error) };
}
