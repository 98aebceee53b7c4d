import { CEPH_PERF_SCHEMA } from '../../schemas/daemon/ceph-perf-schema.ts';
import type { CounterValue, DaemonMetadata, PerfSchema } from '../../schemas/daemon/perf.ts';
import type { ClusterEvent } from '../../schemas/event.ts';
import type { MonMap } from '../../schemas/maps/index.ts';
import type { DaemonHealth } from './daemon-health.ts';
import { daemonMetadata } from './host-metadata.ts';
import type { Topology } from './topology.ts';

/** A monitor's perf counters (its `mon` and `paxos` sets), as Ceph defines them. */
export const MON_PERF_SCHEMA: PerfSchema = CEPH_PERF_SCHEMA.mon!;

/** `ceph mon metadata` for monitor `rank` (all strings): a monitor on the host of its rank. */
export function monMetadata(topo: Topology, rank: number): DaemonMetadata {
  const ip = topo.hostAddrs[rank]!;
  return daemonMetadata(topo.hostNames[rank]!, {
    addrs: `[v2:${ip}:3300/0,v1:${ip}:6789/0]`,
    compression_algorithms: 'none, snappy, zlib, zstd, lz4',
    device_ids: '',
    device_paths: 'sda=/dev/disk/by-path/pci-0000:00:17.0-ata-1',
    devices: 'sda',
  });
}

/** Each monitor's session with the manager: its `daemon_open`. */
export function monOpenEvents(topo: Topology, monMap: MonMap, now: number): ClusterEvent[] {
  return monMap.mons.map((m) => ({
    v: 1,
    t: now,
    kind: 'daemon_open',
    daemon: `mon.${m.name}`,
    hostname: topo.hostNames[m.rank]!,
    metadata: monMetadata(topo, m.rank),
    perf_schema: structuredClone(MON_PERF_SCHEMA),
  }));
}

/** Paxos proposals a second (Ceph's `paxos_propose_interval` is 1 s; a busy cluster commits most of them). */
const COMMITS_PER_SEC = 0.6;
const COMMIT_LATENCY_NS = 8e6;

/**
 * Monitor `rank`'s report at `t`: its counters, plausible for a cluster of `osds` OSDs that has run for `uptimeMs`
 * (rank 0 leads: it won the one election and runs the proposals; the others are peons), and its health metrics.
 */
export function monReport(
  name: string,
  rank: number,
  mons: number,
  osds: number,
  uptimeMs: number,
  t: number,
  health: DaemonHealth,
): ClusterEvent {
  const leader = rank === 0;
  // Each OSD, the manager and a few clients hold a session with one monitor.
  const sessions = Math.ceil((osds + 4) / mons);
  const added = sessions + Math.floor(uptimeMs / 60_000);
  const commits = Math.floor((uptimeMs / 1000) * COMMITS_PER_SEC);
  const avg = (n: number, ns: number): CounterValue => ({ avgcount: n, sum: Math.round(n * ns) });
  const counters: Record<string, CounterValue> = {
    'mon.num_sessions': sessions,
    'mon.session_add': added,
    'mon.session_rm': added - sessions,
    'mon.session_trim': 0,
    'mon.num_elections': 1,
    'mon.election_call': leader ? 1 : 0,
    'mon.election_win': leader ? 1 : 0,
    'mon.election_lose': leader ? 0 : 1,
    'paxos.begin': commits,
    'paxos.begin_latency': avg(commits, COMMIT_LATENCY_NS / 2),
    'paxos.commit': commits,
    'paxos.commit_latency': avg(commits, COMMIT_LATENCY_NS),
    'paxos.refresh': commits,
    'paxos.refresh_latency': avg(commits, COMMIT_LATENCY_NS / 8),
    'paxos.start_leader': leader ? 1 : 0,
    'paxos.start_peon': leader ? 0 : 1,
  };
  return { v: 1, t, kind: 'daemon_report', daemon: `mon.${name}`, counters, health_metrics: health.mon(name) };
}
