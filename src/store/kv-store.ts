import type { Database } from 'lmdb';
import { MgrError } from '../errors.ts';

/**
 * The config-key store (`config-key get|set|...`, and modules' `get_store`/`set_store` under `mgr/<module>/`):
 * string values read from memory, written through to LMDB; a write resolves once committed.
 */
export class KvStore {
  private readonly db: Database<string, string> | null;
  private readonly values = new Map<string, string>();

  constructor(db: Database<string, string> | null) {
    this.db = db;
    if (db) for (const { key, value } of db.getRange()) this.values.set(key, value);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** Every key starting with `prefix`, sorted, with its value. */
  entries(prefix = ''): Array<[string, string]> {
    return [...this.values]
      .filter(([k]) => k.startsWith(prefix))
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  async set(key: string, value: unknown): Promise<void> {
    if (value === null || value === undefined) {
      await this.db?.remove(key);
      this.values.delete(key);
      return;
    }
    if (typeof value !== 'string') {
      throw new MgrError(
        'MGR_ERR_STORE_NOT_STRING',
        `value for "${key}" is a ${typeof value}; store values are strings`,
      );
    }
    await this.db?.put(key, value);
    this.values.set(key, value);
  }
}
