import type { ClusterCommander, ClusterReply, CommandTarget } from '../cluster/cluster-commander.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import type { Store } from '../store/store.ts';
import type { MonitorLink } from './monitor-wait.ts';
import type { ObjectBackend } from './object-backend.ts';
import { ObjectStore } from './object-store.ts';
import { Rados } from './rados.ts';
import type { RadosBinding, RadosPool } from './rados-binding.ts';

/** What the RADOS clients need of the module host. */
export interface RadosHost {
  readonly mgrId: string;
  readonly state: ClusterState;
  readonly liveness: MonitorLink;
  sendCommand(target: CommandTarget, cmd: Readonly<Record<string, unknown>>, inbuf: string): Promise<ClusterReply>;
  command(
    request: unknown,
    caller: { readonly entity: string; readonly caps: string; readonly inbuf: string },
  ): Promise<[number, string, string]>;
  configValue(key: string): string | undefined;
}

const NO_POOLS: readonly RadosPool[] = [];

/**
 * The host's side of `this.rados`: one client per module, made on first use and shut down when the module stops,
 * all over one object store (the host's LMDB store, or a throwaway one without a store). Objects of pools the OSD
 * map no longer has are dropped before the store is next used, so a deleted pool's objects are gone, as in Ceph.
 */
export class RadosService {
  private readonly host: RadosHost;
  private readonly store: Store | undefined;
  private readonly commander: ClusterCommander | undefined;
  private readonly clients = new Map<string, Rados>();
  private objectStore: ObjectStore | null = null;
  /** The initial objects already looked at, by pool id and name. */
  private readonly seeded = new Set<string>();
  /** The OSD map epoch the store was last swept at, and that sweep. */
  private sweptAt = -1;
  private sweeping: Promise<void> = Promise.resolve();

  private readonly remote: ObjectBackend | undefined;

  constructor(
    host: RadosHost,
    store: Store | undefined,
    commander: ClusterCommander | undefined,
    /** The objects of a real cluster (through the bridge); without it, the host's own object store. */
    remote?: ObjectBackend,
  ) {
    this.host = host;
    this.store = store;
    this.commander = commander;
    this.remote = remote;
  }

  /** The module's client, made on first use. */
  clientFor(module: string): Rados {
    let client = this.clients.get(module);
    if (client === undefined) {
      client = new Rados(this.binding());
      this.clients.set(module, client);
    }
    return client;
  }

  /** Shuts a module's client down (its waiting calls fail); the next `clientFor` makes a new one. */
  closeModule(module: string): void {
    this.clients.get(module)?.shutdown();
    this.clients.delete(module);
  }

  /** Shuts every client down and closes a throwaway object store. */
  async close(): Promise<void> {
    for (const name of [...this.clients.keys()]) this.closeModule(name);
    await this.sweeping;
    await this.objectStore?.close();
    this.objectStore = null;
  }

  private binding(): RadosBinding {
    const host = this.host;
    return {
      objects: () => this.remote ?? this.objects(),
      sweep: () => {
        // A real cluster drops a deleted pool's objects itself.
        if (this.remote !== undefined) return Promise.resolve();
        this.objects();
        return this.sweeping;
      },
      pools: () => host.state.maps.osd_map?.map.pools ?? NO_POOLS,
      monitors: host.liveness,
      monCommand: (cmd, inbuf) => host.sendCommand({ type: 'mon', id: '' }, cmd, inbuf),
      mgrCommand: (cmd, inbuf) => host.command(cmd, { entity: `mgr.${host.mgrId}`, caps: 'rw', inbuf }),
      clientIo: (io) => this.commander?.clientIo?.(io),
      option: (name) => host.configValue(name),
      now: () => Date.now(),
    };
  }

  /** Writes the cluster's initial objects (for pools the map has by their name) that the store does not hold. */
  private seed(pools: readonly RadosPool[]): void {
    const initial = this.commander?.initialObjects?.() ?? [];
    for (const o of initial) {
      const pool = pools.find((p) => p.pool_name === o.pool);
      const key = `${pool?.pool}/${o.oid}`;
      if (pool === undefined || this.seeded.has(key)) continue;
      this.seeded.add(key);
      const entries = Object.entries(o.omap).map(([k, v]): [string, Buffer] => [k, Buffer.from(v)]);
      this.objectStore!.seedOmap(pool.pool, o.oid, entries, Date.now());
    }
  }

  private objects(): ObjectStore {
    this.objectStore ??= this.store ? ObjectStore.in(this.store.rados) : ObjectStore.temporary();
    const osd = this.host.state.maps.osd_map;
    // Before the first OSD map nothing is known to be gone: an empty map is not a cluster without pools.
    if (osd !== undefined && osd.epoch !== this.sweptAt) {
      this.sweptAt = osd.epoch ?? -1;
      const live = new Set(osd.map.pools.map((p) => p.pool));
      const store = this.objectStore;
      const gone = store.pools().filter((id) => !live.has(id));
      // A failed sweep fails whoever awaits it (delete_pool); the next one starts afresh rather than inherit it.
      if (gone.length > 0) {
        this.sweeping = this.sweeping
          .catch(() => undefined)
          .then(() => Promise.all(gone.map((id) => store.dropPool(id))))
          .then(() => undefined);
      }
      this.seed(osd.map.pools);
    }
    return this.objectStore;
  }
}
