import { gunzipSync, gzipSync } from 'node:zlib';
import type { ObjectStore } from '@nats-io/obj';
import { type ClusterState, STATE_FORMAT } from '../state/cluster-state.ts';
import { deepFreeze } from '../state/deep-freeze.ts';

const NAME = 'state';

/**
 * The newest state snapshot of an event log, beside the stream in a JetStream object store: a manager that joins
 * far behind starts from it instead of folding the whole history. Only the active manager writes it; the object
 * store replaces the previous one.
 */
export class LogSnapshots {
  private readonly objects: ObjectStore;

  constructor(objects: ObjectStore) {
    this.objects = objects;
  }

  /** Stores `state` (gzip'd JSON) as the newest snapshot. */
  async put(state: ClusterState): Promise<void> {
    const body = gzipSync(JSON.stringify(state), { level: 1 });
    await this.objects.putBlob({ name: NAME, description: `seq ${state.seq}` }, body);
  }

  /** The seq of the newest snapshot, without reading it (0 when there is none). */
  async newestSeq(): Promise<number> {
    const info = await this.objects.info(NAME);
    const m = info === null || info.deleted ? null : /^seq (\d+)$/.exec(info.description ?? '');
    return m ? Number(m[1]) : 0;
  }

  /** The newest snapshot in this code's state format, deeply frozen, or null. */
  async newest(): Promise<ClusterState | null> {
    const body = await this.objects.getBlob(NAME);
    if (body === null) return null;
    const state = JSON.parse(gunzipSync(body).toString('utf8')) as ClusterState;
    return state.format === STATE_FORMAT ? deepFreeze(state) : null;
  }
}
