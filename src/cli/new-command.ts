import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { MgrError } from '../errors.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { moduleTemplate } from './module-template.ts';

/** Ceph's module names are Python packages: a lower-case identifier. */
const MODULE_NAME = /^[a-z][a-z0-9_]*$/;

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * Writes `dir/name/`: a module that type-checks and passes its own test as it is, depending on this mgrkit by a
 * `file:` path. Refuses a name Ceph would not load and a folder that holds anything already. Returns the folder.
 */
export function newModule(name: string, dir: string): string {
  if (!MODULE_NAME.test(name)) {
    throw new MgrError(
      'MGR_ERR_KIT_BAD_NAME',
      `"${name}" is not a module name: use lower-case letters, digits and _, starting with a letter (as Ceph's)`,
    );
  }
  const folder = resolve(dir, name);
  if (existsSync(folder) && (!statSync(folder).isDirectory() || readdirSync(folder).length > 0)) {
    throw new MgrError('MGR_ERR_KIT_FOLDER_NOT_EMPTY', `${folder} exists and is not empty: give another name or DIR`);
  }
  const root = fileURLToPath(PACKAGE_ROOT).replace(/\/$/, '');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const version = (dep: string) => pkg.dependencies?.[dep] ?? pkg.devDependencies?.[dep] ?? '*';
  const files = moduleTemplate({
    name,
    mgrkitRoot: root,
    versions: { tsx: version('tsx'), typescript: version('typescript'), typesNode: version('@types/node') },
  });
  for (const [path, text] of Object.entries(files)) {
    const to = join(folder, path);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, text);
  }
  return folder;
}

/** `mgrkit new module NAME [DIR]`. */
export function registerNewCommand(program: Command): void {
  const create = program.command('new').description('start something new: a module folder (mgrkit new module -h)');
  create
    .command('module')
    .description(
      'write DIR/NAME/: a module (notify, an accessor, a command, an option), its test with mgrkit/testing, ' +
        'package.json (mgrkit by a file: path to this checkout), tsconfig.json and a README saying how to test and run it',
    )
    .argument('<name>', "the module's name: lower-case letters, digits and _, starting with a letter")
    .argument('[dir]', 'the folder to create it in: a module path', '.')
    .action((name: string, dir: string) => {
      const folder = newModule(name, dir);
      process.stdout.write(
        `wrote ${folder}\nnext: cd ${folder} && npm install && npm test\nthen: npx mgrkit run --source TRACE --module-path ${dirname(folder)} --modules ${name}\n`,
      );
    });
}
