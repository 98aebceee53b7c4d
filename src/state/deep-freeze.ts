/**
 * Freezes `o` and everything under it, stopping at what is already frozen (a frozen object's parts were frozen
 * with it). Data frozen before it enters a draft is not walked again when the snapshot is finalised.
 */
export function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
