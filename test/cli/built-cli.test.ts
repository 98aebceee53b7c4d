import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { distIsCurrent, STAMP_FILE, sourceStamp } from '../../bin/source-stamp.mjs';
import { ROOT, tempDir, WHOLE_TRACE } from '../helpers.ts';

/**
 * A copy of the package (what a fresh clone holds, with this tree's node_modules) in a temporary folder, built there
 * as `npm ci` builds it: the tree's own dist/ is neither needed nor touched.
 */
function builtCopy(t: Parameters<typeof tempDir>[0]): string {
  const root = join(tempDir(t, 'mgrkit-built-'), 'mgrkit');
  mkdirSync(root);
  for (const f of [
    'src',
    'schemas',
    'modules',
    'bin',
    'scripts',
    'package.json',
    'tsconfig.json',
    'tsconfig.build.json',
  ]) {
    cpSync(join(ROOT, f), join(root, f), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(distIsCurrent(root), 'the build leaves a current stamp');
  return root;
}

function mgrkit(root: string, args: string[], fromSource = false): SpawnSyncReturns<string> {
  const env = { ...process.env };
  delete env.MGRKIT_FROM_SOURCE;
  if (fromSource) env.MGRKIT_FROM_SOURCE = '1';
  return spawnSync(process.execPath, [join(root, 'bin', 'mgrkit.js'), ...args], { cwd: root, env, encoding: 'utf8' });
}

/** Exit status, stdout and stderr: what a user sees. */
function seen(r: SpawnSyncReturns<string>): { status: number | null; stdout: string; stderr: string } {
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the compiled build', () => {
  it('gives the same output as the sources, and is not used once a source is edited', async (t) => {
    const root = builtCopy(t);
    const db = join(root, 'db');
    const replayed = mgrkit(root, ['replay', WHOLE_TRACE, '--db', db]);
    assert.equal(replayed.status, 0, replayed.stderr);

    for (const args of [
      ['--version'],
      ['--help'],
      ['get', 'osd_map', '--db', db],
      ['get', 'health', '--db', db],
      ['digest', '--db', db],
      ['get', 'no_such_map', '--db', db],
    ]) {
      assert.deepEqual(seen(mgrkit(root, args)), seen(mgrkit(root, args, true)), `mgrkit ${args.join(' ')}`);
    }

    // A module on the module path gets the host's own mgrkit entries (its Module extends the host's MgrModule), and
    // TypeScript is loaded for it.
    const modules = join(root, '..', 'extra-modules');
    mkdirSync(join(modules, 'probe'), { recursive: true });
    writeFileSync(
      join(modules, 'probe', 'module.ts'),
      `import { appendFileSync } from 'node:fs';
import { MgrModule, type NotifyType } from 'mgrkit';
import { OsdMapSchema } from 'mgrkit/schemas';

export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
  notify(type: NotifyType) {
    if (type === 'osd_map') appendFileSync(new URL('./epochs.txt', import.meta.url), \`\${OsdMapSchema.parse(this.get('osd_map')).epoch}\\n\`);
  }
}
`,
    );
    const epochs = join(modules, 'probe', 'epochs.txt');
    const lastEpoch: Record<string, string> = {};
    for (const fromSource of [false, true]) {
      rmSync(epochs, { force: true });
      const args = ['replay', WHOLE_TRACE, '--db', join(root, 'probe-db'), '--reset', '--module-path', modules];
      const r = mgrkit(root, [...args, '--modules', 'probe'], fromSource);
      assert.equal(r.status, 0, r.stderr);
      lastEpoch[String(fromSource)] = readFileSync(epochs, 'utf8').trim().split('\n').at(-1)!;
    }
    assert.equal(lastEpoch.false, lastEpoch.true);
    assert.match(lastEpoch.false!, /^\d+$/);

    // The build is what runs while it is current: a change made to dist/ alone shows.
    const builtMain = join(root, 'dist', 'src', 'cli', 'main.js');
    const description = 'An event-sourced cluster-state cache and host for ceph-mgr-style modules.';
    const built = readFileSync(builtMain, 'utf8');
    assert.ok(built.includes(description));
    writeFileSync(builtMain, built.replace(description, 'from dist'));
    assert.match(mgrkit(root, ['--help']).stdout, /from dist/);

    // An edited source makes the build stale: the sources run, edit included.
    const sourceMain = join(root, 'src', 'cli', 'main.ts');
    writeFileSync(sourceMain, readFileSync(sourceMain, 'utf8').replace(description, 'from src'));
    assert.equal(distIsCurrent(root), false);
    const help = mgrkit(root, ['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /from src/);
    assert.doesNotMatch(help.stdout, /from dist/);
  });
});

describe('the stamp of the sources', () => {
  const LONG_AGO = new Date('2000-01-01T00:00:00Z');

  function tree(t: Parameters<typeof tempDir>[0]): string {
    const root = tempDir(t, 'mgrkit-stamp-');
    mkdirSync(join(root, 'src', 'cli'), { recursive: true });
    mkdirSync(join(root, 'schemas'));
    writeFileSync(join(root, 'src', 'cli', 'main.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'schemas', 'index.ts'), 'export const b = 2;\n');
    writeFileSync(join(root, 'tsconfig.json'), '{}\n');
    // Times well in the past: each change below then gives the file or folder it touches a new time.
    for (const p of ['src', 'src/cli', 'src/cli/main.ts', 'schemas', 'schemas/index.ts', 'tsconfig.json']) {
      utimesSync(join(root, p), LONG_AGO, LONG_AGO);
    }
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, STAMP_FILE), `${sourceStamp(root)}\n`);
    assert.ok(distIsCurrent(root));
    return root;
  }

  it('no build, or a build without its stamp (one that failed), is not current', (t) => {
    const root = tree(t);
    rmSync(join(root, STAMP_FILE));
    assert.equal(distIsCurrent(root), false);
    rmSync(join(root, 'dist'), { recursive: true });
    assert.equal(distIsCurrent(root), false);
  });

  it('changes when a source is edited, even with its time set back to what it was', (t) => {
    const root = tree(t);
    const file = join(root, 'src', 'cli', 'main.ts');
    const before = sourceStamp(root);
    writeFileSync(file, 'export const a = 10;\n');
    utimesSync(file, LONG_AGO, LONG_AGO);
    assert.notEqual(sourceStamp(root), before);
    assert.equal(distIsCurrent(root), false);
  });

  it('changes when a source is added, removed or renamed, or the compiler options change', (t) => {
    const root = tree(t);
    const stamps = new Set([sourceStamp(root)]);
    writeFileSync(join(root, 'schemas', 'extra.ts'), 'export {};\n');
    stamps.add(sourceStamp(root));
    cpSync(join(root, 'schemas', 'extra.ts'), join(root, 'src', 'extra.ts'), { preserveTimestamps: true });
    rmSync(join(root, 'schemas', 'extra.ts'));
    stamps.add(sourceStamp(root));
    rmSync(join(root, 'src', 'extra.ts'));
    stamps.add(sourceStamp(root));
    writeFileSync(join(root, 'tsconfig.build.json'), '{}\n');
    stamps.add(sourceStamp(root));
    assert.equal(stamps.size, 5);
    assert.equal(existsSync(join(root, 'src', 'extra.ts')), false);
  });
});
