import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.ts';

/** The recorder's Python package, run here by `python3` outside ceph-mgr. */
export const RECORDER = join(ROOT, 'recorder', 'mgrkit_recorder');

/** Why the recorder's Python cannot run here, or false when `python3` can: a test's `skip`. */
export const PYTHON3_MISSING: string | false = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'python3 is not installed';
  }
})();
