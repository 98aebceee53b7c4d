import { CLIReadCommand, type GetResult, MgrModule, type NotifyType, Responder } from 'mgrkit';

/** A `ceph status`-like summary, built only from the module accessors. */
export interface ClusterStatus {
  fsid: string | null;
  health: { status: string; checks: Record<string, { severity: string; summary: { message: string; count: number } }> };
  monmap: { epoch: number; num_mons: number } | null;
  osdmap: { epoch: number; num_osds: number; num_up_osds: number; num_in_osds: number } | null;
  pgmap: { pgs_by_state: Array<{ state_name: string; count: number }>; num_pgs: number; num_pools: number };
  mon_connection: boolean;
  /** The manager's progress events by id, as `ceph status` reports them (`message`, `progress`, `add_to_ceph_s`). */
  progress_events: Record<string, { message: string; progress: number; add_to_ceph_s: boolean }>;
}

/** The answer of the `status` command: the summary as data, or as text with `--format plain`. */
class StatusReport {
  constructor(
    private readonly data: ClusterStatus,
    private readonly text: string,
  ) {}
  to_simplified(): ClusterStatus {
    return this.data;
  }
  to_plain(): string {
    return this.text;
  }
}

/**
 * Keeps a `ceph status`-like summary of the cluster and logs a line when the health status changes. Read it with
 * `remote('status', 'status')` or as text with `remote('status', 'text')`.
 */
export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['health', 'osd_map', 'mon_map', 'pg_summary'];
  /** As in Ceph, `status` runs on every manager and cannot be disabled. */
  static ALWAYS_ON = true;

  private lastHealth = '';

  notify(type: NotifyType): void {
    if (type !== 'health') return;
    const status = this.status().health.status;
    if (status !== this.lastHealth) {
      this.log.info({ from: this.lastHealth || null, to: status }, 'health status changed');
      this.lastHealth = status;
    }
  }

  status(): ClusterStatus {
    const health = this.get('health');
    const parsed = health ? (JSON.parse(health.json) as ClusterStatus['health']) : { status: 'HEALTH_OK', checks: {} };
    const osd = this.get('osd_map');
    const mon = this.get('mon_map');
    // Counted by the manager once per snapshot, as `ceph status` counts them.
    const counts = Object.entries(this.get('pg_summary').all) as Array<[string, number]>;
    const numPgs = counts.reduce((n, [, c]) => n + c, 0);
    return {
      fsid: osd?.fsid ?? mon?.fsid ?? null,
      health: {
        status: parsed.status,
        checks: Object.fromEntries(
          Object.entries(parsed.checks ?? {}).map(([code, c]) => [code, { severity: c.severity, summary: c.summary }]),
        ),
      },
      monmap: mon ? { epoch: mon.epoch, num_mons: mon.mons.length } : null,
      osdmap: osd
        ? {
            epoch: osd.epoch,
            num_osds: osd.osds.length,
            num_up_osds: osd.osds.filter((o) => o.up === 1).length,
            num_in_osds: osd.osds.filter((o) => o.in === 1).length,
          }
        : null,
      pgmap: {
        pgs_by_state: counts
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .map(([state_name, count]) => ({ state_name, count })),
        num_pgs: numPgs,
        num_pools: osd?.pools.length ?? 0,
      },
      mon_connection: this.have_mon_connection(),
      progress_events: { ...this.get_progress_events() },
    };
  }

  /** Show a summary of the cluster's state */
  @CLIReadCommand('status')
  @Responder()
  status_command(): StatusReport {
    return new StatusReport(this.status(), this.cephText());
  }

  /** The summary in the layout of `ceph status`: cluster, services, data and io sections. */
  cephText(): string {
    const s = this.status();
    const section = (title: string, rows: string[]) => [`  ${title}:`, ...rows.map((r) => `    ${r}`)].join('\n');
    const cluster = [`id:     ${s.fsid ?? '(unknown)'}`, `health: ${s.health.status}`];
    for (const c of Object.values(s.health.checks)) cluster.push(`        ${c.summary.message}`);
    const services: string[] = [];
    const mon = this.get('mon_map');
    if (mon) services.push(`mon: ${mon.mons.length} daemons, quorum ${mon.mons.map((m) => m.name).join(',')}`);
    services.push(`mgr: ${this.get_mgr_id()}(active)`);
    if (s.osdmap)
      services.push(`osd: ${s.osdmap.num_osds} osds: ${s.osdmap.num_up_osds} up, ${s.osdmap.num_in_osds} in`);
    const pg = this.get('pg_status');
    const data = [
      `pools:   ${pg.num_pools} pools, ${pg.num_pgs} pgs`,
      `objects: ${siCount(pg.num_objects)} objects, ${bytes(pg.data_bytes)}`,
      `usage:   ${bytes(pg.bytes_used)} used, ${bytes(pg.bytes_avail)} / ${bytes(pg.bytes_total)} avail`,
      ...pgLines(pg).map((l, i) => (i === 0 ? `pgs:     ${l}` : `         ${l}`)),
    ];
    if (pg.num_pgs === 0) data.push('pgs:     ');
    const sections = [section('cluster', cluster), section('services', services), section('data', data)];
    const io = ioLines(pg);
    if (io.length > 0) sections.push(section('io', io));
    // Ceph separates the sections with a line holding one space.
    return sections.join('\n \n');
  }

  /** The summary as a few lines of text. */
  text(): string {
    const s = this.status();
    const lines = [`health: ${s.health.status}`];
    for (const [code, c] of Object.entries(s.health.checks)) lines.push(`        ${code}: ${c.summary.message}`);
    if (s.monmap) lines.push(`mon:    ${s.monmap.num_mons} daemons, monmap epoch ${s.monmap.epoch}`);
    if (s.osdmap) {
      lines.push(
        `osd:    ${s.osdmap.num_osds} osds: ${s.osdmap.num_up_osds} up, ${s.osdmap.num_in_osds} in (epoch ${s.osdmap.epoch})`,
      );
    }
    lines.push(`pgs:    ${s.pgmap.num_pgs} pgs in ${s.pgmap.num_pools} pools`);
    for (const p of s.pgmap.pgs_by_state) lines.push(`        ${p.count} ${p.state_name}`);
    // As `ceph status`: only the events added with add_to_ceph_s, each message (two lines from `progress`) indented.
    const shown = Object.values(s.progress_events).filter((e) => e.add_to_ceph_s);
    if (shown.length > 0) {
      lines.push('progress:');
      for (const e of shown) lines.push(`    ${e.message}`);
    }
    return lines.join('\n');
  }
}

/** Bytes as Ceph's `byte_u_t` prints them: `121 MiB`, `3.0 GiB`. */
function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i > 0 && v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** A count as Ceph's `si_u_t` prints it: `40.27k`. */
function siCount(n: number): string {
  const units = ['', 'k', 'M', 'G', 'T'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${n}` : `${v.toFixed(2)}${units[i]}`;
}

/** What `ceph status` prints of the PG map. */
type PgSummary = GetResult<'pg_status'>;

const percent = (ratio: number) => `${(ratio * 100).toFixed(3)}%`;

/**
 * The `pgs:` lines, as `PGMapDigest::print_summary`: the share of PGs unknown and not active, the objects degraded,
 * misplaced and unfound, then each state's count, left-aligned to the widest.
 */
function pgLines(pg: PgSummary): string[] {
  const lines: string[] = [];
  if (pg.unknown_pgs_ratio) lines.push(`${percent(pg.unknown_pgs_ratio)} pgs unknown`);
  if (pg.inactive_pgs_ratio) lines.push(`${percent(pg.inactive_pgs_ratio)} pgs not active`);
  for (const what of ['degraded', 'misplaced', 'unfound'] as const) {
    const n = pg[`${what}_objects`];
    const total = pg[`${what}_total`];
    const ratio = pg[`${what}_ratio`];
    if (n && total && ratio !== undefined) lines.push(`${n}/${total} objects ${what} (${percent(ratio)})`);
  }
  const width = Math.max(1, ...pg.pgs_by_state.map((p) => String(p.count).length));
  for (const p of pg.pgs_by_state) lines.push(`${String(p.count).padEnd(width)} ${p.state_name}`);
  return lines;
}

/** The io section: client and recovery rates over the manager's rate window, omitted when nothing moved. */
function ioLines(pg: PgSummary): string[] {
  const lines: string[] = [];
  if (pg.read_op_per_sec || pg.write_op_per_sec) {
    const rd = pg.read_bytes_sec ? `${bytes(pg.read_bytes_sec)}/s rd, ` : '';
    const wr = pg.write_bytes_sec ? `${bytes(pg.write_bytes_sec)}/s wr, ` : '';
    const ops = `${siCount(Math.floor(pg.read_op_per_sec ?? 0))} op/s rd, ${siCount(Math.floor(pg.write_op_per_sec ?? 0))} op/s wr`;
    lines.push(`client:   ${rd}${wr}${ops}`);
  }
  if (pg.recovering_objects_per_sec || pg.recovering_bytes_per_sec || pg.recovering_keys_per_sec) {
    const keys = pg.recovering_keys_per_sec ? `, ${siCount(Math.floor(pg.recovering_keys_per_sec))} keys/s` : '';
    const objects = siCount(Math.floor(pg.recovering_objects_per_sec ?? 0));
    lines.push(`recovery: ${bytes(pg.recovering_bytes_per_sec ?? 0)}/s${keys}, ${objects} objects/s`);
  }
  return lines;
}
