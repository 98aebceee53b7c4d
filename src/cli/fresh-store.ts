import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** What was at a store's place before a command ran. */
export interface StoreBefore {
  readonly dir: boolean;
  readonly store: boolean;
}

export function storeBefore(db: string): StoreBefore {
  return { dir: existsSync(db), store: existsSync(join(db, 'store.mdb')) };
}

async function journalIsEmpty(db: string): Promise<boolean> {
  // Imported here: the CLI's entry imports this file, and most commands never open a store.
  const { Store } = await import('../store/store.ts');
  const store = Store.open(db, { readOnly: true });
  try {
    return store.lastSeq() === 0;
  } finally {
    void store.close();
  }
}

/**
 * Removes the store a failed command created, when it holds no event: a replay or run that failed at its start leaves
 * nothing behind. A store that was there before, or that took events, is kept whatever happened.
 */
export async function discardEmptyStore(db: string, before: StoreBefore): Promise<void> {
  if (before.store || !existsSync(join(db, 'store.mdb'))) return;
  try {
    if (!(await journalIsEmpty(db))) return;
    rmSync(join(db, 'store.mdb'), { force: true });
    rmSync(join(db, 'store.mdb-lock'), { force: true });
    if (before.dir) return;
    rmSync(join(db, 'mgr.log'), { force: true });
    rmSync(join(db, 'writer.json'), { force: true });
    if (readdirSync(db).length === 0) rmdirSync(db);
  } catch {
    // Cleaning up is a courtesy: the error that brought us here is the one to report.
  }
}
