import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import type { LeaseBucket } from './leader-lease.ts';

/** The lease's view of a JetStream KV bucket. */
export function leaseBucket(kv: KV, logger: Logger): LeaseBucket {
  // Losing the race for the lease is the lease's business; anything else is worth a line (once in a while: a
  // standby asks ten times a second).
  let warnedAt = 0;
  const unexpected = (e: unknown) => {
    if (/wrong last sequence/i.test((e as Error).message) || Date.now() - warnedAt < 5000) return;
    warnedAt = Date.now();
    logger.warn({ err: e }, 'taking the lease failed');
  };
  return {
    create: (key, value) =>
      kv.create(key, value).catch((e: unknown) => {
        unexpected(e);
        throw e;
      }),
    update: (key, value, revision) => kv.update(key, value, revision),
    delete: (key, options) => kv.delete(key, options),
    get: async (key) => {
      const e = await kv.get(key);
      return e === null ? null : { value: e.string(), revision: e.revision, deleted: e.operation !== 'PUT' };
    },
  };
}
