// Module-resolution hooks (node:module register), registered once per folder of modules:
// - `import ... from 'mgrkit'` (and `mgrkit/testing`, `mgrkit/schemas`) resolves to this installation's public
//   entries, so a module outside the project needs no package install;
// - `import ... from 'zod'` resolves to the zod mgrkit itself uses: command arguments are zod schemas that mgrkit
//   reads, so a module outside the project uses the same zod without installing it (as the README's example does);
// - the folder's files are ES modules even when no package.json there says so: relative imports between them are
//   resolved here, as ES modules, before the TypeScript loader would guess CommonJS from the missing package.json.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let indexUrl = '';
let entries = {};
let root = '';

export async function initialize(data) {
  indexUrl = data.indexUrl;
  entries = data.entries;
  root = data.root;
}

function inRoot(url) {
  return url.startsWith(root) && !url.includes('/node_modules/');
}

function localFile(specifier, parentURL) {
  if (!parentURL || !inRoot(parentURL) || !(specifier.startsWith('./') || specifier.startsWith('../'))) return null;
  const url = new URL(specifier, parentURL);
  const candidates = [url.href];
  if (url.pathname.endsWith('.js')) candidates.push(url.href.replace(/\.js$/, '.ts'));
  return candidates.find((c) => inRoot(c) && existsSync(fileURLToPath(c))) ?? null;
}

export async function resolve(specifier, context, nextResolve) {
  if (Object.hasOwn(entries, specifier)) return nextResolve(entries[specifier], context);
  if ((specifier === 'zod' || specifier.startsWith('zod/')) && context.parentURL && inRoot(context.parentURL)) {
    return nextResolve(specifier, { ...context, parentURL: indexUrl });
  }
  const local = localFile(specifier, context.parentURL);
  if (local !== null) return { url: local, format: 'module', shortCircuit: true };
  const r = await nextResolve(specifier, context);
  if (r.format === 'commonjs' && inRoot(r.url)) return { ...r, format: 'module' };
  return r;
}
