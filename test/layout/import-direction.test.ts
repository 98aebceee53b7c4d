/**
 * The import-direction check (`npm run check:imports`, dependency-cruiser with .dependency-cruiser.cjs): the real tree
 * passes it, and a copy of the tree with one import against the direction (state → host) or one file cycle fails it,
 * naming the rule. The probes go into a copy in a temporary folder, never into the repository.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { tempDir } from '../helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** Runs the check as `npm run check:imports` does, in `cwd`: its exit code (the number of errors) and its report. */
function check(cwd: string): { status: number | null; report: string } {
  const r = spawnSync(
    process.execPath,
    [DEPCRUISE, 'src', 'schemas', 'modules', '--config', '.dependency-cruiser.cjs'],
    {
      cwd,
      // CI may force colour on; the report is read as text
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return { status: r.status, report: stripVTControlCharacters(`${r.stdout}${r.stderr}`) };
}

/** A copy of what the check reads, to add probe files to. */
function copyOfTree(t: { after: (fn: () => void) => void }): string {
  const dir = tempDir(t, 'mgrkit-imports-');
  for (const p of ['src', 'schemas', 'modules', 'package.json', 'tsconfig.json', '.dependency-cruiser.cjs']) {
    cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('import direction', () => {
  it('the tree has no import against the direction and no file cycle', () => {
    const { status, report } = check(ROOT);
    assert.match(report, /no dependency violations found/);
    assert.equal(status, 0, report);
  });

  it('fails on an import from state/ up to host/, and on a cycle of two files', (t) => {
    const dir = copyOfTree(t);
    writeFileSync(
      join(dir, 'src/state/upstream-probe.ts'),
      "import { MgrHost } from '../host/host.ts';\n\nexport const probe = MgrHost;\n",
    );
    writeFileSync(
      join(dir, 'src/commands/probe-a.ts'),
      "import { b } from './probe-b.ts';\n\nexport const a = () => b;\n",
    );
    writeFileSync(
      join(dir, 'src/commands/probe-b.ts'),
      "import { a } from './probe-a.ts';\n\nexport const b = () => a;\n",
    );
    const { status, report } = check(dir);
    assert.match(report, /error upstream-from-state: src\/state\/upstream-probe\.ts → src\/host\/host\.ts/);
    assert.match(
      report,
      /error no-circular: src\/commands\/probe-a\.ts → \s*src\/commands\/probe-b\.ts →\s*src\/commands\/probe-a\.ts/,
    );
    // the upstream import, and the cycle (once)
    assert.match(report, /x 2 dependency violations \(2 errors, 0 warnings\)/);
    assert.equal(status, 2, report);
  });
});
