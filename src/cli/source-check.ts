import { constants, existsSync, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MgrError } from '../errors.ts';
import { parseSimSpec } from '../sources/sim-source.ts';

const KINDS = 'a trace file, sim:..., follow:FILE or listen:ADDR';

/** What an errno means to someone who typed a path. */
function reason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return (e as Error).message;
  }
}

/**
 * Checks that `mgrkit run --source SPEC` can start, before anything is created or served: a trace file must be a
 * readable file, `sim:` must parse, `follow:` must name a file in a folder that exists (the file itself may come
 * later), and anything else that looks like `scheme:...` is not a source. `listen:` is checked by binding.
 */
export async function checkSource(spec: string): Promise<void> {
  if (spec.startsWith('sim:')) {
    parseSimSpec(spec);
    return;
  }
  if (spec.startsWith('listen:')) return;
  if (spec.startsWith('follow:')) {
    const file = spec.slice('follow:'.length);
    const folder = dirname(resolve(file));
    if (file === '' || !existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new MgrError('MGR_ERR_TRACE_OPEN', `cannot follow ${file || '""'}: no such folder ${folder}`, { file });
    }
    return;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec) && !existsSync(spec)) {
    throw new MgrError('MGR_ERR_SOURCE_UNKNOWN', `unknown source "${spec}" (expected ${KINDS})`);
  }
  try {
    // Not opened here: a named pipe would block until its writer came.
    await access(spec, constants.R_OK);
    if (statSync(spec).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    throw new MgrError('MGR_ERR_TRACE_OPEN', `cannot read the trace ${spec}: ${reason(e)}`, { file: spec });
  }
}
