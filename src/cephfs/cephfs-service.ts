import type { Rados } from '../rados/rados.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { dfView } from '../state/views/df.ts';
import type { CephFsBackend } from './cephfs-backend.ts';
import { LibCephFS } from './lib-cephfs.ts';
import { RadosFsBackend } from './rados-fs-backend.ts';

/** What the CephFS clients need of the module host. */
export interface CephFsHost {
  /** The module's `this.rados` (a new one after the module restarts). */
  rados(module: string): Rados;
  /** The current state: its file system map and the cluster's capacity. */
  readonly state: ClusterState;
}

/** Makes the backend of a module's client: over RADOS unless the source brings its own (a real cluster's). */
export type CephFsBackendFactory = (module: string) => CephFsBackend;

/**
 * The host's side of `this.cephfs`: one client per module, made on first use and shut down when the module stops.
 * By default each works on the file system kept in RADOS through the module's own `this.rados`, all of them under
 * one lock, as one MDS would serialise them.
 */
export class CephFsService {
  private readonly clients = new Map<string, LibCephFS>();
  private readonly makeBackend: CephFsBackendFactory;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(host: CephFsHost, makeBackend?: CephFsBackendFactory) {
    this.makeBackend =
      makeBackend ??
      ((module) =>
        new RadosFsBackend({
          rados: () => host.rados(module),
          fsMap: () => host.state.maps.fs_map?.map,
          exclusive: (fn) => this.exclusive(fn),
          capacity: () => {
            const df = dfView(host.state);
            return { total: df?.stats.total_bytes ?? 0, free: df?.stats.total_avail_bytes ?? 0 };
          },
          now: () => Date.now(),
        }));
  }

  /** The module's client, made on first use. */
  clientFor(module: string): LibCephFS {
    let client = this.clients.get(module);
    if (client === undefined) {
      client = new LibCephFS(this.makeBackend(module));
      this.clients.set(module, client);
    }
    return client;
  }

  /** Shuts a module's client down; the next `clientFor` makes a new one. */
  closeModule(module: string): void {
    void this.clients.get(module)?.shutdown();
    this.clients.delete(module);
  }

  /** Runs `fn` once every call before it has settled, and before any after it starts. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => fn());
    this.tail = run.catch(() => undefined);
    return run;
  }
}
