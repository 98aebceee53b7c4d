// Module-resolution hooks (node:module register): `import ... from 'mgrkit'` in a module anywhere on the module path
// resolves to this installation's public API, so modules outside the project need no package install.
let indexUrl = '';

export async function initialize(data) {
  indexUrl = data.indexUrl;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'mgrkit') return nextResolve(indexUrl, context);
  return nextResolve(specifier, context);
}
