import { type ErrorCode, formatPath, type MgrError } from '../errors.ts';

/** A line of input that was not accepted, as data: where it was, why, and under which stable code. */
export interface Rejection {
  readonly file: string;
  readonly line: number;
  readonly code: ErrorCode;
  /** The field path inside the event, starting at its kind: `['osd_map', 'patch', 3, 'path']`. */
  readonly path: ReadonlyArray<string | number>;
  readonly reason: string;
}

/** The one way a rejection is shown: `trace.jsonl:42: osd_map.patch[3].path: no such key "/osds/7"`. */
export function formatRejection(r: Rejection): string {
  const where = formatPath(r.path);
  return `${r.file}:${r.line}: ${where === '' ? '' : `${where}: `}${r.reason}`;
}

/** The rejection of an event the fold refused, placed at its trace line. */
export function rejectionFromError(error: MgrError, file: string, line: number, kind: string): Rejection {
  return { file, line, code: error.code, path: [kind, ...(error.place.path ?? [])], reason: error.message };
}
