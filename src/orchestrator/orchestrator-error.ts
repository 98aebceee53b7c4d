import { type ErrorCode, MgrError } from '../errors.ts';

/** The codes an orchestrator's errors carry. */
export type OrchErrorCode = Extract<ErrorCode, `MGR_ERR_ORCH_${string}`>;

/**
 * An orchestrator's failure, as Ceph's `OrchestratorError`: a message and an errno (EINVAL unless given), which the
 * `orch` commands return as `-errno`. `errno` is positive here, as every `MgrError`'s is.
 *
 * @example
 * ```ts
 * throw new OrchestratorError(`Unknown host ${name}`, constants.errno.ENOENT);
 * ```
 */
export class OrchestratorError extends MgrError {
  constructor(message: string, errno?: number, code: OrchErrorCode = 'MGR_ERR_ORCH_FAILED') {
    super(code, message);
    this.name = 'OrchestratorError';
    // Ceph's errno argument is negative (`-errno.ENOENT`); either sign means the same error.
    if (errno !== undefined) (this as { errno: number }).errno = Math.abs(errno);
  }
}

/** No backend is set: Ceph's `NoOrchestrator`, -ENOENT with "No orchestrator configured (try `ceph orch set backend`)". */
export class NoOrchestrator extends OrchestratorError {
  constructor(message?: string) {
    super(
      message ?? 'No orchestrator configured (try `ceph orch set backend`)',
      undefined,
      'MGR_ERR_ORCH_NOT_CONFIGURED',
    );
    this.name = 'NoOrchestrator';
  }
}

/** The backend lacks a method of the interface: Ceph's `NotImplementedError`, which the CLI reports as -ENOENT. */
export class OrchNotImplemented extends OrchestratorError {
  readonly method: string;
  constructor(method: string) {
    super(`${method} is not implemented by this orchestrator`, undefined, 'MGR_ERR_ORCH_NOT_IMPLEMENTED');
    this.name = 'OrchNotImplemented';
    this.method = method;
  }
}
