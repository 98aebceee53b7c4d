import type { ClusterState, DaemonState } from '../cluster-state.ts';
import { tableValues } from '../keyed-table.ts';

/** One daemon on a server, as `list_servers()` shows it. */
export interface ServerService {
  readonly type: string;
  readonly id: string;
  readonly ceph_version: string;
  readonly name?: string;
}

/** One host and the daemons on it, as ceph-mgr's `list_servers()` / `get_server()` return them. */
export interface Server {
  readonly hostname: string;
  readonly services: readonly ServerService[];
  readonly ceph_version: string;
}

const memo = new WeakMap<object, readonly Server[]>();

/**
 * The servers, by hostname (sorted), each with its daemons sorted by type then id, as Ceph's `dump_server` writes
 * them: a service's `ceph_version` is the last version seen so far on that host (Ceph carries it over from one
 * daemon to the next), the host's is the last one; `name` appears when the daemon's metadata has an `id`.
 */
export function serversView(s: ClusterState): readonly Server[] {
  let servers = memo.get(s.daemons);
  if (servers === undefined) {
    const byHost = new Map<string, DaemonState[]>();
    for (const d of tableValues(s.daemons)) {
      const host = d.metadata.hostname ?? d.hostname;
      if (!host) continue;
      byHost.set(host, [...(byHost.get(host) ?? []), d]);
    }
    servers = Object.freeze(
      [...byHost.keys()].sort().map((hostname) => {
        const daemons = byHost
          .get(hostname)!
          .sort((a, b) => (a.type === b.type ? cmp(a.id, b.id) : cmp(a.type, b.type)));
        let version = '';
        const services = daemons.map((d) => {
          version = d.metadata.ceph_version ?? version;
          const svc: ServerService = { type: d.type, id: d.id, ceph_version: version };
          return Object.freeze(d.metadata.id ? { ...svc, name: d.metadata.id } : svc);
        });
        return Object.freeze({ hostname, services: Object.freeze(services), ceph_version: version });
      }),
    );
    memo.set(s.daemons, servers);
  }
  return servers;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
