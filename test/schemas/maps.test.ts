import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import {
  ClogEntrySchema,
  CounterValueSchema,
  DaemonMetadataSchema,
  DaemonStatusSchema,
  OsdMetadataEntrySchema,
  OsdStatSchema,
  PerfCountersSchema,
  PerfSchemaEntrySchema,
  PerfSchemaSchema,
  PgStatSchema,
  PoolStatfsSchema,
} from '../../schemas/daemon/index.ts';
import {
  CrushMapSchema,
  FsMapSchema,
  HealthMapSchema,
  HealthStatus,
  HealthStatusSchema,
  MgrMapSchema,
  MonMapSchema,
  MonStatusSchema,
  OsdMapSchema,
  OsdSchema,
  PoolSchema,
  ServiceMapSchema,
} from '../../schemas/maps/index.ts';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: real Ceph 16.2.15 output copied from the shared recording into test/fixtures and traces/.

type JsonObject = { [key: string]: unknown };
type Path = (string | number)[];

const FIXTURES = new URL('../fixtures/ceph-pacific/', import.meta.url);
const TRACES = new URL('../../traces/', import.meta.url);
const TRACE_FILES = ['pacific-3osd.jsonl.gz', 'pacific-3osd-patch.jsonl.gz'] as const;

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: unknown, what = 'value'): JsonObject {
  assert.ok(isObject(value), `${what} is an object`);
  return value;
}

function arr(value: unknown, what = 'value'): unknown[] {
  assert.ok(Array.isArray(value), `${what} is an array`);
  return value;
}

/** The value at `path` inside `root` (undefined if any step is missing). */
function at(root: unknown, path: Path): unknown {
  let cur = root;
  for (const key of path) {
    if (Array.isArray(cur) && typeof key === 'number') cur = cur[key];
    else if (isObject(cur) && typeof key === 'string') cur = cur[key];
    else return undefined;
  }
  return cur;
}

/** A deep copy of `root` with the value at `path` deleted (`value` undefined) or set. */
function edit(root: unknown, path: Path, value?: unknown): unknown {
  const copy = structuredClone(root);
  const parent = at(copy, path.slice(0, -1));
  const key = path.at(-1);
  assert.ok(key !== undefined, 'edit needs a non-empty path');
  if (Array.isArray(parent) && typeof key === 'number') {
    assert.ok(key < parent.length, `${path.join('.')} exists`);
    if (value === undefined) parent.splice(key, 1);
    else parent[key] = value;
  } else if (isObject(parent) && typeof key === 'string') {
    if (value === undefined) {
      assert.ok(key in parent, `${path.join('.')} exists`);
      delete parent[key];
    } else {
      parent[key] = value;
    }
  } else {
    assert.fail(`no container at ${path.slice(0, -1).join('.')}`);
  }
  return copy;
}

/** Applies a JSON Patch (add, remove, replace) to a copy of `doc`: enough to rebuild the patch trace's maps. */
function applyPatch(doc: unknown, ops: unknown): unknown {
  let root = structuredClone(doc);
  for (const raw of arr(ops, 'patch')) {
    const op = obj(raw, 'patch op');
    const segs = String(op.path)
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = segs.pop();
    if (last === undefined) {
      root = structuredClone(op.value);
      continue;
    }
    let parent: unknown = root;
    for (const seg of segs) parent = Array.isArray(parent) ? parent[Number(seg)] : obj(parent)[seg];
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (op.op === 'add') parent.splice(i, 0, structuredClone(op.value));
      else if (op.op === 'remove') parent.splice(i, 1);
      else if (op.op === 'replace') parent[i] = structuredClone(op.value);
      else assert.fail(`unexpected op ${String(op.op)}`);
    } else {
      const target = obj(parent, `parent of ${String(op.path)}`);
      if (op.op === 'remove') delete target[last];
      else if (op.op === 'add' || op.op === 'replace') target[last] = structuredClone(op.value);
      else assert.fail(`unexpected op ${String(op.op)}`);
    }
  }
  return root;
}

/** Everything of each shape found in one trace file; patched maps are rebuilt so every epoch is a whole map. */
interface TraceContent {
  maps: { [kind: string]: unknown[] };
  crush: unknown[];
  pgStats: unknown[];
  osdStats: unknown[];
  poolStatfs: unknown[];
  clog: unknown[];
  metadata: unknown[];
  perfSchemas: unknown[];
  counters: unknown[];
  statuses: unknown[];
  kinds: { [kind: string]: number };
}

const MAP_KINDS = ['mon_map', 'osd_map', 'fs_map', 'mgr_map', 'service_map', 'health', 'mon_status'];

function readTrace(name: string): TraceContent {
  const text = gunzipSync(readFileSync(new URL(name, TRACES))).toString('utf8');
  const content: TraceContent = {
    maps: Object.fromEntries(MAP_KINDS.map((k) => [k, []])),
    crush: [],
    pgStats: [],
    osdStats: [],
    poolStatfs: [],
    clog: [],
    metadata: [],
    perfSchemas: [],
    counters: [],
    statuses: [],
    kinds: {},
  };
  const current: { [kind: string]: unknown } = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const event = obj(JSON.parse(trimmed), 'event');
    const kind = String(event.kind);
    content.kinds[kind] = (content.kinds[kind] ?? 0) + 1;
    if (MAP_KINDS.includes(kind)) {
      if (event.map !== undefined) current[kind] = event.map;
      else current[kind] = applyPatch(current[kind], event.patch);
      content.maps[kind]?.push(current[kind]);
      if (event.crush !== undefined) content.crush.push(event.crush);
    } else if (kind === 'pg_stats') {
      content.pgStats.push(...arr(event.pg_stats, 'pg_stats'));
      if (event.osd_stat !== undefined) content.osdStats.push(event.osd_stat);
      if (event.pool_statfs !== undefined) content.poolStatfs.push(event.pool_statfs);
    } else if (kind === 'clog') {
      content.clog.push(event.entry);
    } else if (kind === 'daemon_open') {
      content.metadata.push(event.metadata);
      if (event.perf_schema !== undefined) content.perfSchemas.push(event.perf_schema);
    } else if (kind === 'daemon_report') {
      content.counters.push(event.counters);
      if (event.status !== undefined) content.statuses.push(event.status);
    }
  }
  return content;
}

const traces = TRACE_FILES.map((name) => ({ name, ...readTrace(name) }));
const acc = obj(fixture('accessors-3osd.json'), 'accessors');
const get = obj(acc.get, 'accessors.get');
const cliOsdDump = fixture('cli-osd_dump.json');
const cliCrush = fixture('cli-osd_crush_dump.json');
const cliMonDump = fixture('cli-mon_dump.json');
const cliFsDump = fixture('cli-fs_dump.json');
const cliMgrDump = fixture('cli-mgr_dump.json');
const cliServiceDump = fixture('cli-service_dump.json');
const cliHealth = fixture('cli-health_detail.json');
const cliStatus = obj(fixture('cli-status.json'), 'cli-status');
const cliQuorum = obj(fixture('cli-quorum_status.json'), 'cli-quorum_status');
const cliPgMap = obj(obj(fixture('cli-pg_dump.json'), 'cli-pg_dump').pg_map, 'pg_map');
const cliOsdMetadata = arr(fixture('cli-osd_metadata.json'), 'cli-osd_metadata');
/** ceph-mgr's get('health') and get('mon_status') are `{json: "<text>"}`. */
const getHealth: unknown = JSON.parse(String(obj(get.health, 'get.health').json));
const getMonStatus: unknown = JSON.parse(String(obj(get.mon_status, 'get.mon_status').json));
const perfSchemaOsd0 = obj(obj(acc.get_perf_schema_osd0, 'get_perf_schema_osd0')['osd.0'], 'perf schema osd.0');

function fromTraces(pick: (t: TraceContent) => unknown[]): unknown[] {
  return traces.flatMap((t) => pick(t));
}

// ---------------------------------------------------------------------------------------------------------------
// Synthetic samples for shapes the recording has empty (no CephFS, no rgw, no standby mgr, no mutes). They follow
// what Ceph's dump code prints (FSMap::dump, ServiceMap::dump, MgrMap::dump, health_mute_t::dump).

/** A 64-bit feature mask as JSON.parse gives it to us: rounded to the nearest double. */
const FEATURES: number = JSON.parse('4540138314316775423');
const addrs = (port: number, nonce: number) => ({
  addrvec: [
    { type: 'v2', addr: `127.0.0.1:${port}`, nonce },
    { type: 'v1', addr: `127.0.0.1:${port + 1}`, nonce },
  ],
});
const mdsInfo = (gid: number, name: string, rank: number, state: string) => ({
  gid,
  name,
  rank,
  incarnation: rank < 0 ? 0 : 7,
  state,
  state_seq: 3,
  addr: `127.0.0.1:6821/${gid}`,
  addrs: addrs(6820, gid),
  join_fscid: -1,
  export_targets: [],
  features: FEATURES,
  flags: 0,
});
const synthFsMap = {
  epoch: 9,
  default_fscid: 1,
  compat: obj(cliFsDump).compat,
  feature_flags: { enable_multiple: true, ever_enabled_multiple: true },
  standbys: [{ ...mdsInfo(4400, 'b', -1, 'up:standby'), epoch: 8 }],
  filesystems: [
    {
      mdsmap: {
        epoch: 9,
        flags: 18,
        ever_allowed_features: 0,
        explicitly_allowed_features: 0,
        created: '2026-11-25T02:40:00.000000+0000',
        modified: '2026-11-25T02:40:05.000000+0000',
        tableserver: 0,
        root: 0,
        session_timeout: 60,
        session_autoclose: 300,
        min_compat_client: '0 (unknown)',
        max_file_size: 1099511627776,
        last_failure: 0,
        last_failure_osd_epoch: 0,
        compat: obj(cliFsDump).compat,
        max_mds: 1,
        in: [0],
        up: { mds_0: 4321 },
        failed: [],
        damaged: [],
        stopped: [],
        info: { gid_4321: mdsInfo(4321, 'a', 0, 'up:active') },
        data_pools: [5],
        metadata_pool: 4,
        enabled: true,
        fs_name: 'cephfs',
        balancer: '',
        standby_count_wanted: 1,
      },
      id: 1,
    },
  ],
};
const synthServiceMap = {
  epoch: 4,
  modified: '2026-11-25T02:41:00.000000+0000',
  services: {
    rgw: {
      daemons: {
        summary: '',
        '14120': {
          start_epoch: 4,
          start_stamp: '2026-11-25T02:40:58.000000+0000',
          gid: 14120,
          addr: '127.0.0.1:0/1203',
          metadata: { hostname: 'vm', id: 'rgw0', zone_name: 'default' },
          task_status: {},
        },
      },
    },
  },
};
const synthMgrMap = edit(
  cliMgrDump,
  ['standbys'],
  [{ gid: 4200, name: 'y', mgr_features: FEATURES, available_modules: [] }],
);
const synthHealth = edit(cliHealth, ['mutes'], [{ code: 'OSD_DOWN', sticky: false, summary: '1 osds down', count: 1 }]);
const synthPoolStatfs = [
  { poolid: 3, osd: 0, total: 0, available: 0, internally_reserved: 0, allocated: 65536, data_stored: 4096 },
];

// ---------------------------------------------------------------------------------------------------------------
// Helpers for assertions.

/** Parses and asserts success; loose schemas must give back exactly what went in (nothing dropped or changed). */
function assertParses(schema: z.ZodType, value: unknown, label: string): void {
  const r = schema.safeParse(value);
  assert.ok(r.success, `${label} parses: ${r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))}`);
  assert.deepEqual(r.data, value, `${label} parses to itself`);
}

function assertAllParse(schema: z.ZodType, values: unknown[], label: string, atLeast = 1): void {
  assert.ok(values.length >= atLeast, `${label}: expected at least ${atLeast} samples, got ${values.length}`);
  values.forEach((v, i) => {
    assertParses(schema, v, `${label}[${i}]`);
  });
}

/** Every path an issue names, descending into each branch of a union (whose issues' paths are relative to it). */
function leafPaths(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): PropertyKey[][] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') return [path, ...issue.errors.flatMap((branch) => leafPaths(branch, path))];
    return [path];
  });
}

const isPrefix = (p: PropertyKey[], of: PropertyKey[]) => p.length <= of.length && p.every((k, i) => k === of[i]);

/** The mutated sample must fail, with an issue naming exactly `path` and no issue elsewhere. */
function assertRejectsAt(schema: z.ZodType, value: unknown, path: Path, label: string): void {
  const r = schema.safeParse(value);
  assert.ok(!r.success, `${label}: must be rejected`);
  const issues = r.error.issues;
  for (const issue of issues) {
    assert.ok(isPrefix(issue.path, path), `${label}: unexpected issue at ${JSON.stringify(issue.path)}`);
  }
  const leaves = leafPaths(issues);
  assert.ok(
    leaves.some((p) => p.length === path.length && isPrefix(p, path)),
    `${label}: no issue at ${JSON.stringify(path)}; got ${JSON.stringify(leaves)}`,
  );
}

interface SchemaCases {
  schema: z.ZodType;
  sample: unknown;
  /** Required fields: deleting each must fail at its path. */
  required: Path[];
  /** Fields given a value of the wrong type: each must fail at its path. */
  wrongType: [Path, unknown][];
  /** Objects (by path) where an unknown extra field must survive the parse. */
  extras: Path[];
  /** A value of the right type for an extra field (record-of-string schemas need a string). */
  extraValue?: unknown;
}

// ---------------------------------------------------------------------------------------------------------------

describe('every real Ceph 16.2.15 fixture parses', () => {
  it('the traces hold what these tests expect', () => {
    for (const t of traces) {
      assert.equal(t.kinds.osd_map, 33, `${t.name} osd maps`);
      assert.equal(t.maps.osd_map?.length, 33);
      assert.equal(t.crush.length, 33);
      assert.equal(t.kinds.health, 70);
      assert.equal(t.kinds.pg_stats, 226);
      assert.equal(t.kinds.clog, 126);
      assert.equal(t.kinds.daemon_open, 3);
      assert.equal(t.kinds.daemon_report, 141);
    }
    // The patched trace rebuilds to the same maps as the whole-map trace.
    assert.deepEqual(traces[1]?.maps.osd_map, traces[0]?.maps.osd_map);
  });

  it('OsdMapSchema: ceph osd dump, get(osd_map), every OSD map of both traces', () => {
    assertParses(OsdMapSchema, cliOsdDump, 'cli-osd_dump.json');
    assertParses(OsdMapSchema, get.osd_map, 'get.osd_map');
    for (const t of traces) assertAllParse(OsdMapSchema, t.maps.osd_map ?? [], `${t.name} osd_map`, 33);
  });

  it('PoolSchema and OsdSchema: every pool and OSD of those maps', () => {
    const maps = [cliOsdDump, get.osd_map, ...fromTraces((t) => t.maps.osd_map ?? [])];
    assertAllParse(
      PoolSchema,
      maps.flatMap((m) => arr(obj(m).pools)),
      'pools',
    );
    assertAllParse(
      OsdSchema,
      maps.flatMap((m) => arr(obj(m).osds)),
      'osds',
    );
  });

  it('CrushMapSchema: ceph osd crush dump, get(osd_map_crush), every crush map of both traces', () => {
    assertParses(CrushMapSchema, cliCrush, 'cli-osd_crush_dump.json');
    assertParses(CrushMapSchema, get.osd_map_crush, 'get.osd_map_crush');
    assertAllParse(
      CrushMapSchema,
      fromTraces((t) => t.crush),
      'trace crush',
      66,
    );
  });

  it('MonMapSchema: ceph mon dump, get(mon_map), the monmap of quorum_status and mon_status, trace mon maps', () => {
    assertParses(MonMapSchema, cliMonDump, 'cli-mon_dump.json');
    assertParses(MonMapSchema, get.mon_map, 'get.mon_map');
    assertParses(MonMapSchema, cliQuorum.monmap, 'cli-quorum_status.json monmap');
    assertParses(MonMapSchema, obj(getMonStatus).monmap, 'get.mon_status monmap');
    assertAllParse(
      MonMapSchema,
      fromTraces((t) => t.maps.mon_map ?? []),
      'trace mon_map',
      0,
    );
  });

  it('FsMapSchema: ceph fs dump, get(fs_map), trace fs maps', () => {
    assertParses(FsMapSchema, cliFsDump, 'cli-fs_dump.json');
    assertParses(FsMapSchema, get.fs_map, 'get.fs_map');
    assertParses(FsMapSchema, synthFsMap, 'synthetic fs map with a file system');
    assertAllParse(
      FsMapSchema,
      fromTraces((t) => t.maps.fs_map ?? []),
      'trace fs_map',
      0,
    );
  });

  it('MgrMapSchema: ceph mgr dump, get(mgr_map), trace mgr maps', () => {
    assertParses(MgrMapSchema, cliMgrDump, 'cli-mgr_dump.json');
    assertParses(MgrMapSchema, get.mgr_map, 'get.mgr_map');
    assertParses(MgrMapSchema, synthMgrMap, 'synthetic mgr map with a standby');
    assertAllParse(
      MgrMapSchema,
      fromTraces((t) => t.maps.mgr_map ?? []),
      'trace mgr_map',
      0,
    );
  });

  it('ServiceMapSchema: ceph service dump, get(service_map), ceph status servicemap, trace service maps', () => {
    assertParses(ServiceMapSchema, cliServiceDump, 'cli-service_dump.json');
    assertParses(ServiceMapSchema, get.service_map, 'get.service_map');
    assertParses(ServiceMapSchema, cliStatus.servicemap, 'cli-status.json servicemap');
    assertParses(ServiceMapSchema, synthServiceMap, 'synthetic service map with an rgw');
    assertAllParse(
      ServiceMapSchema,
      fromTraces((t) => t.maps.service_map ?? []),
      'trace service_map',
      0,
    );
  });

  it('HealthMapSchema: ceph health detail, get(health) text, ceph status health, every health map of both traces', () => {
    assertParses(HealthMapSchema, cliHealth, 'cli-health_detail.json');
    assertParses(HealthMapSchema, getHealth, 'get.health.json');
    assertParses(HealthMapSchema, cliStatus.health, 'cli-status.json health');
    assertParses(HealthMapSchema, synthHealth, 'synthetic health with a mute');
    assertAllParse(
      HealthMapSchema,
      fromTraces((t) => t.maps.health ?? []),
      'trace health',
      140,
    );
    assert.equal(HealthStatus.HEALTH_WARN, 'HEALTH_WARN');
    assert.deepEqual(HealthStatusSchema.options, ['HEALTH_OK', 'HEALTH_WARN', 'HEALTH_ERR']);
  });

  it('MonStatusSchema: get(mon_status) text, trace mon_status', () => {
    assertParses(MonStatusSchema, getMonStatus, 'get.mon_status.json');
    assertAllParse(
      MonStatusSchema,
      fromTraces((t) => t.maps.mon_status ?? []),
      'trace mon_status',
      0,
    );
  });

  it('PgStatSchema: every pg_stats element of ceph pg dump, get(pg_dump), get(pg_stats), both traces', () => {
    assertAllParse(PgStatSchema, arr(cliPgMap.pg_stats), 'cli-pg_dump pg_stats', 65);
    assertAllParse(PgStatSchema, arr(obj(get.pg_dump).pg_stats), 'get.pg_dump pg_stats', 65);
    assertAllParse(PgStatSchema, arr(obj(get.pg_stats).pg_stats), 'get.pg_stats pg_stats', 65);
    assertAllParse(
      PgStatSchema,
      fromTraces((t) => t.pgStats),
      'trace pg_stats',
      7000,
    );
  });

  it('OsdStatSchema: every osd_stats element of ceph pg dump, get(pg_dump), get(osd_stats), both traces', () => {
    assertAllParse(OsdStatSchema, arr(cliPgMap.osd_stats), 'cli-pg_dump osd_stats', 3);
    assertAllParse(OsdStatSchema, arr(obj(get.pg_dump).osd_stats), 'get.pg_dump osd_stats', 3);
    assertAllParse(OsdStatSchema, arr(obj(get.osd_stats).osd_stats), 'get.osd_stats osd_stats', 3);
    assertAllParse(
      OsdStatSchema,
      fromTraces((t) => t.osdStats),
      'trace osd_stat',
      400,
    );
  });

  it('PoolStatfsSchema: pool_statfs of ceph pg dump, get(pg_dump), get(osd_stats), both traces', () => {
    assertParses(PoolStatfsSchema, cliPgMap.pool_statfs, 'cli-pg_dump pool_statfs');
    assertParses(PoolStatfsSchema, obj(get.pg_dump).pool_statfs, 'get.pg_dump pool_statfs');
    assertParses(PoolStatfsSchema, obj(get.osd_stats).pool_statfs, 'get.osd_stats pool_statfs');
    assertParses(PoolStatfsSchema, synthPoolStatfs, 'synthetic pool_statfs list');
    assertParses(PoolStatfsSchema, { '3': synthPoolStatfs[0] }, 'synthetic pool_statfs by pool id');
    assertAllParse(
      PoolStatfsSchema,
      fromTraces((t) => t.poolStatfs),
      'trace pool_statfs',
      0,
    );
  });

  it('ClogEntrySchema: every clog entry of both traces', () => {
    assertAllParse(
      ClogEntrySchema,
      fromTraces((t) => t.clog),
      'trace clog',
      252,
    );
  });

  it('DaemonMetadataSchema: get_metadata, get(osd_metadata), every daemon_open of both traces', () => {
    assertParses(DaemonMetadataSchema, acc.get_metadata_osd0, 'get_metadata osd 0');
    assertParses(DaemonMetadataSchema, acc.get_metadata_mgr, 'get_metadata mgr');
    assertAllParse(DaemonMetadataSchema, Object.values(obj(get.osd_metadata)), 'get.osd_metadata', 3);
    assertAllParse(
      DaemonMetadataSchema,
      fromTraces((t) => t.metadata),
      'trace metadata',
      6,
    );
    // `ceph osd metadata` adds a numeric id to the strings.
    assertAllParse(OsdMetadataEntrySchema, cliOsdMetadata, 'cli-osd_metadata.json', 3);
    assert.ok(!DaemonMetadataSchema.safeParse(cliOsdMetadata[0]).success, 'the CLI form is not all strings');
  });

  it('PerfSchemaSchema and PerfSchemaEntrySchema: get_perf_schema, trace perf schemas', () => {
    assertParses(PerfSchemaSchema, perfSchemaOsd0, 'get_perf_schema osd.0');
    assertAllParse(PerfSchemaEntrySchema, Object.values(perfSchemaOsd0), 'get_perf_schema osd.0 entries', 37);
    assertAllParse(
      PerfSchemaSchema,
      fromTraces((t) => t.perfSchemas),
      'trace perf_schema',
      0,
    );
  });

  it('CounterValueSchema: every counter of every daemon_report of both traces', () => {
    const reports = fromTraces((t) => t.counters);
    assertAllParse(PerfCountersSchema, reports, 'trace counters', 282);
    const values = reports.flatMap((r) => Object.values(obj(r)));
    assertAllParse(CounterValueSchema, values, 'trace counter values', 1000);
    assert.ok(values.some((v) => typeof v === 'number'));
    assert.ok(values.some((v) => isObject(v) && 'avgcount' in v));
  });

  it('DaemonStatusSchema: get_daemon_status, trace statuses', () => {
    assertParses(DaemonStatusSchema, acc.get_daemon_status_osd0, 'get_daemon_status osd 0');
    assertAllParse(
      DaemonStatusSchema,
      fromTraces((t) => t.statuses),
      'trace status',
      0,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------

const firstClog = fromTraces((t) => t.clog)[0];
const firstCounters = fromTraces((t) => t.counters).find((c) => isObject(c) && 'osd.op_w_latency' in c);

const cases: { [name: string]: SchemaCases } = {
  OsdMapSchema: {
    schema: OsdMapSchema,
    sample: cliOsdDump,
    required: [
      ['epoch'],
      ['fsid'],
      ['pools'],
      ['osds'],
      ['pools', 0, 'pg_num'],
      ['pools', 1, 'size'],
      ['osds', 1, 'up'],
      ['osds', 2, 'in'],
      ['osds', 0, 'weight'],
      ['osd_xinfo', 0, 'osd'],
      ['pg_temp', 0, 'osds'],
    ],
    wrongType: [
      [['epoch'], '46'],
      [['epoch'], 46.5],
      [['fsid'], 1],
      [['full_ratio'], '0.95'],
      [['flags_set'], 'sortbitwise'],
      [['pools', 0, 'last_change'], [15]],
      [['pools', 1, 'pg_num'], '64'],
      [['pools', 1, 'application_metadata', 'rgw'], 'yes'],
      [['osds', 0, 'osd'], 0.5],
      [['osds', 0, 'weight'], '0.8'],
      [['osds', 2, 'up'], 2],
      [['osds', 0, 'state'], 'exists,up'],
      [['pg_temp', 0, 'osds', 0], 'osd.1'],
      [['primary_temp'], { '1.0': 3 }],
    ],
    extras: [[], ['pools', 0], ['pools', 0, 'last_pg_merge_meta'], ['osds', 0], ['osd_xinfo', 0], ['pg_temp', 0]],
  },
  PoolSchema: {
    schema: PoolSchema,
    sample: arr(obj(cliOsdDump).pools)[1],
    required: [['pool'], ['pool_name'], ['size'], ['min_size'], ['pg_num'], ['crush_rule']],
    wrongType: [
      [['pool_name'], 3],
      [['pg_num'], 64.5],
      [['options'], []],
    ],
    extras: [[], ['hit_set_params']],
  },
  OsdSchema: {
    schema: OsdSchema,
    sample: arr(obj(cliOsdDump).osds)[0],
    required: [['osd'], ['up'], ['in'], ['weight']],
    wrongType: [
      [['in'], true],
      [['primary_affinity'], null],
      [['public_addrs', 'addrvec', 0, 'nonce'], '6287'],
    ],
    extras: [[], ['public_addrs'], ['public_addrs', 'addrvec', 0]],
  },
  CrushMapSchema: {
    schema: CrushMapSchema,
    sample: cliCrush,
    required: [
      ['devices'],
      ['types'],
      ['buckets'],
      ['rules'],
      ['tunables'],
      ['devices', 0, 'id'],
      ['buckets', 0, 'id'],
      ['buckets', 1, 'items'],
      ['buckets', 0, 'items', 0, 'weight'],
      ['rules', 0, 'rule_name'],
      ['rules', 0, 'steps', 0, 'op'],
      ['tunables', 'profile'],
    ],
    wrongType: [
      [['buckets', 0, 'items', 0, 'weight'], '1'],
      [['buckets', 0, 'weight'], 0.5],
      [['types', 0, 'type_id'], 'osd'],
      [['devices', 1, 'class'], 1],
      [['rules', 0, 'steps', 0, 'item'], '-1'],
    ],
    extras: [[], ['devices', 0], ['buckets', 0], ['buckets', 0, 'items', 0], ['rules', 0, 'steps', 0], ['tunables']],
  },
  MonMapSchema: {
    schema: MonMapSchema,
    sample: cliMonDump,
    required: [['epoch'], ['fsid'], ['modified'], ['created'], ['mons'], ['mons', 0, 'rank'], ['mons', 0, 'name']],
    wrongType: [
      [['fsid'], 1],
      [['epoch'], '1'],
      [['quorum', 0], 'a'],
      [['mons', 0, 'public_addrs', 'addrvec', 0, 'nonce'], '0'],
      [['features', 'persistent'], 'kraken'],
    ],
    extras: [[], ['mons', 0], ['mons', 0, 'public_addrs', 'addrvec', 0], ['features']],
  },
  FsMapSchema: {
    schema: FsMapSchema,
    sample: synthFsMap,
    required: [
      ['epoch'],
      ['standbys'],
      ['filesystems'],
      ['standbys', 0, 'gid'],
      ['filesystems', 0, 'id'],
      ['filesystems', 0, 'mdsmap'],
      ['filesystems', 0, 'mdsmap', 'fs_name'],
      ['filesystems', 0, 'mdsmap', 'max_mds'],
      ['filesystems', 0, 'mdsmap', 'data_pools'],
      ['filesystems', 0, 'mdsmap', 'info', 'gid_4321', 'state'],
    ],
    wrongType: [
      [['epoch'], '9'],
      [['filesystems', 0, 'mdsmap', 'up', 'mds_0'], 'a'],
      [['filesystems', 0, 'mdsmap', 'in', 0], '0'],
      [['filesystems', 0, 'mdsmap', 'info', 'gid_4321', 'rank'], '0'],
      [['filesystems', 0, 'mdsmap', 'enabled'], 1],
      [['feature_flags', 'enable_multiple'], 'true'],
    ],
    extras: [
      [],
      ['filesystems', 0],
      ['filesystems', 0, 'mdsmap'],
      ['filesystems', 0, 'mdsmap', 'info', 'gid_4321'],
      ['standbys', 0],
      ['compat'],
    ],
  },
  MgrMapSchema: {
    schema: MgrMapSchema,
    sample: synthMgrMap,
    required: [
      ['epoch'],
      ['active_gid'],
      ['active_name'],
      ['available'],
      ['modules'],
      ['services'],
      ['standbys', 0, 'name'],
      ['available_modules', 0, 'can_run'],
    ],
    wrongType: [
      [['available'], 'true'],
      [['modules', 0], 1],
      [['services'], []],
      [['active_gid'], '4143'],
      [['available_modules', 0, 'module_options', 'interval', 'type'], 1],
      [['standbys', 0, 'gid'], 'y'],
    ],
    extras: [[], ['available_modules', 0], ['available_modules', 0, 'module_options', 'interval'], ['standbys', 0]],
  },
  ServiceMapSchema: {
    schema: ServiceMapSchema,
    sample: synthServiceMap,
    required: [
      ['epoch'],
      ['modified'],
      ['services'],
      ['services', 'rgw', 'daemons'],
      ['services', 'rgw', 'daemons', '14120', 'start_epoch'],
      ['services', 'rgw', 'daemons', '14120', 'metadata'],
    ],
    wrongType: [
      [['epoch'], 'x'],
      [['services', 'rgw', 'daemons', 'summary'], 1],
      [['services', 'rgw', 'daemons', '14120', 'metadata', 'hostname'], 1],
      [['services', 'rgw', 'daemons', '14120', 'gid'], '14120'],
    ],
    extras: [[], ['services', 'rgw'], ['services', 'rgw', 'daemons', '14120']],
  },
  HealthMapSchema: {
    schema: HealthMapSchema,
    sample: synthHealth,
    required: [
      ['status'],
      ['checks'],
      ['checks', 'PG_DEGRADED', 'severity'],
      ['checks', 'PG_DEGRADED', 'summary'],
      ['checks', 'PG_DEGRADED', 'summary', 'message'],
      ['checks', 'PG_DEGRADED', 'detail', 0, 'message'],
      ['mutes', 0, 'code'],
    ],
    wrongType: [
      [['status'], 'HEALTH_BAD'],
      [['status'], 0],
      [['checks', 'PG_AVAILABILITY', 'severity'], 'WARN'],
      [['checks', 'PG_AVAILABILITY', 'summary', 'count'], '9'],
      [['checks', 'PG_DEGRADED', 'muted'], 'no'],
      [['checks', 'PG_DEGRADED', 'detail'], 'pg 3.0 is degraded'],
      [['mutes'], {}],
    ],
    extras: [
      [],
      ['checks', 'PG_DEGRADED'],
      ['checks', 'PG_DEGRADED', 'summary'],
      ['checks', 'PG_DEGRADED', 'detail', 0],
    ],
  },
  MonStatusSchema: {
    schema: MonStatusSchema,
    sample: getMonStatus,
    required: [
      ['name'],
      ['rank'],
      ['state'],
      ['election_epoch'],
      ['quorum'],
      ['monmap'],
      ['monmap', 'mons', 0, 'rank'],
    ],
    wrongType: [
      [['rank'], '0'],
      [['quorum', 0], 'a'],
      [['features', 'quorum_con'], FEATURES],
      [['feature_map', 'osd', 0, 'num'], '3'],
      [['monmap', 'epoch'], '1'],
    ],
    extras: [[], ['monmap'], ['features'], ['feature_map', 'osd', 0]],
  },
  PgStatSchema: {
    schema: PgStatSchema,
    sample: arr(cliPgMap.pg_stats)[0],
    required: [
      ['pgid'],
      ['version'],
      ['reported_seq'],
      ['state'],
      ['stat_sum'],
      ['stat_sum', 'num_objects'],
      ['stat_sum', 'num_bytes'],
      ['up'],
      ['acting'],
      ['up_primary'],
      ['acting_primary'],
      ['last_scrub_stamp'],
    ],
    wrongType: [
      [['pgid'], 3.1],
      [['version'], 46],
      [['reported_seq'], true],
      [['reported_epoch'], '45a'],
      [['state'], ['active', 'clean']],
      [['up', 0], '1'],
      [['stat_sum', 'num_objects'], '10'],
      [['stat_sum', 'num_bytes'], 1.5],
    ],
    extras: [[], ['stat_sum']],
  },
  OsdStatSchema: {
    schema: OsdStatSchema,
    sample: arr(cliPgMap.osd_stats)[0],
    required: [
      ['osd'],
      ['kb'],
      ['kb_used'],
      ['kb_avail'],
      ['hb_peers'],
      ['perf_stat'],
      ['perf_stat', 'commit_latency_ms'],
    ],
    wrongType: [
      [['kb'], '262144'],
      [['hb_peers', 0], 'osd.0'],
      [['statfs', 'total'], '268435456'],
      [['num_pgs'], 26.5],
      [['op_queue_age_hist', 'histogram'], {}],
    ],
    extras: [[], ['statfs'], ['perf_stat'], ['op_queue_age_hist']],
  },
  PoolStatfsSchema: {
    schema: PoolStatfsSchema,
    sample: synthPoolStatfs,
    required: [],
    wrongType: [
      [[0, 'poolid'], '3'],
      [[0, 'data_stored'], '4096'],
    ],
    extras: [[0]],
  },
  ClogEntrySchema: {
    schema: ClogEntrySchema,
    sample: firstClog,
    required: [['name'], ['rank'], ['stamp'], ['seq'], ['channel'], ['priority'], ['message']],
    wrongType: [
      [['rank'], 0],
      [['seq'], '92'],
      [['message'], null],
      [['addrs', 'addrvec', 0, 'addr'], 1],
    ],
    extras: [[], ['addrs']],
  },
  PerfSchemaEntrySchema: {
    schema: PerfSchemaEntrySchema,
    sample: perfSchemaOsd0['osd.numpg'],
    required: [['description'], ['priority'], ['type'], ['units']],
    wrongType: [
      [['priority'], '5'],
      [['type'], 2.5],
      [['nick'], 1],
    ],
    extras: [[]],
  },
  PerfSchemaSchema: {
    schema: PerfSchemaSchema,
    sample: perfSchemaOsd0,
    required: [
      ['osd.op_w', 'units'],
      ['osd.op_w', 'type'],
    ],
    wrongType: [
      [['osd.numpg', 'nick'], 3],
      [['osd.op_w'], 'counter'],
    ],
    extras: [['osd.op_w']],
  },
  CounterValueSchema: {
    schema: CounterValueSchema,
    sample: { avgcount: 15127, sum: 16.871413389, avgtime: 0.00111 },
    required: [['avgcount'], ['sum']],
    wrongType: [
      [['avgcount'], 1.5],
      [['sum'], '16.8'],
      [['avgtime'], null],
    ],
    extras: [[]],
  },
  PerfCountersSchema: {
    schema: PerfCountersSchema,
    sample: firstCounters,
    required: [['osd.op_w_latency', 'sum']],
    wrongType: [
      [['osd.op_w'], '15127'],
      [['osd.op_w_latency', 'avgcount'], '1'],
    ],
    extras: [['osd.op_w_latency']],
  },
  DaemonMetadataSchema: {
    schema: DaemonMetadataSchema,
    sample: acc.get_metadata_osd0,
    required: [],
    wrongType: [
      [['hostname'], 1],
      [['osd_objectstore'], null],
    ],
    extras: [[]],
    extraValue: 'a string',
  },
  OsdMetadataEntrySchema: {
    schema: OsdMetadataEntrySchema,
    sample: cliOsdMetadata[0],
    required: [['id']],
    wrongType: [
      [['id'], '0'],
      [['arch'], 64],
    ],
    extras: [[]],
    extraValue: 'a string',
  },
  DaemonStatusSchema: {
    schema: DaemonStatusSchema,
    sample: { state: 'active', task: 'scrubbing' },
    required: [],
    wrongType: [[['state'], 1]],
    extras: [[]],
    extraValue: 'a string',
  },
};

describe('unknown extra fields survive a parse', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const extra = c.extraValue ?? { added_by: 'a later Ceph release', values: [1, 'two', null] };
      let value = c.sample;
      for (const path of c.extras) {
        assert.ok(isObject(at(value, path)), `${name}: ${JSON.stringify(path)} is an object`);
        value = edit(value, [...path, 'zz_future_field'], extra);
      }
      const r = c.schema.safeParse(value);
      assert.ok(r.success, `${name}: ${r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))}`);
      for (const path of c.extras) assert.deepEqual(at(r.data, [...path, 'zz_future_field']), extra);
      assert.deepEqual(r.data, value);
    });
  }
});

describe('a missing required field or a wrong type is an error at that field', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: the unmodified sample parses`, () => {
      assertParses(c.schema, c.sample, name);
    });
    for (const path of c.required) {
      it(`${name}: without ${path.join('.')}`, () => {
        assertRejectsAt(c.schema, edit(c.sample, path), path, `${name} without ${path.join('.')}`);
      });
    }
    for (const [path, value] of c.wrongType) {
      it(`${name}: ${path.join('.')} = ${JSON.stringify(value)}`, () => {
        assertRejectsAt(c.schema, edit(c.sample, path, value), path, `${name} ${path.join('.')}`);
      });
    }
  }

  it('CounterValueSchema: a string is not a counter value', () => {
    assertRejectsAt(CounterValueSchema, '5', [], 'CounterValue "5"');
    assertParses(CounterValueSchema, 5, 'CounterValue 5');
    assertParses(CounterValueSchema, { avgcount: 0, sum: 0 }, 'CounterValue {avgcount, sum}');
  });

  it('PgStatSchema: reported_seq and reported_epoch may be decimal strings, as Ceph before Pacific prints them', () => {
    const sample = arr(cliPgMap.pg_stats)[0];
    assertParses(PgStatSchema, edit(edit(sample, ['reported_seq'], '1315'), ['reported_epoch'], '45'), 'string form');
  });

  it('optional release-dependent fields may be absent', () => {
    // A Luminous-era OSD map: no flags_num/flags_set/last_up_change, `blacklist` instead of `blocklist`, no addrvecs.
    let old = edit(cliOsdDump, ['blocklist']);
    for (const key of ['flags_num', 'flags_set', 'last_up_change', 'last_in_change', 'stretch_mode', 'crush_version']) {
      old = edit(old, [key]);
    }
    old = edit(old, ['blacklist'], {});
    for (const key of ['public_addrs', 'cluster_addrs', 'heartbeat_back_addrs', 'heartbeat_front_addrs']) {
      old = edit(old, ['osds', 0, key]);
    }
    assertParses(OsdMapSchema, old, 'Luminous-like osd map');
    // Luminous's mgr map lists available modules by name.
    const oldMgr = edit(cliMgrDump, ['available_modules'], ['balancer', 'dashboard', 'restful', 'status']);
    assertParses(MgrMapSchema, oldMgr, 'Luminous-like mgr map');
  });
});
