#!/usr/bin/env node
// Runs the TypeScript sources directly: modules on the module path are TypeScript too, so the loader is needed anyway.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

register();
registerCommonJs();
const { main, reportEscapedErrors } = await import('../src/cli/main.ts');
reportEscapedErrors();
process.exitCode = await main(process.argv);
