import { MgrError } from '../errors.ts';
import { NoOrchestrator, type OrchErrorCode, OrchestratorError, OrchNotImplemented } from './orchestrator-error.ts';

/** An exception carried in an {@link OrchResult}: plain data, so it survives `remote()`'s copy. */
export interface OrchException {
  readonly name: string;
  readonly code: string;
  readonly errno: number;
  readonly message: string;
  /** The interface method, for a not-implemented one. */
  readonly method?: string;
}

/**
 * What every orchestrator method answers, as Ceph's `OrchResult`: the value, or the exception that stopped it. It is
 * plain data, so a backend's errors reach the `orch` commands through `remote()` with their errno intact.
 */
export interface OrchResult<T> {
  readonly result: T | null;
  readonly exception: OrchException | null;
}

/** A successful result. */
export function orchOk<T>(result: T): OrchResult<T> {
  return { result, exception: null };
}

/** A failed result carrying `err` (a non-`MgrError` becomes an EINVAL `OrchestratorError`). */
export function orchFailed<T = never>(err: unknown): OrchResult<T> {
  const message = err instanceof Error ? err.message : String(err);
  const e = err instanceof MgrError ? err : new OrchestratorError(message);
  const method = e instanceof OrchNotImplemented ? { method: e.method } : {};
  return { result: null, exception: { name: e.name, code: e.code, errno: e.errno, message, ...method } };
}

/**
 * Runs `fn` and answers its value as an {@link OrchResult}, or the exception it threw: Ceph's `@handle_orch_error`.
 *
 * @example
 * ```ts
 * get_hosts() { return handleOrchError(() => this.hosts.map((h) => ({ hostname: h, addr: h, labels: [], status: '' }))); }
 * ```
 */
export async function handleOrchError<T>(fn: () => T | Promise<T>): Promise<OrchResult<T>> {
  try {
    return orchOk(await fn());
  } catch (e) {
    return orchFailed<T>(e);
  }
}

/** The value of `r`, or its exception thrown again as the typed error it was (Ceph's `raise_if_exception`). */
export function raiseIfException<T>(r: OrchResult<T>): T {
  const x = r.exception;
  if (x === null) return r.result as T;
  if (x.code === 'MGR_ERR_ORCH_NOT_IMPLEMENTED') throw new OrchNotImplemented(x.method ?? 'this method');
  if (x.code === 'MGR_ERR_ORCH_NOT_CONFIGURED') throw new NoOrchestrator(x.message);
  const code = (x.code.startsWith('MGR_ERR_ORCH_') ? x.code : 'MGR_ERR_ORCH_FAILED') as OrchErrorCode;
  throw new OrchestratorError(x.message, x.errno, code);
}
