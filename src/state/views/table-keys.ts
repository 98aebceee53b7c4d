import type { KeyedTable } from '../keyed-table.ts';

/** The keys of a {@link KeyedTable}: in insertion order and in string order, each with its chunk's index. */
export interface TableKeys {
  /** Keys in the table's insertion order (the order of `tableRecord`). */
  readonly inOrder: readonly string[];
  readonly inOrderChunks: Uint16Array;
  /** Keys in string (UTF-16 code unit) order. */
  readonly sorted: readonly string[];
  readonly sortedChunks: Uint16Array;
}

const byTable = new WeakMap<KeyedTable<unknown>, TableKeys>();
let last: { orders: readonly unknown[]; keys: TableKeys } | undefined;

/**
 * The keys of `table`. A chunk's `order` record is replaced only when a key is added to it, so while every chunk
 * has the same `order` as at the last call, the key lists are those of the last call: a new snapshot of a table
 * whose values alone changed costs a walk over its chunks.
 */
export function tableKeys<V>(table: KeyedTable<V>): TableKeys {
  let v = byTable.get(table);
  if (v !== undefined) return v;
  const orders = table.chunks.map((c) => c?.order ?? null);
  if (last !== undefined && last.orders.length === orders.length && orders.every((o, i) => o === last!.orders[i])) {
    v = last.keys;
  } else {
    v = build(table);
    last = { orders, keys: v };
  }
  byTable.set(table, v);
  return v;
}

function build<V>(table: KeyedTable<V>): TableKeys {
  const inOrder = new Array<string>(table.size);
  const inOrderChunks = new Uint16Array(table.size);
  table.chunks.forEach((chunk, i) => {
    if (chunk === null) return;
    for (const key of Object.keys(chunk.order)) {
      const at = chunk.order[key]!;
      inOrder[at] = key;
      inOrderChunks[at] = i;
    }
  });
  const places = inOrder.map((_, i) => i).sort((a, b) => (inOrder[a]! < inOrder[b]! ? -1 : 1));
  return Object.freeze({
    inOrder: Object.freeze(inOrder),
    inOrderChunks,
    sorted: Object.freeze(places.map((i) => inOrder[i]!)),
    sortedChunks: Uint16Array.from(places, (i) => inOrderChunks[i]!),
  });
}
