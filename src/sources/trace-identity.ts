import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const HEAD_BYTES = 64 * 1024;

/**
 * A trace's identity for resuming: the sha-256 of its first 64 KiB. A trace that grew (a recording still being
 * written) keeps its identity, so a re-run picks up after the last line it applied; a moved file does too.
 */
export async function traceIdentity(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return createHash('sha256').update(buf.subarray(0, bytesRead)).digest('hex').slice(0, 32);
  } finally {
    await fh.close();
  }
}
