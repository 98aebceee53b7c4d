import { type Draft, isDraft, original } from 'immer';

/**
 * The value at `key` of a draft, for a part of the state that is only ever replaced, never changed in place: read
 * through the property descriptor, which the draft answers from its current copy without making a draft of the
 * value (a plain read would wrap it in a proxy and copy its parent, for a value that is about to be replaced).
 */
export function replacedValue<T>(parent: object, key: PropertyKey): T | undefined {
  const v = Object.getOwnPropertyDescriptor(parent, key)?.value as T | undefined;
  return isDraft(v) ? (original(v as Draft<T>) as T) : v;
}
