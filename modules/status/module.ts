import { CLIReadCommand, MgrModule, type NotifyType, Responder } from 'mgrkit';

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
    return new StatusReport(this.status(), this.text());
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
