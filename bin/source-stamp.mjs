// Whether dist/ was compiled from exactly the sources in this tree. The stamp is a hash of every file's and folder's
// path, size and modification time under src/ and schemas/ (and the two tsconfig files), taken by the build before it
// compiles. Stat-ing ~300 entries costs a few milliseconds, where reading and hashing every source would cost more;
// comparing for equality (not "older than") also catches an edit that set a file's time back, and a folder's time
// changes when a file in it is added, removed or renamed.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the build writes the stamp of the sources it compiled, relative to the package root. */
export const STAMP_FILE = join('dist', '.source-stamp');

const TREES = ['src', 'schemas'];
const FILES = ['tsconfig.json', 'tsconfig.build.json'];

function entry(root, rel) {
  const s = statSync(join(root, rel), { throwIfNoEntry: false });
  return s === undefined ? `${rel} -` : `${rel} ${s.isDirectory() ? 'd' : s.size} ${s.mtimeMs}`;
}

/** The stamp of the sources under `root` (a path or file URL) as they are now. */
export function sourceStamp(root) {
  const dir = typeof root === 'string' ? root : fileURLToPath(root);
  const lines = [];
  for (const tree of TREES) {
    lines.push(entry(dir, tree));
    if (!existsSync(join(dir, tree))) continue;
    for (const rel of readdirSync(join(dir, tree), { recursive: true })) lines.push(entry(dir, join(tree, rel)));
  }
  for (const f of FILES) lines.push(entry(dir, f));
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/** True when `root`'s dist/ holds a finished build of the sources exactly as they are now. */
export function distIsCurrent(root) {
  const dir = typeof root === 'string' ? root : fileURLToPath(root);
  let stamp;
  try {
    stamp = readFileSync(join(dir, STAMP_FILE), 'utf8').trim();
  } catch {
    return false;
  }
  return stamp === sourceStamp(dir);
}
