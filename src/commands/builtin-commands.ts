import type { ClusterHealthCheck } from '../health/health-checks.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { type GET_NAMES, VIEWS } from '../state/views/index.ts';
import type { CommandEntry, CommandTable } from './command-table.ts';
import type { CommandPerm } from './decorators.ts';
import { parseDescriptor } from './descriptor.ts';
import { formatObject } from './object-format.ts';
import type { CommandResult } from './result.ts';
import type { CommandDict } from './validate.ts';

/** What the host's own commands need of it. */
export interface BuiltinHost {
  readonly state: ClusterState;
  module_ls(): unknown;
  enable(name: string): Promise<void>;
  disable(name: string): Promise<void>;
  /** Health checks raised inside the manager (modules and the host). */
  mgrHealthChecks(): Record<string, ClusterHealthCheck>;
}

function answer(value: unknown, cmd: CommandDict, plain: () => string): CommandResult {
  const format = cmd.format as string | undefined;
  if (format === undefined || format === 'plain') return [0, plain(), ''];
  return [0, formatObject(value, format), ''];
}

/** Cluster health as `ceph health [detail]` shows it: the monitors' checks and the manager's own. */
function healthOf(host: BuiltinHost): { status: string; checks: Record<string, ClusterHealthCheck>; mutes: unknown[] } {
  const mon = (host.state.maps.health?.map ?? { status: 'HEALTH_OK', checks: {}, mutes: [] }) as {
    status: string;
    checks?: Record<string, ClusterHealthCheck>;
    mutes?: unknown[];
  };
  const checks = { ...(mon.checks ?? {}), ...host.mgrHealthChecks() };
  const severities = Object.values(checks).map((c) => c.severity);
  const status = severities.includes('HEALTH_ERR')
    ? 'HEALTH_ERR'
    : severities.includes('HEALTH_WARN')
      ? 'HEALTH_WARN'
      : 'HEALTH_OK';
  return { status, checks, mutes: mon.mutes ?? [] };
}

function healthText(h: ReturnType<typeof healthOf>, detail: boolean): string {
  const codes = Object.entries(h.checks);
  if (codes.length === 0) return h.status;
  const lines = [`${h.status}${detail ? '' : ` ${codes.map(([, c]) => c.summary.message).join('; ')}`}`];
  if (detail) {
    for (const [code, c] of codes) {
      lines.push(`[${c.severity === 'HEALTH_ERR' ? 'ERR' : 'WRN'}] ${code}: ${c.summary.message}`);
      for (const d of c.detail ?? []) lines.push(`    ${d.message}`);
    }
  }
  return lines.join('\n');
}

const DUMPS: Array<[prefix: string, name: (typeof GET_NAMES)[number], desc: string]> = [
  ['osd dump', 'osd_map', 'print the OSD map'],
  ['osd crush dump', 'osd_map_crush', 'print the CRUSH map'],
  ['mon dump', 'mon_map', 'print the monitor map'],
  ['fs dump', 'fs_map', 'print the file system map'],
  ['mgr dump', 'mgr_map', 'print the manager map'],
  ['service dump', 'service_map', 'print the service map'],
  ['pg dump_stats', 'pg_stats', "print every PG's latest stats"],
];

/** The commands the host itself serves: module management, health, and the maps it holds. */
export function registerBuiltins(table: CommandTable, host: BuiltinHost): void {
  const add = (
    descriptor: string,
    desc: string,
    perm: CommandPerm,
    run: (cmd: CommandDict) => Promise<CommandResult>,
  ) => {
    const entry: CommandEntry = { signature: parseDescriptor(descriptor), desc, perm, poll: false, module: null, run };
    table.add(entry);
  };
  add('mgr module ls', 'list active mgr modules', 'r', async (cmd) => {
    const ls = host.module_ls() as {
      enabled_modules: string[];
      always_on_modules: string[];
      disabled_modules: Array<{ name: string; can_run: boolean; error_string: string }>;
    };
    return answer(ls, cmd, () => {
      const rows = [
        ...ls.always_on_modules.map((m) => `${m.padEnd(20)} on (always on)`),
        ...ls.enabled_modules.map((m) => `${m.padEnd(20)} on`),
        ...ls.disabled_modules.map(
          (m) => `${m.name.padEnd(20)} -${m.can_run ? '' : `   (cannot run: ${m.error_string})`}`,
        ),
      ];
      return `${'MODULE'.padEnd(20)} \n${rows.join('\n')}`;
    });
  });
  add('mgr module enable name=module,type=CephString', 'enable mgr module', 'rw', async (cmd) => {
    await host.enable(cmd.module as string);
    return [0, '', ''];
  });
  add('mgr module disable name=module,type=CephString', 'disable mgr module', 'rw', async (cmd) => {
    await host.disable(cmd.module as string);
    return [0, '', ''];
  });
  add('mgr services', 'list service endpoints provided by mgr modules', 'r', async (cmd) => {
    const services = ((host.state.maps.mgr_map?.map as { services?: Record<string, string> } | undefined)?.services ??
      {}) as Record<string, string>;
    return answer(services, cmd, () => JSON.stringify(services, null, 4));
  });
  add('health name=detail,type=CephChoices,strings=detail,req=false', 'show cluster health', 'r', async (cmd) => {
    const h = healthOf(host);
    const detail = cmd.detail === 'detail';
    const shown = detail
      ? h
      : {
          ...h,
          checks: Object.fromEntries(
            Object.entries(h.checks).map(([k, c]) => [k, { severity: c.severity, summary: c.summary }]),
          ),
        };
    return answer(shown, cmd, () => healthText(h, detail));
  });
  for (const [prefix, name, desc] of DUMPS) {
    add(prefix, desc, 'r', async (cmd) => {
      const value = VIEWS[name](host.state);
      return answer(value, { ...cmd, format: cmd.format ?? 'json-pretty' }, () => JSON.stringify(value, null, 4));
    });
  }
}
