/** Whether this code is itself running as TypeScript (a TypeScript loader is then in place already). */
export const RUNNING_AS_TYPESCRIPT = import.meta.url.endsWith('.ts');

let registering: Promise<void> | null = null;

/**
 * Puts tsx in place before the first module is resolved: modules are TypeScript, while the host may run from its
 * compiled build, which needs no loader for its own code (so none is registered until a module is loaded). Awaited
 * before the resolve hooks are registered: hooks registered later run first, and those hand on to tsx.
 */
export function ensureTypeScriptLoader(): Promise<void> {
  if (RUNNING_AS_TYPESCRIPT) return Promise.resolve();
  registering ??= Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]).then(([esm, cjs]) => {
    esm.register();
    cjs.register();
  });
  return registering;
}
