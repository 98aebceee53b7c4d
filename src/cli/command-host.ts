import { join } from 'node:path';
import { MgrError } from '../errors.ts';
import type { MgrHost } from '../host/host.ts';
import { moduleIsFailed } from '../host/module-registry.ts';
import { StreamClock } from '../ingest/stream-clock.ts';
import type { ReplaySummary } from '../run/replay.ts';
import { ConfigStore } from '../store/config-store.ts';
import type { Store } from '../store/store.ts';

/** The flags of the subcommands that run modules (`replay`, `run`). */
export interface HostFlags {
  db: string;
  modules: string[];
  modulePath: string[];
  set: string[];
  mgrId: string;
  logFile?: string;
  speed: number;
}

/** Stores each `--set KEY=VALUE` in the store's config. */
export async function applySettings(store: Store, settings: readonly string[]): Promise<void> {
  if (settings.length === 0) return;
  const config = new ConfigStore(store.config);
  for (const kv of settings) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new MgrError('MGR_ERR_USAGE', `--set takes KEY=VALUE, got "${kv}"`);
    await config.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
}

/** The module host for a command, or null when no module is to run. */
export async function createHost(store: Store, o: HostFlags): Promise<MgrHost | null> {
  await applySettings(store, o.set);
  if (o.modules.length === 0) return null;
  const logFile = o.logFile ?? join(o.db, 'mgr.log');
  // The host's code (and its logger, web server and module loader) is loaded only when a module is to run.
  const { MgrHost } = await import('../host/host.ts');
  const host = await MgrHost.create({
    store,
    modulePaths: o.modulePath,
    mgrId: o.mgrId,
    logFile,
    clock: new StreamClock(o.speed),
  });
  host.modules.use(o.modules);
  host.start();
  return host;
}

/** One stderr line per named module that did not run, with why; whether there was any. */
export function reportFailedModules(modules: ReplaySummary['modules'], names: readonly string[]): boolean {
  const failed = names.filter((n) => moduleIsFailed(modules[n]?.status ?? ''));
  for (const n of failed) process.stderr.write(`mgrkit: module '${n}' has failed: ${modules[n]!.error_string}\n`);
  return failed.length > 0;
}
