import { constants } from 'node:os';
import { errnoName, MgrError } from '../errors.ts';

/** The error under what LMDB threw: lmdb-js wraps a failed commit's cause in a rejected `commitError` promise. */
async function cause(e: unknown): Promise<unknown> {
  const inner = (e as { commitError?: unknown } | null)?.commitError;
  if (!(inner instanceof Promise)) return e;
  // Left unawaited, that rejected promise would end the process.
  return cause(
    await inner.then(
      () => e,
      (c: unknown) => c,
    ),
  );
}

function errnoOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return code;
  if (typeof code === 'string') return constants.errno[code as keyof typeof constants.errno];
  return undefined;
}

/**
 * A failed write to the store as the error users see: `MGR_ERR_STORE_NO_SPACE` (-ENOSPC) when the disk is full,
 * `MGR_ERR_STORE_WRITE` (-EIO) otherwise, naming the store. Errors that are already mgrkit's pass through.
 */
export async function storeWriteError(e: unknown, dir: string): Promise<MgrError> {
  if (e instanceof MgrError) return e;
  const c = await cause(e);
  const n = errnoOf(c);
  const name = n === undefined ? undefined : errnoName(n);
  const why = `${c instanceof Error ? c.message : String(c)}${name ? ` (${name})` : ''}`;
  return new MgrError(
    n === constants.errno.ENOSPC ? 'MGR_ERR_STORE_NO_SPACE' : 'MGR_ERR_STORE_WRITE',
    `cannot write the store ${dir}: ${why}`,
    { file: dir },
  );
}
