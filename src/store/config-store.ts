import type { Database } from 'lmdb';

/**
 * The host's own settings (`mgr/<module>/<option>`, `mgr_module_path`, `debug_mgr`, ...), read from memory and
 * written through to LMDB: a `set` resolves only once it is committed.
 */
export class ConfigStore {
  private readonly db: Database<string, string> | null;
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<(key: string, value: string | null) => void>();

  /** `db` null keeps settings in memory only (tests, throwaway hosts). */
  constructor(db: Database<string, string> | null) {
    this.db = db;
    if (db) for (const { key, value } of db.getRange()) this.values.set(key, value);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  /** Every setting whose key starts with `prefix`. */
  entries(prefix = ''): Array<[string, string]> {
    return [...this.values].filter(([k]) => k.startsWith(prefix)).sort((a, b) => a[0].localeCompare(b[0]));
  }

  async set(key: string, value: string | null): Promise<void> {
    if (value === null) {
      if (!this.values.has(key)) return;
      await this.db?.remove(key);
      this.values.delete(key);
    } else {
      await this.db?.put(key, value);
      this.values.set(key, value);
    }
    for (const l of this.listeners) l(key, value);
  }

  /** Told of every change after it is committed. */
  subscribe(listener: (key: string, value: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
