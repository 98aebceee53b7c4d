#!/usr/bin/env -S node --max-semi-space-size=64
// A larger young generation: a live 10,000-OSD cluster allocates hundreds of MiB a second of short-lived objects, and
// with Node's default the scavenges alone take a quarter of the main thread (README, Benchmarks).
// Runs the build in dist/ when it was compiled from exactly the sources in this tree (bin/source-stamp.mjs), so no
// TypeScript is compiled at startup; otherwise (no build, an edited source, or MGRKIT_FROM_SOURCE=1) the TypeScript
// sources through tsx. Modules on the module path are TypeScript: the build registers tsx when it loads the first.
import { distIsCurrent } from './source-stamp.mjs';

let cli;
if (process.env.MGRKIT_FROM_SOURCE !== '1' && distIsCurrent(new URL('..', import.meta.url))) {
  cli = await import('../dist/src/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  const { register: registerCommonJs } = await import('tsx/cjs/api');
  register();
  registerCommonJs();
  cli = await import('../src/cli/main.ts');
}
cli.reportEscapedErrors();
process.exitCode = await cli.main(process.argv);
