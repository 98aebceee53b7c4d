import { forbiddenKeyMessage, isForbiddenKey } from '../../schemas/data-key.ts';
import { MgrError } from '../errors.ts';

/**
 * An event's string about to become a key of the state, refused if it names the prototype chain. The edge rejects
 * these already; the fold checks again because it also folds what the edge never saw (the journal of an older
 * version, a module's own events), and a stored state cannot hold such a key as data (the store's decoder turns an
 * own `__proto__` into a prototype).
 */
export function dataKey(key: string, path: ReadonlyArray<string | number>): string {
  if (isForbiddenKey(key)) throw new MgrError('MGR_ERR_FOLD_FORBIDDEN_KEY', forbiddenKeyMessage(key), { path });
  return key;
}

/**
 * The entry at `key` only if the object holds it itself: a key from input is data, and `o[key]` would also answer
 * for `toString` or `hasOwnProperty` with what every object inherits (and a write through it would change that).
 */
export function own<T>(o: { readonly [key: string]: T }, key: string): T | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}
