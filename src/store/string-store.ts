import type { StringTable } from './store.ts';

/**
 * Strings by key, read from memory and written through to one LMDB database: a `set` resolves only once it is
 * committed, so what it wrote survives a crash right after. Listeners hear of each change after the commit.
 */
export class StringStore {
  private readonly db: StringTable | null;
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<(key: string, value: string | null) => void>();

  /** `db` null keeps the values in memory only (tests, throwaway hosts). */
  constructor(db: StringTable | null) {
    this.db = db;
    if (db) for (const { key, value } of db.getRange()) this.values.set(key, value);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  /** Every key starting with `prefix`, with its value, sorted by key as Ceph sorts strings (by code unit). */
  entries(prefix = ''): Array<[string, string]> {
    return [...this.values]
      .filter(([k]) => k.startsWith(prefix))
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** Stores a value, or with null removes the key. */
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
