import { readFileSync, statSync } from 'node:fs';
import { MgrError } from '../errors.ts';

/** Fewer bytes than this are too easily guessed. */
const MIN_SECRET_BYTES = 16;

/**
 * The bridge's shared secret from `path` (its text, surrounding white space dropped): the file must be readable by
 * its owner only (mode 0600 or 0400), as ssh requires of a key, and hold at least 16 bytes. The same secret is kept
 * in the cluster's `config-key` (`mgr/mgrkit_recorder/secret`), where the recorder reads it.
 */
export function readBridgeSecret(path: string): Buffer {
  let mode: number;
  let text: string;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8').trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MgrError(
      'MGR_ERR_BRIDGE_SECRET',
      `cannot read the bridge secret ${path}: ${code ?? (e as Error).message}`,
    );
  }
  if ((mode & 0o077) !== 0) {
    throw new MgrError(
      'MGR_ERR_BRIDGE_SECRET',
      `the bridge secret ${path} is readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 ${path}`,
    );
  }
  const secret = Buffer.from(text, 'utf8');
  if (secret.length < MIN_SECRET_BYTES) {
    throw new MgrError(
      'MGR_ERR_BRIDGE_SECRET',
      `the bridge secret ${path} holds ${secret.length} bytes; use at least ${MIN_SECRET_BYTES} (openssl rand -hex 32)`,
    );
  }
  return secret;
}
