import { constants } from 'node:fs';
import { OperationNotSupported } from './cephfs-errors.ts';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC } = constants;

/** What `open` takes as flags: python-cephfs's mode string (`'r'`, `'w'`, `'r+'`, `'w+'`, ...) or `os.O_*` bits. */
export type OpenFlags = string | number;

/**
 * python-cephfs's reading of `open`'s flags: an integer is taken as it is; in a string, `r` reads, `w` writes
 * (creating and truncating), and `+` after either reads and writes. So `'rw'` writes only, as python-cephfs has it,
 * and `'a'` (or any other character) is refused with EOPNOTSUPP, as python-cephfs refuses it.
 */
export function parseOpenFlags(flags: OpenFlags): number {
  if (typeof flags === 'number') return flags;
  if (flags === '') return O_RDONLY;
  let access = 0;
  let bits = 0;
  for (const c of flags) {
    if (c === 'r') access = 1;
    else if (c === 'w') {
      access = 2;
      bits |= O_TRUNC | O_CREAT;
    } else if (access > 0 && c === '+') access = 3;
    else throw new OperationNotSupported(`open flags doesn't support ${c}`);
  }
  return bits | (access === 1 ? O_RDONLY : access === 2 ? O_WRONLY : O_RDWR);
}
