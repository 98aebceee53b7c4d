import type { KeyedTable, TableChunk } from '../keyed-table.ts';

/** A value of a table and what was derived from it. */
export interface Derived<V, R> {
  readonly value: V;
  readonly derived: R;
}

/**
 * Something derived from each value of a {@link KeyedTable}, kept per chunk: a chunk a new snapshot shares with the
 * one before gives back its map as it was, and a chunk that changed derives anew only the values that are other
 * objects than in the last chunk seen at its place. One lookup per chunk, not per key.
 */
export class ChunkDerived<V extends object, R> {
  private readonly memo = new WeakMap<TableChunk<V>, ReadonlyMap<string, Derived<V, R>>>();
  private readonly lastAt: (ReadonlyMap<string, Derived<V, R>> | undefined)[] = [];

  constructor(private readonly derive: (value: V, key: string) => R) {}

  /** By chunk index: each key's value and derived value (null for an empty chunk). */
  chunks(table: KeyedTable<V>): (ReadonlyMap<string, Derived<V, R>> | null)[] {
    return table.chunks.map((chunk, i) => (chunk === null ? null : this.chunk(chunk, i)));
  }

  private chunk(chunk: TableChunk<V>, at: number): ReadonlyMap<string, Derived<V, R>> {
    let m = this.memo.get(chunk);
    if (m === undefined) {
      const before = this.lastAt[at];
      const out = new Map<string, Derived<V, R>>();
      for (const key of Object.keys(chunk.values)) {
        const value = chunk.values[key]!;
        const held = before?.get(key);
        out.set(key, held !== undefined && held.value === value ? held : { value, derived: this.derive(value, key) });
      }
      m = out;
      this.memo.set(chunk, m);
    }
    this.lastAt[at] = m;
    return m;
  }
}
