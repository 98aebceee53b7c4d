import type { Draft } from 'immer';
import { own } from './data-key.ts';
import { replacedValue } from './reducers/replaced-value.ts';

/**
 * A dictionary of many keys (daemons, PG reporters), split by a hash of the key into {@link TABLE_CHUNKS} chunks,
 * each a small dictionary: a batch copies the chunks it touches, not every key. Each chunk also keeps the order in
 * which each of its keys first came, so that the whole table reads back in insertion order, as the one dictionary
 * it replaces did. Keys are never removed.
 */
export interface KeyedTable<V> {
  /** How many keys the table holds. */
  readonly size: number;
  readonly chunks: ReadonlyArray<TableChunk<V> | null>;
}

export interface TableChunk<V> {
  readonly values: { readonly [key: string]: V };
  /** Each key's place in the table's insertion order. */
  readonly order: { readonly [key: string]: number };
}

/** Chunks per table: at 10,000 keys about 40 keys a chunk. */
export const TABLE_CHUNKS = 256;

/** A table with no key. */
export function emptyTable<V>(): KeyedTable<V> {
  return { size: 0, chunks: new Array<TableChunk<V> | null>(TABLE_CHUNKS).fill(null) };
}

/** The chunk of a key: FNV-1a over its UTF-16 code units. */
export function chunkOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % TABLE_CHUNKS;
}

/** The value at `key`, or `undefined`. */
export function tableGet<V>(table: KeyedTable<V>, key: string): V | undefined {
  const chunk = table.chunks[chunkOf(key)];
  return chunk === null || chunk === undefined ? undefined : own(chunk.values, key);
}

/**
 * In a draft: the value at `key`, as a draft to change in place, or `undefined`. Only the key's chunk is drafted
 * (copied when the value is written), no other chunk.
 */
export function draftTableGet<V>(table: Draft<KeyedTable<V>>, key: string): Draft<V> | undefined {
  const chunk = table.chunks[chunkOf(key)] as Draft<TableChunk<V>> | null | undefined;
  if (chunk === null || chunk === undefined || !Object.hasOwn(chunk.values, key)) return undefined;
  return chunk.values[key] as Draft<V>;
}

/**
 * In a draft, without drafting it: the value at `key` (for a value about to be replaced whole), or `undefined`.
 */
export function heldTableValue<V>(table: Draft<KeyedTable<V>>, key: string): V | undefined {
  // Read through the draft (a proxy, no copy), so that a key set earlier in the batch is seen.
  const chunk = table.chunks[chunkOf(key)] as Draft<TableChunk<V>> | null | undefined;
  if (chunk === null || chunk === undefined || !Object.hasOwn(chunk.values, key)) return undefined;
  return replacedValue<V>(chunk.values, key);
}

/** In a draft: sets `key` to `value`, a new key going last in the table's order. */
export function draftTableSet<V>(table: Draft<KeyedTable<V>>, key: string, value: V): void {
  const at = chunkOf(key);
  if (table.chunks[at] === null) table.chunks[at] = { values: {}, order: {} } as Draft<TableChunk<V>>;
  const chunk = table.chunks[at] as Draft<{ values: Record<string, V>; order: Record<string, number> }>;
  if (!Object.hasOwn(chunk.order, key)) {
    chunk.order[key] = table.size;
    table.size++;
  }
  (chunk.values as Record<string, V>)[key] = value;
}

/** In a draft: the place of `key` (held) in the table's order, read without drafting the order. */
export function draftTableOrder<V>(table: Draft<KeyedTable<V>>, key: string): number {
  const chunk = table.chunks[chunkOf(key)] as object;
  const order = Object.getOwnPropertyDescriptor(chunk, 'order')?.value as { readonly [key: string]: number };
  return order[key]!;
}

const recordMemo = new WeakMap<KeyedTable<unknown>, { readonly [key: string]: unknown }>();
const entriesMemo = new WeakMap<KeyedTable<unknown>, ReadonlyArray<readonly [string, unknown]>>();

/**
 * The table as the one dictionary it stands for (the same keys, in the order that dictionary had: built by
 * inserting the keys in the order they came), frozen; built once per table, so repeated reads of one snapshot are
 * O(1).
 */
export function tableRecord<V>(table: KeyedTable<V>): { readonly [key: string]: V } {
  let v = recordMemo.get(table);
  if (v === undefined) {
    const keys = new Array<string>(table.size);
    for (const chunk of table.chunks) {
      if (chunk === null) continue;
      for (const key of Object.keys(chunk.order)) keys[chunk.order[key]!] = key;
    }
    const out: Record<string, V> = {};
    for (const key of keys) out[key] = tableGet(table, key)!;
    v = Object.freeze(out);
    recordMemo.set(table, v);
  }
  return v as { readonly [key: string]: V };
}

/** Every `[key, value]` in the order of {@link tableRecord}, frozen; built once per table. */
export function tableEntries<V>(table: KeyedTable<V>): ReadonlyArray<readonly [string, V]> {
  let v = entriesMemo.get(table);
  if (v === undefined) {
    v = Object.freeze(Object.entries(tableRecord(table)).map((e) => Object.freeze(e)));
    entriesMemo.set(table, v);
  }
  return v as ReadonlyArray<readonly [string, V]>;
}

/** Every value in the order of {@link tableRecord}. */
export function tableValues<V>(table: KeyedTable<V>): V[] {
  return Object.values(tableRecord(table));
}
