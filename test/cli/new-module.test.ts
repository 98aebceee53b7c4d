/**
 * `mgrkit new module NAME DIR`, the whole way a module author goes: the folder is written, type-checks and passes its
 * own test with `npm test`, and a host loads it from the module path and answers its command. Offline, as CI is:
 * the folder's node_modules is linked by hand to what `npm install` would put there (mgrkit itself by its `file:`
 * path, the tools from this checkout's node_modules).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { BIN, ROOT, runCli, tempDir, WHOLE_TRACE, waitFor } from '../helpers.ts';

it('`new module` writes a module that type-checks, passes its test and loads in a host', async (t) => {
  const mods = tempDir(t, 'mgrkit-new-');
  const made = await runCli(['new', 'module', 'hello', mods]);
  assert.equal(made.code, 0, made.stderr);
  const folder = join(mods, 'hello');
  for (const f of ['module.ts', 'test/hello.test.ts', 'package.json', 'tsconfig.json', 'README.md'])
    assert.ok(existsSync(join(folder, f)), f);
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  assert.equal(pkg.devDependencies.mgrkit, `file:${ROOT.replace(/\/$/, '')}`);
  assert.equal(pkg.type, 'module');
  assert.match(readFileSync(join(folder, 'README.md'), 'utf8'), /npm install\nnpm test/);

  // Refused, with one line and exit 2: the folder again, and names Ceph would not load.
  writeFileSync(join(folder, 'keep'), 'x');
  const again = await runCli(['new', 'module', 'hello', mods]);
  assert.deepEqual([again.code, again.stdout], [2, '']);
  assert.match(again.stderr, /^mgrkit: .*hello exists and is not empty: give another name or DIR\n$/);
  for (const bad of ['Hello', 'my-module', '1st', '']) {
    const r = await runCli(['new', 'module', bad, mods]);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /^mgrkit: ".*" is not a module name: [^\n]*\n$/);
  }
  assert.ok(!existsSync(join(mods, 'my-module')));
  rmSync(join(folder, 'keep'));

  // What `npm install` links, without the network.
  const nm = join(folder, 'node_modules');
  mkdirSync(join(nm, '.bin'), { recursive: true });
  mkdirSync(join(nm, '@types'));
  symlinkSync(ROOT, join(nm, 'mgrkit'));
  for (const dep of ['tsx', 'typescript', '@types/node']) symlinkSync(join(ROOT, 'node_modules', dep), join(nm, dep));
  symlinkSync('../typescript/bin/tsc', join(nm, '.bin', 'tsc'));
  // As a user runs it: not as a child of this test runner, which would take its results instead of printing them.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const npmTest = spawnSync('npm', ['test'], { cwd: folder, encoding: 'utf8', env });
  assert.equal(npmTest.status, 0, `${npmTest.stdout}${npmTest.stderr}`);
  assert.match(npmTest.stdout, /^(# |ℹ )pass 1$/m);
  assert.match(npmTest.stdout, /^(# |ℹ )fail 0$/m);

  // Loaded from the module path by a host, which answers its command.
  const db = join(tempDir(t, 'mgrkit-new-db-'), 'db');
  const host = spawn(
    process.execPath,
    [BIN, 'run', '--source', WHOLE_TRACE, '--speed', 'max', '--db', db, '--module-path', mods, '--modules', 'hello'],
    { stdio: 'ignore' },
  );
  try {
    await waitFor('the host to open its socket', () => existsSync(join(db, 'mgr.sock')));
    const status = await waitFor(
      'the module to see the trace',
      async () => {
        const r = await runCli(['cmd', '--db', db, 'hello', 'status', '--format', 'json']);
        return r.code === 0 && JSON.parse(r.stdout).changes === 1 ? JSON.parse(r.stdout) : undefined;
      },
      60_000,
      200,
    );
    assert.deepEqual(status, { greeting: 'hello', health: 'HEALTH_WARN', changes: 1 });
  } finally {
    host.kill('SIGTERM');
    await new Promise((r) => host.once('exit', r));
  }
});
