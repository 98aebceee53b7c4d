import type { HealthMap } from '../../schemas/maps/index.ts';
import { MgrError } from '../errors.ts';
import type { ClusterHealthCheck } from '../health/health-checks.ts';
import { type MergedHealth, mergeHealth } from '../health/merged-health.ts';
import { type ClogLevel, formatClogEntry, lastClogEntries } from '../log/cluster-log.ts';
import type { ClusterState } from '../state/cluster-state.ts';
import { ringItems } from '../state/ring.ts';
import { type GET_NAMES, VIEWS } from '../state/views/index.ts';
import type { ConfigStore } from '../store/config-store.ts';
import type { KvStore } from '../store/kv-store.ts';
import type { CommandEntry, CommandTable } from './command-table.ts';
import type { CommandPerm } from './decorators.ts';
import { parseDescriptor } from './descriptor.ts';
import { formatObject } from './object-format.ts';
import { type CommandTuple, errorResult } from './result.ts';
import type { CommandDict } from './validate.ts';

/** What the host's own commands need of it. */
export interface BuiltinHost {
  readonly state: ClusterState;
  module_ls(): unknown;
  enable(name: string): Promise<void>;
  disable(name: string): Promise<void>;
  /** Health checks raised inside the manager (modules and the host). */
  mgrHealthChecks(): Record<string, ClusterHealthCheck>;
  readonly config: ConfigStore;
  readonly kv: KvStore;
  /** Where this manager's running modules serve (their `set_uri`), or null on a standby (the active's are shown). */
  serviceUris(): Record<string, string> | null;
  /** This manager's own mgr map (itself, its modules, their URIs): what `mgr dump` shows when the source sent none. */
  ownMgrMap(): object;
  /** Checks a setting (a module's declared option by its type, range and values) and returns the text to keep. */
  checkSetting(name: string, value: string): string;
}

function answer(value: unknown, cmd: CommandDict, plain: () => string): CommandTuple {
  const format = cmd.format as string | undefined;
  if (format === undefined || format === 'plain') return [0, plain(), ''];
  return [0, formatObject(value, format), ''];
}

/** Cluster health as `ceph health [detail]` shows it: the monitors' checks and the manager's own. */
function healthOf(host: BuiltinHost): MergedHealth {
  return mergeHealth(host.state.maps.health?.map as HealthMap | undefined, host.mgrHealthChecks());
}

function healthText(h: MergedHealth, detail: boolean): string {
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

/** Settings the host keeps for itself (`mgrkit:...`, such as the enabled modules) are not shown as config. */
function visible(entries: Array<[string, string]>): Array<[string, string]> {
  return entries.filter(([k]) => !k.startsWith('mgrkit:'));
}

/** `config` and `config-key`: the host's settings and its config-key store, as Ceph's commands of those names. */
function registerConfigCommands(add: Adder, host: BuiltinHost): void {
  add(
    'config set name=who,type=CephString name=name,type=CephString name=value,type=CephString',
    'Set a configuration option for one or more entities',
    'rw',
    async (cmd) => {
      await host.config.set(cmd.name as string, host.checkSetting(cmd.name as string, cmd.value as string));
      return [0, '', ''];
    },
  );
  add(
    'config rm name=who,type=CephString name=name,type=CephString',
    'Clear a configuration option for one or more entities',
    'rw',
    async (cmd) => {
      await host.config.set(cmd.name as string, null);
      return [0, '', ''];
    },
  );
  add(
    'config get name=who,type=CephString name=key,type=CephString,req=false',
    'Show configuration option(s) for an entity',
    'r',
    async (cmd) => {
      if (cmd.key !== undefined) {
        const v = host.config.get(cmd.key as string);
        if (v === undefined)
          return errorResult(new MgrError('MGR_ERR_CONFIG_UNKNOWN_OPTION', `unrecognized key '${cmd.key}'`));
        return answer(v, cmd, () => v);
      }
      const all = Object.fromEntries(visible(host.config.entries()));
      return answer(all, cmd, () =>
        Object.entries(all)
          .map(([k, v]) => `${k.padEnd(40)} ${v}`)
          .join('\n'),
      );
    },
  );
  add('config dump', 'Show all configuration option(s)', 'r', async (cmd) => {
    const rows = visible(host.config.entries()).map(([name, value]) => ({
      section: name.startsWith('mgr/') ? 'mgr' : 'global',
      name,
      value,
    }));
    return answer(rows, cmd, () =>
      [
        'WHO     OPTION                                   VALUE',
        ...rows.map((r) => `${r.section.padEnd(7)} ${r.name.padEnd(40)} ${r.value}`),
      ].join('\n'),
    );
  });
  add('config-key get name=key,type=CephString', 'get <key>', 'r', async (cmd) => {
    const v = host.kv.get(cmd.key as string);
    if (v === undefined) {
      return errorResult(
        new MgrError('MGR_ERR_CONFIG_KEY_NOT_FOUND', `error obtaining '${cmd.key}': (2) No such file or directory`),
      );
    }
    return [0, v, `obtained '${cmd.key}'`];
  });
  add(
    'config-key set name=key,type=CephString name=val,type=CephString,req=false',
    'set <key> to value <val>',
    'rw',
    async (cmd, inbuf) => {
      await host.kv.set(cmd.key as string, (cmd.val as string | undefined) ?? inbuf);
      return [0, '', `set ${cmd.key}`];
    },
  );
  add('config-key rm name=key,type=CephString', 'rm <key>', 'rw', async (cmd) => {
    const had = host.kv.has(cmd.key as string);
    await host.kv.set(cmd.key as string, null);
    return [0, '', had ? 'key deleted' : `key '${cmd.key}' doesn't exist`];
  });
  add('config-key exists name=key,type=CephString', "check for <key>'s existence", 'r', async (cmd) => {
    return host.kv.has(cmd.key as string)
      ? [0, '', `key '${cmd.key}' exists`]
      : errorResult(new MgrError('MGR_ERR_CONFIG_KEY_NOT_FOUND', `key '${cmd.key}' doesn't exist`));
  });
  add('config-key ls', 'list keys', 'r', async () => [
    0,
    JSON.stringify(
      host.kv.entries().map(([k]) => k),
      null,
      4,
    ),
    '',
  ]);
  add(
    'config-key dump name=key,type=CephString,req=false',
    'dump keys and values (with optional prefix)',
    'r',
    async (cmd) => [
      0,
      JSON.stringify(Object.fromEntries(host.kv.entries((cmd.key as string | undefined) ?? '')), null, 4),
      '',
    ],
  );
}

type Adder = (
  descriptor: string,
  desc: string,
  perm: CommandPerm,
  run: (cmd: CommandDict, inbuf: string) => Promise<CommandTuple>,
) => void;

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
  const add: Adder = (descriptor, desc, perm, run) => {
    const entry: CommandEntry = { signature: parseDescriptor(descriptor), desc, perm, poll: false, module: null, run };
    table.add(entry);
  };
  add('mgr module ls', 'list active mgr modules', 'r', async (cmd) => {
    const ls = host.module_ls() as {
      enabled_modules: string[];
      always_on_modules: string[];
      disabled_modules: Array<{ name: string; can_run: boolean; error_string: string }>;
      failed_modules: Array<{ name: string; can_run: boolean; error_string: string }>;
    };
    return answer(ls, cmd, () => {
      // An enabled module that is not running says why, where Ceph's table would say `on`.
      const on = (m: string, state: string) => {
        const f = ls.failed_modules.find((x) => x.name === m);
        const why = f === undefined ? state : `failed: ${f.error_string}`;
        return `${m.padEnd(20)} ${why}`;
      };
      const rows = [
        ...ls.always_on_modules.map((m) => on(m, 'on (always on)')),
        ...ls.enabled_modules.map((m) => on(m, 'on')),
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
    // As Ceph's: the services the modules published with set_uri, not what a recorded or simulated map says.
    const services =
      host.serviceUris() ??
      (host.state.maps.mgr_map?.map as { services?: Record<string, string> } | undefined)?.services ??
      {};
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
  add(
    'log last name=num,type=CephInt,range=1,req=false name=level,type=CephChoices,strings=debug|info|sec|warn|error,req=false name=channel,type=CephChoices,strings=*|cluster|audit|cephadm,req=false',
    'print last few lines of the cluster log',
    'r',
    async (cmd) => {
      const entries = lastClogEntries(
        ringItems(host.state.clog),
        (cmd.num as number | undefined) ?? 20,
        (cmd.level as ClogLevel | undefined) ?? 'info',
        (cmd.channel as string | undefined) ?? 'cluster',
      );
      return answer(entries, cmd, () => entries.map(formatClogEntry).join('\n'));
    },
  );
  registerConfigCommands(add, host);
  for (const [prefix, name, desc] of DUMPS) {
    add(prefix, desc, 'r', async (cmd) => {
      const value = VIEWS[name](host.state) ?? (name === 'mgr_map' ? host.ownMgrMap() : null);
      // A recording made without this map (the shipped traces hold only OSD maps, health, stats and the log) has
      // none to show: said so, where Ceph, whose monitors always have every map, never answers null. The manager
      // knows its own part of the mgr map, and shows that.
      if (value === null) {
        return errorResult(
          new MgrError(
            'MGR_ERR_MAP_ABSENT',
            `no ${name} yet: the source has sent none (a recording made without it, such as the shipped traces, never will)`,
          ),
        );
      }
      return answer(value, { ...cmd, format: cmd.format ?? 'json-pretty' }, () => JSON.stringify(value, null, 4));
    });
  }
}
