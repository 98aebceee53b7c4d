import { hash32 } from './rng.ts';

/** A UUID made of keyed hashes: the same for the same key, and shaped like a version-4 UUID. */
export function uuidOf(...key: number[]): string {
  const hex = (i: number) =>
    hash32(key[0] ?? 0, key[1] ?? 0, key[2] ?? 0, i)
      .toString(16)
      .padStart(8, '0');
  const a = hex(1) + hex(2) + hex(3) + hex(4);
  return `${a.slice(0, 8)}-${a.slice(8, 12)}-4${a.slice(13, 16)}-a${a.slice(17, 20)}-${a.slice(20, 32)}`;
}
