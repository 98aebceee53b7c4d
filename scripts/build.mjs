// Compiles src/ and schemas/ into dist/ (run by `npm ci` and `npm install` as `prepare`, or `npm run build`), so
// `mgrkit` starts without compiling TypeScript. The stamp of the sources is taken before compiling and written last:
// a build that fails leaves no stamp, and a source edited during the build leaves the stamp stale, and in both cases
// bin/mgrkit.js runs the sources instead.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE, sourceStamp } from '../bin/source-stamp.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.error('mgrkit build: typescript is not installed; mgrkit will run its TypeScript sources');
  process.exit(0);
}

const stamp = sourceStamp(root);
rmSync(join(root, 'dist'), { recursive: true, force: true });
const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (built.status !== 0) {
  console.error('mgrkit build: tsc failed');
  process.exit(built.status ?? 1);
}
// What tsc does not emit: the resolve hooks are plain JavaScript loaded by file name (node:module register).
for (const tree of ['src', 'schemas']) {
  for (const rel of readdirSync(join(root, tree), { recursive: true })) {
    if (!rel.endsWith('.mjs')) continue;
    const to = join(root, 'dist', tree, rel);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(root, tree, rel), to);
  }
}
writeFileSync(join(root, STAMP_FILE), `${stamp}\n`);
