import { createHash } from 'node:crypto';
import { writeCanonical } from './canonical-json.ts';

/**
 * Leaf hashes by the first object of a part (a map entry, a table chunk, the first bucket held in a PG part), each
 * with the objects the part was made of: a part is unchanged while every one of them is the same frozen object.
 */
const leaves = new WeakMap<object, Array<{ readonly refs: readonly unknown[]; readonly leaf: string }>>();

function sameRefs(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function keyOf(refs: readonly unknown[]): object | undefined {
  for (const r of refs) if (r !== null && typeof r === 'object') return r;
  return undefined;
}

/** The leaf hash known for a part made of `refs`, or `undefined`. */
export function knownLeaf(refs: readonly unknown[]): string | undefined {
  const key = keyOf(refs);
  if (key === undefined) return undefined;
  for (const e of leaves.get(key) ?? []) if (sameRefs(e.refs, refs)) return e.leaf;
  return undefined;
}

/** Records the leaf hash of a part made of `refs` (read from a store, or just computed). */
export function rememberLeaf(refs: readonly unknown[], leaf: string): void {
  const key = keyOf(refs);
  if (key === undefined) return;
  let list = leaves.get(key);
  if (list === undefined) {
    list = [];
    leaves.set(key, list);
  }
  // A bucket is the key of one part only; a few versions are kept for the states alive at once.
  if (list.length >= 4) list.shift();
  list.push({ refs, leaf });
}

/** sha-256 (hex) of the canonical JSON of `content`. */
export function leafHash(content: unknown): string {
  const hash = createHash('sha256');
  writeCanonical(content, hash);
  return hash.digest('hex');
}

/** sha-256 (hex) of a text (UTF-8): the leaf of a part hashed as the JSON text it is stored as. */
export function textLeaf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
