import { isEntityName } from '../commands/entity-name.ts';
import { errorResult } from '../commands/result.ts';
import { type ErrorCode, MgrError } from '../errors.ts';
import { parseWireJson } from './wire-json.ts';

/** A command dict is two levels deep inside its envelope; anything far deeper is refused before it is looked at. */
export const MAX_REQUEST_DEPTH = 32;

/** One request as it arrives: the command dict, the `-i` input, and who sends it. */
export interface AdminRequest {
  readonly cmd: unknown;
  readonly inbuf: string;
  readonly entity: string;
}

/** The reply to one request, as one JSON line. */
export interface AdminReply {
  retval: number;
  stdout: string;
  stderr: string;
}

/** A registry error as a reply. */
export function errorReply(code: ErrorCode, detail: string): AdminReply {
  const [retval, stdout, stderr] = errorResult(new MgrError(code, detail));
  return { retval, stdout, stderr };
}

/**
 * Reads a request line: a Ceph-style command dict (`{"prefix": ..., ...}`) from `client.admin`, or an envelope
 * `{"cmd": {...}, "inbuf": "...", "entity": "client.x"}`. The JSON may carry Python's `NaN`/`Infinity` and exact
 * integers past 2^53 (see wire-json.ts).
 */
export function parseRequest(line: string, maxDepth: number = MAX_REQUEST_DEPTH): AdminRequest | AdminReply {
  const parsed = parseWireJson(line, maxDepth);
  if (!parsed.ok) {
    return parsed.reason === 'depth'
      ? errorReply('MGR_ERR_REQUEST_TOO_DEEP', `malformed request: ${parsed.message}`)
      : errorReply('MGR_ERR_REQUEST_MALFORMED', `malformed request: ${parsed.message}`);
  }
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return errorReply('MGR_ERR_REQUEST_MALFORMED', 'malformed request: expected a JSON object');
  }
  const v = value as Record<string, unknown>;
  if ('prefix' in v) return { cmd: v, inbuf: '', entity: 'client.admin' };
  if (typeof v.cmd !== 'object' || v.cmd === null) {
    return errorReply('MGR_ERR_REQUEST_MALFORMED', 'malformed request: needs "prefix", or "cmd" holding one');
  }
  if (v.inbuf !== undefined && typeof v.inbuf !== 'string') {
    return errorReply('MGR_ERR_REQUEST_MALFORMED', 'malformed request: "inbuf" is not a string');
  }
  // No entity means the default name, as for Ceph's CLI; a given one must be a name, or it would pick someone's caps
  if (v.entity !== undefined && !isEntityName(v.entity)) {
    return errorReply('MGR_ERR_REQUEST_ENTITY', 'invalid entity: expected a name of the form TYPE.ID (client.admin)');
  }
  return {
    cmd: v.cmd,
    inbuf: (v.inbuf as string | undefined) ?? '',
    entity: (v.entity as string | undefined) ?? 'client.admin',
  };
}
