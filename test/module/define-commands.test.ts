/**
 * `defineCommands`: a module's `static COMMANDS` type-checks without an annotation, keeping its literal types, and a
 * wrong entry fails where it is written. tsc runs over test/fixtures/types/define-commands.ts, whose
 * `@ts-expect-error` lines must each meet an error; the same file without them must fail on exactly those lines.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { defineCommands } from '../../src/index.ts';
import { tempDir } from '../helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'test/fixtures/types/define-commands.ts');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** tsc over some files with the project's options, `mgrkit` resolving to this checkout's sources. */
function tsc(dir: string, files: string[]): { status: number | null; out: string } {
  const config = join(dir, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        paths: { mgrkit: [join(ROOT, 'src/index.ts')] },
        typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      files,
      include: [],
    }),
  );
  const r = spawnSync(process.execPath, [TSC, '-p', config, '--pretty', 'false'], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const EXPECT = '// @ts-expect-error';

describe('defineCommands', () => {
  it('returns its argument as it is', () => {
    const commands = [{ cmd: 'hello', perm: 'r' }] as const;
    assert.equal(defineCommands(commands), commands);
  });

  it('COMMANDS type-checks without an annotation; without the expectations, tsc fails on each of those lines', (t) => {
    const dir = tempDir(t, 'mgrkit-types-');
    const lines = readFileSync(FIXTURE, 'utf8').split('\n');
    const expected = lines.flatMap((l, i) => (l.trim().startsWith(EXPECT) ? [i + 2] : []));
    assert.ok(expected.length >= 4);
    // The same text with each expectation blanked (so the line numbers stay), as an ES module outside the project.
    const bare = join(dir, 'bare.mts');
    writeFileSync(bare, lines.map((l) => (l.trim().startsWith(EXPECT) ? '//' : l)).join('\n'));
    // One program for both files: tsc's start-up is most of its time.
    const r = tsc(dir, [FIXTURE, bare]);
    assert.doesNotMatch(r.out, /define-commands\.ts\(/, 'the fixture itself compiles');
    const failing = new Set([...r.out.matchAll(/bare\.mts\((\d+),\d+\): error/g)].map((m) => Number(m[1])));
    assert.deepEqual(
      [...failing].sort((a, b) => a - b),
      expected,
      r.out,
    );
  });
});
