import { statSync } from 'node:fs';
import { join } from 'node:path';
import { MgrError } from '../errors.ts';
import { Store } from '../store/store.ts';

/** Opens a store that must already be there, read-only, for the subcommands that only read one. */
export function openExisting(db: string): Store {
  try {
    statSync(join(db, 'store.mdb'));
  } catch (e) {
    // Only a store that is not there is "no store"; one that cannot be read is reported as such.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw e;
    throw new MgrError('MGR_ERR_STORE_NO_STATE', `no store at ${db} (fill one with: mgrkit replay TRACE --db ${db})`);
  }
  return Store.open(db, { readOnly: true });
}
