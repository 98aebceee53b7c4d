import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MgrModule, MgrStandbyModule } from '../../src/index.ts';
import { ROOT } from '../helpers.ts';

const doc = readFileSync(join(ROOT, 'docs', 'mgr-module-parity.md'), 'utf8');

/** The table rows between two headings: [name, implemented]. */
function rows(from: string, to: string): Array<[string, boolean]> {
  const part = doc.slice(doc.indexOf(from), doc.indexOf(to));
  return part
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => [/^\| `([^`]+)`/.exec(l)![1]!, l.includes('| ✓ |')]);
}

// The constructor itself, or set per instance (the log options are the module's options, not attributes).
const PER_INSTANCE = new Set(['__init__', 'module_name', 'log', 'log_to_file', 'log_to_cluster']);

function has(Cls: object, name: string): boolean {
  return PER_INSTANCE.has(name) || name in Cls || name in (Cls as { prototype: object }).prototype;
}

describe('docs/mgr-module-parity.md', () => {
  const mm = rows('## MgrModule', "### mgrkit's own");
  const sb = rows('## MgrStandbyModule', '## Later than Reef');

  it('marks implemented only what the classes have, and not implemented what they lack', () => {
    for (const [Cls, table] of [
      [MgrModule, mm],
      [MgrStandbyModule, sb],
    ] as const) {
      for (const [name, done] of table) {
        assert.equal(has(Cls, name), done, `${Cls.name}.${name}: the table says ${done ? '' : 'not '}implemented`);
      }
    }
  });

  it('gives the counts of its tables, and the README links it with them', () => {
    const count = (t: Array<[string, boolean]>) => `${t.filter(([, d]) => d).length} of ${t.length}`;
    const line = `**MgrModule: ${count(mm)} implemented. MgrStandbyModule: ${count(sb)} implemented.**`;
    assert.ok(doc.includes(line), line);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, new RegExp(`\\(docs/mgr-module-parity\\.md\\)[^\\n]*${count(mm)}`));
  });
});
