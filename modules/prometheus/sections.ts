import { type JsonText, recordEntries } from 'mgrkit';
import { BlockPieces } from './block-pieces.ts';
import { labelSet, sampleLine } from './exposition.ts';
import {
  DF_CLUSTER,
  DF_POOL,
  HEALTH_CHECKS,
  NUM_OBJECTS,
  OSD_FLAGS,
  OSD_POOL_STATS,
  OSD_STATS,
  OSD_STATUS,
  PG_STATES,
  staticFamily,
} from './families.ts';
import type { HealthHistory } from './health-history.ts';
import type { ClusterReader, Section } from './reader.ts';

/** The fixed sections of the collection, in Ceph's order, but for OSD metadata (`osd-metadata.ts`). */

interface HealthDoc {
  status: string;
  checks?: Record<string, { severity?: string; summary?: { message?: string }; detail?: Array<{ message?: string }> }>;
}

const parsedHealth = new WeakMap<JsonText, HealthDoc>();

/** The monitors' health as an object, parsed once per health map. */
export function healthOf(r: ClusterReader): HealthDoc | null {
  const text = r.get('health');
  if (text === null) return null;
  let doc = parsedHealth.get(text);
  if (doc === undefined) {
    doc = JSON.parse(text.json) as HealthDoc;
    parsedHealth.set(text, doc);
  }
  return doc;
}

const HEALTH_NUMBER: Record<string, number> = { HEALTH_OK: 0, HEALTH_WARN: 1, HEALTH_ERR: 2 };

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

/** Python's `addr.rsplit(':', 1)[0]`: an address without its port (and nonce). */
export function hostOfAddr(addr: string | undefined): string {
  if (addr === undefined) return '';
  const i = addr.lastIndexOf(':');
  return i < 0 ? addr : addr.slice(0, i);
}

function healthSection(history: HealthHistory): Section {
  return {
    method: 'get_health',
    families: ['health_status', 'health_detail', ...HEALTH_CHECKS.map((c) => `healthcheck_${c.name.toLowerCase()}`)],
    inputs: (r) => [r.get('health'), history.version],
    build(r, out, _inputs) {
      const health = healthOf(r);
      if (health !== null) {
        const n = HEALTH_NUMBER[health.status];
        if (n !== undefined) out.add('health_status', [], n);
        const active = health.checks ?? {};
        for (const check of HEALTH_CHECKS) {
          const key = `healthcheck_${check.name.toLowerCase()}`;
          const c = active[check.name];
          if (c === undefined) {
            out.add(key, [], 0);
            continue;
          }
          // "42 slow ops, oldest one blocked for 12 sec, ...": the count is the first word.
          const first = (c.summary?.message ?? '').split(' ')[0] ?? '';
          if (/^\d+$/.test(first)) out.add(key, [], Number(first));
        }
      }
      for (const c of history.entries()) out.add('health_detail', [c.name, c.severity], c.active ? 1 : 0);
    },
  };
}

const poolStats: Section = {
  method: 'get_pool_stats',
  families: OSD_POOL_STATS.map((s) => `pool_${s}`),
  inputs: (r) => [r.get('osd_pool_stats')],
  build(r, out) {
    const v = r.get('osd_pool_stats') as unknown as {
      pool_stats: Array<{ pool_id: number; recovery_rate?: Record<string, number> }>;
    } | null;
    for (const pool of v?.pool_stats ?? []) {
      for (const s of OSD_POOL_STATS) out.add(`pool_${s}`, [pool.pool_id], num(pool.recovery_rate?.[s]));
    }
  },
};

const df: Section = {
  method: 'get_df',
  families: [...DF_CLUSTER.map((s) => `cluster_${s}`), ...DF_POOL.map((s) => `pool_${s}`)],
  inputs: (r) => [r.get('df')],
  build(r, out) {
    const v = r.get('df') as unknown as {
      stats: Record<string, number>;
      pools: Array<{ id: number; stats: Record<string, number> }>;
    } | null;
    if (v === null) return;
    for (const s of DF_CLUSTER) out.add(`cluster_${s}`, [], num(v.stats[s]));
    for (const pool of v.pools) for (const s of DF_POOL) out.add(`pool_${s}`, [pool.id], num(pool.stats[s]));
  },
};

interface FsMapDoc {
  standbys?: Array<{ name: string; addr?: string; rank?: number }>;
  filesystems?: Array<{
    id: number;
    mdsmap: {
      fs_name: string;
      metadata_pool: number;
      data_pools: number[];
      info?: Record<string, { name: string; addr?: string; rank?: number }>;
    };
  }>;
}

/** A daemon's host and version, from its metadata (what Ceph reads from `list_servers`), or empty strings. */
function hostVersion(r: ClusterReader, type: string, id: string): [string, string] {
  const m = r.get_metadata(type, id);
  return m === null ? ['', ''] : [m.hostname ?? '', m.ceph_version ?? ''];
}

/**
 * `get_all_perf_counters()` is one object per set of daemon states: another object means some daemon's metadata,
 * status or counters changed. Sections that read daemon metadata use it as their daemon input.
 */
const daemonsInput = (r: ClusterReader) => r.get_all_perf_counters();

const fs: Section = {
  method: 'get_fs',
  families: ['fs_metadata', 'mds_metadata'],
  inputs: (r) => [r.get('fs_map'), daemonsInput(r)],
  build(r, out) {
    const map = r.get('fs_map') as unknown as FsMapDoc | null;
    if (map === null) return;
    for (const sb of map.standbys ?? []) {
      const [host, version] = hostVersion(r, 'mds', sb.name);
      out.add('mds_metadata', [`mds.${sb.name}`, '-1', host, sb.addr ?? '', sb.rank ?? '', version], 1);
    }
    for (const f of map.filesystems ?? []) {
      const m = f.mdsmap;
      out.add('fs_metadata', [m.data_pools.join(','), f.id, m.metadata_pool, m.fs_name], 1);
      for (const d of Object.values(m.info ?? {})) {
        const [host, version] = hostVersion(r, 'mds', d.name);
        out.add('mds_metadata', [`mds.${d.name}`, f.id, host, d.addr ?? '', d.rank ?? '', version], 1);
      }
    }
  },
};

interface MonEntry {
  name: string;
  rank: number;
  public_addr?: string;
}

/** Monitors named down in the health's MON_DOWN detail ("mon.b (rank 1) addr ... is down (out of quorum)"). */
function monsDown(r: ClusterReader): Set<string> {
  const detail = healthOf(r)?.checks?.MON_DOWN?.detail ?? [];
  const down = new Set<string>();
  for (const d of detail) {
    const m = /^mon\.(\S+)/.exec(d.message ?? '');
    if (m) down.add(m[1]!);
  }
  return down;
}

const quorumStatus: Section = {
  method: 'get_quorum_status',
  families: ['mon_quorum_status', 'mon_metadata'],
  inputs: (r) => [r.get('mon_status'), r.get('mon_map'), r.get('health'), daemonsInput(r)],
  build(r, out) {
    const text = r.get('mon_status');
    let mons: MonEntry[];
    let inQuorum: (mon: MonEntry) => boolean;
    if (text !== null) {
      const status = JSON.parse(text.json) as { quorum: number[]; monmap: { mons: MonEntry[] } };
      mons = status.monmap.mons;
      const quorum = new Set(status.quorum);
      inQuorum = (mon) => quorum.has(mon.rank);
    } else {
      // A stream without mon_status: the mon map lists the monitors, and the health says which are out of quorum.
      const map = r.get('mon_map') as unknown as { mons: MonEntry[] } | null;
      if (map === null) return;
      mons = map.mons;
      const down = monsDown(r);
      inQuorum = (mon) => !down.has(mon.name);
    }
    for (const mon of mons) {
      const [host, version] = hostVersion(r, 'mon', mon.name);
      out.add('mon_metadata', [`mon.${mon.name}`, host, hostOfAddr(mon.public_addr), mon.rank, version], 1);
      out.add('mon_quorum_status', [`mon.${mon.name}`], inQuorum(mon) ? 1 : 0);
    }
  },
};

interface MgrMapDoc {
  active_name?: string;
  standbys?: Array<{ name?: string }>;
  modules?: string[];
  available_modules?: Array<{ name?: string; can_run?: boolean }>;
  always_on_modules?: Record<string, string[]>;
}

const mgrStatus: Section = {
  method: 'get_mgr_status',
  families: ['mgr_metadata', 'mgr_status', 'mgr_module_status', 'mgr_module_can_run'],
  inputs: (r) => [r.get('mgr_map'), r.release_name, daemonsInput(r)],
  build(r, out) {
    const map = r.get('mgr_map') as unknown as MgrMapDoc | null;
    if (map === null) return;
    const active = map.active_name ?? '';
    const all = (map.standbys ?? []).map((s) => s.name ?? '');
    if (active !== '') all.push(active);
    for (const mgr of all) {
      const [host, version] = hostVersion(r, 'mgr', mgr);
      out.add('mgr_metadata', [`mgr.${mgr}`, host, version], 1);
      out.add('mgr_status', [`mgr.${mgr}`], mgr === active ? 1 : 0);
    }
    const alwaysOn = new Set(map.always_on_modules?.[r.release_name] ?? []);
    const enabled = new Set(map.modules ?? []);
    for (const m of map.available_modules ?? []) {
      const name = m.name ?? '';
      out.add('mgr_module_status', [name], alwaysOn.has(name) ? 2 : enabled.has(name) ? 1 : 0);
      out.add('mgr_module_can_run', [name], m.can_run ? 1 : 0);
    }
  },
};

interface PgSummaryDoc {
  by_pool: Record<string, Record<string, number>>;
  pg_stats_sum: { stat_sum: Record<string, number> };
}

const PG_FAMILY = new Set<string>(PG_STATES);

function pgStatus(warn: (state: string) => void): Section {
  return {
    method: 'get_pg_status',
    families: ['pg_total', ...PG_STATES.map((s) => `pg_${s}`)],
    inputs: (r) => [r.get('pg_summary')],
    build(r, out) {
      const summary = r.get('pg_summary') as unknown as PgSummaryDoc;
      for (const [pool, states] of Object.entries(summary.by_pool)) {
        const counts = new Map<string, number>(PG_STATES.map((s) => [s, 0]));
        let total = 0;
        for (const [name, count] of Object.entries(states)) {
          for (const s of name.split('+')) {
            if (PG_FAMILY.has(s)) counts.set(s, counts.get(s)! + count);
            else warn(s);
          }
          total += count;
        }
        for (const [s, n] of counts) out.add(`pg_${s}`, [pool], n);
        out.add('pg_total', [pool], total);
      }
    },
  };
}

const numObjects: Section = {
  method: 'get_num_objects',
  families: NUM_OBJECTS.map((s) => `num_objects_${s}`),
  inputs: (r) => [r.get('pg_summary')],
  build(r, out) {
    const sum = (r.get('pg_summary') as unknown as PgSummaryDoc).pg_stats_sum?.stat_sum;
    if (sum === undefined) return;
    for (const s of NUM_OBJECTS) out.add(`num_objects_${s}`, [], num(sum[`num_objects_${s}`]));
  },
};

const OSD_STATS_NAMES = OSD_STATS.map((s) => staticFamily(`osd_${s}`).name);

type OsdStatDoc = { osd: number; perf_stat?: Record<string, number> };

/** An OSD's apply and commit latency lines. */
function latencyLines(o: OsdStatDoc): readonly string[] {
  const labels = labelSet(['ceph_daemon'], [`osd.${o.osd}`]);
  return OSD_STATS.map((s, i) => sampleLine(OSD_STATS_NAMES[i]!, labels, num(o.perf_stat?.[s])));
}

/**
 * Apply and commit latency of every OSD that reported. The list is by OSD id and an OSD's entry is the same object
 * until its next report, so an entry found at the same place as last time keeps its lines (and its block of lines
 * its encoding, while no entry of the block changed).
 */
function osdStatsSection(): Section {
  const blocks = new BlockPieces<OsdStatDoc>(OSD_STATS.length, latencyLines);
  return {
    method: 'get_osd_stats',
    families: OSD_STATS.map((s) => `osd_${s}`),
    inputs: (r) => [r.get('osd_stats')],
    build(r, out) {
      const stats = (r.get('osd_stats') as unknown as { osd_stats: OsdStatDoc[] }).osd_stats;
      const pieces = blocks.update(stats);
      OSD_STATS.forEach((s, i) => {
        out.pieces(`osd_${s}`, pieces[i]!);
      });
    },
  };
}

interface OsdMapDoc {
  flags?: string;
  osds: Array<{ osd: number; up: number; in: number; weight: number; public_addr?: string; cluster_addr?: string }>;
  pools: Array<{
    pool: number;
    pool_name: string;
    type?: number;
    size: number;
    erasure_code_profile?: string;
    options?: Record<string, unknown>;
  }>;
  erasure_code_profiles?: Record<string, Record<string, string>>;
}

const statusLines = new WeakMap<object, readonly string[]>();
const STATUS_NAMES = OSD_STATUS.map((s) => staticFamily(`osd_${s}`).name);

/** The weight, up and in lines of one OSD entry: built once per entry object (unchanged entries keep theirs). */
function osdStatusLines(o: OsdMapDoc['osds'][number]): readonly string[] {
  let lines = statusLines.get(o);
  if (lines === undefined) {
    const labels = labelSet(['ceph_daemon'], [`osd.${o.osd}`]);
    lines = OSD_STATUS.map((s, i) => sampleLine(STATUS_NAMES[i]!, labels, o[s]));
    statusLines.set(o, lines);
  }
  return lines;
}

function poolInfo(pool: OsdMapDoc['pools'][number], profiles: OsdMapDoc['erasure_code_profiles']): [string, string] {
  if (pool.type === 1) return ['replicated', `replica:${pool.size}`];
  if (pool.type === 3) {
    const p = profiles?.[pool.erasure_code_profile ?? ''];
    return ['erasure', p ? `ec:${p.k}+${p.m}` : 'ec:unknown'];
  }
  return ['unknown', 'unknown'];
}

/** Flags, each OSD's weight, up and in (every OSD of the map), and pool metadata: all from the OSD map alone. */
const osdStatus: Section = {
  method: 'get_metadata_and_osd_status',
  families: [
    ...OSD_FLAGS.map((f) => `osd_flag_${f.replace('-', '_')}`),
    ...OSD_STATUS.map((s) => `osd_${s}`),
    'pool_metadata',
  ],
  inputs: (r) => [r.get('osd_map')],
  build(r, out) {
    const map = r.get('osd_map') as unknown as OsdMapDoc | null;
    if (map === null) return;
    const flags = new Set((map.flags ?? '').split(','));
    for (const f of OSD_FLAGS) out.add(`osd_flag_${f.replace('-', '_')}`, [], flags.has(f) ? 1 : 0);
    const lines: string[][] = OSD_STATUS.map(() => []);
    for (const o of map.osds) {
      const own = osdStatusLines(o);
      for (let i = 0; i < lines.length; i++) lines[i]!.push(own[i]!);
    }
    OSD_STATUS.forEach((s, i) => {
      out.append(`osd_${s}`, lines[i]!.join(''));
    });
    for (const pool of map.pools) {
      const [type, description] = poolInfo(pool, map.erasure_code_profiles);
      const compression = String(pool.options?.compression_mode ?? 'none');
      out.add('pool_metadata', [pool.pool, pool.pool_name, type, description, compression], 1);
    }
  },
};

interface ServiceMapDoc {
  services?: Record<string, { daemons?: Record<string, unknown> }>;
}

/** RGW and rbd-mirror daemons, from the service map they register in. */
const serviceMetadata: Section = {
  method: 'get_metadata_and_osd_status',
  families: ['rgw_metadata', 'rbd_mirror_metadata'],
  inputs: (r) => [r.get('service_map'), daemonsInput(r)],
  build(r, out) {
    const services = (r.get('service_map') as unknown as ServiceMapDoc | null)?.services ?? {};
    for (const [key, d] of Object.entries(services.rgw?.daemons ?? {})) {
      if (key === 'summary' || d === null || typeof d !== 'object') continue;
      const meta = ((d as { metadata?: Record<string, string> }).metadata ?? {}) as Record<string, string>;
      const name = meta.id ?? key;
      out.add('rgw_metadata', [`rgw.${name}`, meta.hostname ?? '', meta.ceph_version ?? '', key], 1);
    }
    for (const key of Object.keys(services['rbd-mirror']?.daemons ?? {})) {
      if (key === 'summary') continue;
      const meta = r.get_metadata('rbd-mirror', key);
      if (meta === null) continue;
      out.add(
        'rbd_mirror_metadata',
        [`rbd-mirror.${key}`, meta.id ?? '', meta.instance_id ?? '', meta.hostname ?? '', meta.ceph_version ?? ''],
        1,
      );
    }
  },
};

const poolRepaired: Section = {
  method: 'get_pool_repaired_objects',
  families: ['pool_objects_repaired'],
  inputs: (r) => [r.get('pool_stats')],
  build(r, out) {
    const v = r.get('pool_stats') as unknown as {
      pool_stats: Array<{ poolid: number; stat_sum: Record<string, number> }>;
    };
    for (const p of v.pool_stats) out.add('pool_objects_repaired', [p.poolid], num(p.stat_sum.num_objects_repaired));
  },
};

const HEALTH_METRICS = staticFamily('daemon_health_metrics');

type HealthMetrics = readonly { readonly value: number; readonly type: string }[];

/**
 * Each daemon's health metric lines; a daemon's list is the same object until its state changes, so its lines are
 * formatted once per state, and encoded once per block of daemons none of which changed.
 */
function daemonHealthSection(): Section {
  let names: readonly string[] = [];
  const blocks = new BlockPieces<HealthMetrics>(1, (metrics, i) => {
    const daemon = names[i]!;
    let text = '';
    for (const m of metrics) {
      text += sampleLine(HEALTH_METRICS.name, labelSet(HEALTH_METRICS.labels, [m.type, daemon]), m.value);
    }
    return [text];
  });
  return {
    method: 'get_all_daemon_health_metrics',
    families: ['daemon_health_metrics'],
    inputs: (r) => [r.get_daemon_health_metrics()],
    build(r, out) {
      const all = recordEntries(r.get_daemon_health_metrics());
      names = all.keys;
      out.pieces('daemon_health_metrics', blocks.update(all.values)[0]!);
    },
  };
}

/** The sections whose families are fixed, but OSD metadata; `warn` hears of PG states outside `PG_STATES`. */
export function fixedSections(history: HealthHistory, warn: (state: string) => void): Section[] {
  return [
    healthSection(history),
    poolStats,
    df,
    fs,
    quorumStatus,
    mgrStatus,
    pgStatus(warn),
    osdStatsSection(),
    osdStatus,
    serviceMetadata,
    numObjects,
    poolRepaired,
    daemonHealthSection(),
  ];
}
