import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from '../bin/source-stamp.mjs';

const ROOT = new URL('../', import.meta.url);

/** `mgrkit` as installed: bin/mgrkit.js, which runs the build in dist/ while it is current. */
export const BIN = fileURLToPath(new URL('bin/mgrkit.js', ROOT));

/**
 * Makes sure dist/ holds a build of the sources as they are (building it when not, as `npm ci` would), so that a
 * benchmark of `mgrkit`'s start measures the build users run, not the TypeScript sources through tsx.
 */
export function ensureBuilt(log: (step: string) => void = () => {}): void {
  if (distIsCurrent(ROOT)) return;
  log('dist/ is not current: building it (npm run build)');
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('scripts/build.mjs', ROOT))], { encoding: 'utf8' });
  if (r.status !== 0 || !distIsCurrent(ROOT)) throw new Error(`npm run build failed: ${r.stderr || r.stdout}`);
}
