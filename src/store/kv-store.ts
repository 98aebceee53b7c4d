import { MgrError } from '../errors.ts';
import { StringStore } from './string-store.ts';

/**
 * The config-key store (`config-key get|set|...`, and modules' `get_store`/`set_store` under `mgr/<module>/`).
 * Values are strings, as in Ceph: anything else is a typed error.
 */
export class KvStore extends StringStore {
  override async set(key: string, value: unknown): Promise<void> {
    if (value !== null && value !== undefined && typeof value !== 'string') {
      throw new MgrError(
        'MGR_ERR_STORE_NOT_STRING',
        `value for "${key}" is a ${typeof value}; store values are strings`,
      );
    }
    await super.set(key, value ?? null);
  }
}
