/**
 * The README's "Testing a module" example is examples/modules/hello/hello.test.ts, word for word, and it passes when
 * run as a module author runs it (tsc checks it with the rest of the tree).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../helpers.ts';

const EXAMPLE = join(ROOT, 'examples/modules/hello/hello.test.ts');

it('the README shows examples/modules/hello/hello.test.ts as it is', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Testing a module'));
  assert.ok(section.includes(`\`\`\`ts\n${readFileSync(EXAMPLE, 'utf8')}\`\`\`\n`));
});

it('the example passes, run with node --test as a module author runs it', () => {
  // Not as a child of this test runner, which would take its results instead of printing them.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', EXAMPLE], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^# pass 1$/m);
  assert.match(r.stdout, /^# fail 0$/m);
});
