import { CEPH_PERF_SCHEMA } from '../../schemas/daemon/ceph-perf-schema.ts';
import type { CounterValue, PerfSchema } from '../../schemas/daemon/perf.ts';

/** An MDS's perf counters: its `mds`, `mds_mem`, `mds_server`, `mds_log`, `mds_cache`, `mds_sessions` and objecter sets. */
export const MDS_PERF_SCHEMA: PerfSchema = CEPH_PERF_SCHEMA.mds!;

/**
 * The client requests an active MDS serves, by type: the share of all requests and the latency in ms, a mix like a
 * real file system's (lookups, getattrs and readdirs most, writes of metadata fewer and slower).
 */
const REQUEST_MIX: ReadonlyArray<readonly [op: string, share: number, ms: number, writes: boolean]> = [
  ['lookup', 0.3, 0.9, false],
  ['getattr', 0.18, 2.5, false],
  ['readdir', 0.12, 1.1, false],
  ['open', 0.1, 0.4, false],
  ['setfilelock', 0.08, 0.35, true],
  ['create', 0.06, 0.8, true],
  ['setattr', 0.06, 2, true],
  ['unlink', 0.04, 1.2, true],
  ['mkdir', 0.02, 1, true],
  ['rename', 0.02, 0.4, true],
  ['rmdir', 0.01, 2, true],
  ['setxattr', 0.01, 0.2, true],
];

const NS_PER_MS = 1e6;
/** `mds_log_events_per_segment` and `mds_log_max_segments`, Pacific's defaults. */
const EVENTS_PER_SEGMENT = 1024;
const MAX_SEGMENTS = 128;
/** Journal events a flush carries, on average. */
const EVENTS_PER_FLUSH = 10;
const FLUSH_NS = 5 * NS_PER_MS;
/** How many inodes the cache of an active MDS settles at, and how fast it fills (s). */
const CACHE_INODES = 400_000;
const CACHE_FILL_S = 600;

interface Avg {
  n: number;
  ns: number;
}

const avg = (a: Avg): CounterValue => ({ avgcount: a.n, sum: Math.round(a.ns) });

/**
 * What one MDS process has done since it started (perf counters start at zero with the process): the requests it
 * served while active, the journal it wrote and replayed, its cache and its client sessions. An active MDS's cache
 * fills towards {@link CACHE_INODES}; a standby holds nothing and serves nothing.
 */
export class MdsCounters {
  private requests = 0;
  private readonly byType = new Map<string, Avg>(REQUEST_MIX.map(([op]) => [op, { n: 0, ns: 0 }]));
  private readonly reply: Avg = { n: 0, ns: 0 };
  private readonly jlat: Avg = { n: 0, ns: 0 };
  private opR = 0;
  private opW = 0;
  private evadd = 0;
  private replayed = 0;
  private sessionMsgs = 0;
  private sessionAdd = 0;
  private sessionRemove = 0;
  private sessions = 0;
  private inodes = 0;
  private inodesAdded = 0;
  private expired = 0;
  private strays = 0;
  private dirFetch = 0;
  private dirCommit = 0;
  private rate = 0;

  /** Serves `n` client requests over `seconds` (an active MDS), its cache filling after `activeS` s active. */
  serve(n: number, seconds: number, activeS: number): void {
    this.rate = n / Math.max(1, seconds);
    let left = n;
    let writes = 0;
    for (const [op, share, ms, write] of REQUEST_MIX) {
      const k = op === 'lookup' ? 0 : Math.floor(n * share);
      const a = this.byType.get(op)!;
      a.n += k;
      a.ns += k * ms * NS_PER_MS;
      this.reply.ns += k * ms * NS_PER_MS;
      if (write) writes += k;
      left -= k;
    }
    const lookup = this.byType.get('lookup')!;
    lookup.n += left;
    lookup.ns += left * 0.9 * NS_PER_MS;
    this.reply.ns += left * 0.9 * NS_PER_MS;
    this.reply.n += n;
    this.requests += n;
    // A request reads or writes about 0.44 RADOS objects (backtraces, dirfrags, the journal).
    this.opR += Math.round(n * 0.27);
    this.opW += Math.round(n * 0.17);
    const events = writes + Math.round(n * 0.05);
    this.evadd += events;
    const flushes = Math.ceil(events / EVENTS_PER_FLUSH);
    this.jlat.n += flushes;
    this.jlat.ns += flushes * FLUSH_NS;
    const target = Math.round(CACHE_INODES * (1 - Math.exp(-activeS / CACHE_FILL_S)));
    const churn = Math.round(n * 0.05);
    this.inodesAdded += Math.max(0, target - this.inodes) + churn;
    this.expired += churn;
    this.inodes = Math.max(this.inodes, target);
    this.strays = Math.min(400, this.strays + Math.round(n * 0.002));
    this.dirFetch += Math.round(n * 0.02);
    this.dirCommit += Math.round(n * 0.005);
    this.sessionMsgs += Math.round((this.sessions * seconds) / 20);
  }

  /** Replays `events` journal events (a rank's new holder, in `up:replay`). */
  replay(events: number): void {
    this.replayed += events;
    this.opR += Math.ceil(events / 64);
  }

  /** `clients` client sessions open (reconnect, or a first mount). */
  open(clients: number): void {
    this.sessions += clients;
    this.sessionAdd += clients;
    this.sessionMsgs += clients;
  }

  /** Journal events not yet expired (the live segments'): what the next holder of the rank replays. */
  journalEvents(): number {
    const added = 1 + Math.floor(this.evadd / EVENTS_PER_SEGMENT);
    return this.evadd - (added - Math.min(MAX_SEGMENTS, added)) * EVENTS_PER_SEGMENT;
  }

  /** Serves nothing this period (a standby, or a rank not active yet): the load falls to 0. */
  idle(): void {
    this.rate = 0;
  }

  /** The counters as the daemon reports them: every path of {@link MDS_PERF_SCHEMA}. */
  report(): Record<string, CounterValue> {
    const ev = this.journalEvents();
    const segAdd = 1 + Math.floor(this.evadd / EVENTS_PER_SEGMENT);
    const seg = Math.min(MAX_SEGMENTS, segAdd);
    const caps = Math.round(this.inodes * 0.16);
    const dirs = Math.round(this.inodes * 0.3);
    const dirsAdded = Math.round(this.inodesAdded * 0.3);
    const capsAdded = Math.round(this.inodesAdded * 0.2);
    const strayCreated = Math.round(this.requests * 0.04 * 0.1) + this.strays;
    const out: Record<string, CounterValue> = {
      'mds.request': this.requests,
      'mds.reply_latency': avg(this.reply),
      'mds.inodes': this.inodes,
      'mds.forward': 0,
      'mds.caps': caps,
      'mds.exported_inodes': 0,
      'mds.imported_inodes': 0,
      'mds.dir_fetch': this.dirFetch,
      'mds.dir_commit': this.dirCommit,
      'mds.dir_split': 0,
      'mds.dir_merge': 0,
      'mds.inodes_pinned': Math.round(this.inodes * 0.6),
      'mds.inodes_expired': this.expired,
      'mds.inodes_with_caps': Math.round(caps * 0.7),
      'mds.subtrees': this.inodes > 0 ? 2 : 0,
      'mds.load_cent': Math.round(this.rate * 100),
      'mds.openino_dir_fetch': Math.round(this.requests * 0.001),
      'mds_mem.ino': this.inodes,
      'mds_mem.dn': this.inodes,
      'mds_mem.ino+': this.inodesAdded,
      'mds_mem.ino-': this.inodesAdded - this.inodes,
      'mds_mem.dir': dirs,
      'mds_mem.dir+': dirsAdded,
      'mds_mem.dir-': dirsAdded - dirs,
      'mds_mem.dn+': this.inodesAdded,
      'mds_mem.dn-': this.inodesAdded - this.inodes,
      'mds_mem.cap': caps,
      'mds_mem.cap+': capsAdded + caps,
      'mds_mem.cap-': capsAdded,
      // In kB: the allocator's heap of an MDS with an empty cache, and about 1.2 kB an inode cached.
      'mds_mem.heap': 90_000 + Math.round(this.inodes * 1.2),
      'mds_server.handle_client_request': this.requests,
      'mds_server.handle_peer_request': 0,
      'mds_server.handle_client_session': this.sessionMsgs,
      'mds_server.cap_revoke_eviction': 0,
      'mds_server.cap_acquisition_throttle': 0,
    };
    for (const path of Object.keys(MDS_PERF_SCHEMA)) {
      const m = /^mds_server\.req_(.+)_latency$/.exec(path);
      if (m) out[path] = avg(this.byType.get(m[1]!) ?? { n: 0, ns: 0 });
    }
    Object.assign(out, {
      'mds_log.evadd': this.evadd,
      'mds_log.ev': ev,
      'mds_log.seg': seg,
      'mds_log.evexg': 0,
      'mds_log.evexd': 0,
      'mds_log.segexg': 0,
      'mds_log.segexd': 0,
      'mds_log.replayed': this.replayed,
      'mds_log.jlat': avg(this.jlat),
      'mds_log.evex': this.evadd - ev,
      'mds_log.evtrm': this.evadd - ev,
      'mds_log.segadd': segAdd,
      'mds_log.segex': segAdd - seg,
      'mds_log.segtrm': segAdd - seg,
      'mds_cache.num_strays': this.strays,
      'mds_cache.num_recovering_enqueued': 0,
      'mds_cache.recovery_completed': 0,
      'mds_cache.num_recovering_processing': 0,
      'mds_cache.num_recovering_prioritized': 0,
      'mds_cache.recovery_started': 0,
      'mds_cache.num_strays_delayed': 0,
      'mds_cache.num_strays_enqueuing': 0,
      'mds_cache.strays_created': strayCreated,
      'mds_cache.strays_enqueued': strayCreated - this.strays,
      'mds_cache.strays_reintegrated': 0,
      'mds_cache.strays_migrated': 0,
      'mds_sessions.session_count': this.sessions,
      'mds_sessions.session_add': this.sessionAdd,
      'mds_sessions.session_remove': this.sessionRemove,
      'mds_sessions.sessions_open': this.sessions,
      'mds_sessions.sessions_stale': 0,
      'mds_sessions.total_load': Math.round(this.rate * 10),
      'mds_sessions.average_load': this.sessions > 0 ? Math.round((this.rate * 10) / this.sessions) : 0,
      'mds_sessions.avg_session_uptime': 0,
      'objecter.op_active': 0,
      'objecter.op_r': this.opR,
      'objecter.op_w': this.opW,
      'objecter.op_rmw': 0,
    });
    return out;
  }
}
