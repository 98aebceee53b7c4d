import { constants } from 'node:os';
import {
  type Availability,
  CLICommand,
  CLIReadCommand,
  CLIWriteCommand,
  DAEMON_ACTIONS,
  type DaemonAction,
  type DaemonDescription,
  formatObject,
  HandleCommandResult,
  type HostSpec,
  HostSpecSchema,
  type InventoryHost,
  MgrError,
  MgrModule,
  NoOrchestrator,
  type NotifyType,
  Option,
  OrchestratorError,
  type OrchResult,
  parsePlacement,
  parseServiceSpec,
  placementText,
  raiseIfException,
  SERVICE_TYPES,
  type ServiceDescription,
  type ServiceSpec,
  type ServiceType,
  serviceName,
} from 'mgrkit';
import { z } from 'zod';
import { formatDimless, prettyAge, renderTable } from './table.ts';

const { ENOENT, EINVAL } = constants.errno;

const FORMATS = ['plain', 'json', 'json-pretty', 'yaml', 'xml-pretty', 'xml'] as const;
type Format = (typeof FORMATS)[number];
const format = z.enum(FORMATS).optional();

/** A result in the requested format: plain text as Ceph's tables, else the data through the object formatter. */
function answer(fmt: Format | undefined, data: unknown, plain: () => string): HandleCommandResult {
  if (fmt === undefined || fmt === 'plain') return new HandleCommandResult(0, plain(), '');
  return new HandleCommandResult(0, formatObject(data, fmt), '');
}

/** The running/expected column of `orch ls`, and the status column of `orch ps`. */
function daemonStatus(d: DaemonDescription, now: number): string {
  return d.status_desc === 'running' && d.started !== undefined
    ? `running (${prettyAge(d.started, now)})`
    : d.status_desc;
}

/**
 * The `orch` commands of Ceph's `orchestrator` CLI module: each forwards to the backend module chosen with `orch set
 * backend` (its `orchestrator` option) through `remote()`, and prints what it answers as Ceph does, as tables or in
 * `--format` json/json-pretty/yaml. Without a backend every command but `orch set backend` answers Ceph's
 * "No orchestrator configured (try `ceph orch set backend`)", -ENOENT.
 */
export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = [];
  static MODULE_OPTIONS = [Option({ name: 'orchestrator', type: 'str', desc: 'Orchestrator backend' })];

  /** The backend module's name, or NoOrchestrator. */
  private backend(): string {
    const name = this.get_module_option<string | null>('orchestrator');
    if (name === null || name === '') throw new NoOrchestrator();
    return name;
  }

  /** Calls the backend's interface method and unwraps its OrchResult (Ceph's `_oremote` + `raise_if_exception`). */
  private async oremote<T>(method: string, ...args: unknown[]): Promise<T> {
    const r = await this.remote<OrchResult<T>>(this.backend(), method, ...args);
    return raiseIfException(r);
  }

  /** Runs a command's body, turning orchestrator errors into results as Ceph's `handle_exception` does. */
  private async guard(prefix: string, body: () => Promise<HandleCommandResult>): Promise<HandleCommandResult> {
    try {
      return await body();
    } catch (e) {
      if (e instanceof MgrError && e.code === 'MGR_ERR_ORCH_NOT_IMPLEMENTED') {
        return new HandleCommandResult(-ENOENT, '', `This Orchestrator does not support \`${prefix}\``);
      }
      if (e instanceof MgrError) return new HandleCommandResult(-e.errno, '', e.message);
      throw e;
    }
  }

  /** Report configured backend and its status */
  @CLIReadCommand('orch status', { args: z.object({ detail: z.boolean().optional(), format }) })
  orch_status({ format: fmt }: { detail?: boolean; format?: Format }) {
    return this.guard('orch status', async () => {
      const backend = this.backend();
      const [avail, why, extra] = await this.oremote<Availability>('available');
      const data: Record<string, unknown> = { available: avail, backend, ...(avail ? extra : { reason: why }) };
      return answer(fmt, data, () => {
        let out = `Backend: ${backend}\nAvailable: ${avail ? 'Yes' : 'No'}`;
        if (!avail) out += ` (${why})`;
        return out;
      });
    });
  }

  /** Select orchestrator module backend */
  @CLIWriteCommand('orch set backend', { args: z.object({ module_name: z.string().optional() }) })
  async set_backend({ module_name }: { module_name?: string }) {
    if (module_name === undefined || module_name === '') {
      await this.set_module_option('orchestrator', null);
      return new HandleCommandResult();
    }
    let isOrch: unknown;
    try {
      isOrch = await this.remote(module_name, 'is_orchestrator_module');
    } catch (e) {
      const code = (e as MgrError).code;
      if (code === 'MGR_ERR_REMOTE_NOT_ENABLED') {
        return new HandleCommandResult(
          -EINVAL,
          '',
          `Module '${module_name}' is not enabled. \n Run \`ceph mgr module enable ${module_name}\` to enable.`,
        );
      }
      if (code !== 'MGR_ERR_REMOTE_NO_METHOD') throw e;
    }
    if (isOrch !== true) {
      return new HandleCommandResult(-EINVAL, '', `Module '${module_name}' is not an orchestrator module`);
    }
    await this.set_module_option('orchestrator', module_name);
    return new HandleCommandResult();
  }

  /** List hosts */
  @CLIReadCommand('orch host ls', { args: z.object({ format, host_pattern: z.string().optional() }) })
  host_ls({ format: fmt }: { format?: Format }) {
    return this.guard('orch host ls', async () => {
      const hosts = await this.oremote<HostSpec[]>('get_hosts');
      return answer(fmt, hosts, () =>
        renderTable(
          ['HOST', 'ADDR', 'LABELS', 'STATUS'],
          hosts.map((h) => [h.hostname, h.addr ?? h.hostname, h.labels.join(' '), h.status]),
        ),
      );
    });
  }

  /** Add a host */
  @CLIWriteCommand('orch host add', {
    args: z.object({ hostname: z.string(), addr: z.string().optional(), labels: z.array(z.string()).optional() }),
  })
  host_add({ hostname, addr, labels }: { hostname: string; addr?: string; labels?: string[] }) {
    return this.guard('orch host add', async () => {
      const spec = HostSpecSchema.parse({ hostname, addr, labels: labels ?? [] });
      return new HandleCommandResult(0, await this.oremote<string>('add_host', spec), '');
    });
  }

  /** Remove a host */
  @CLIWriteCommand('orch host rm', {
    args: z.object({ hostname: z.string(), force: z.boolean().optional(), offline: z.boolean().optional() }),
  })
  host_rm({ hostname, force, offline }: { hostname: string; force?: boolean; offline?: boolean }) {
    return this.guard('orch host rm', async () => {
      const msg = await this.oremote<string>('remove_host', hostname, force ?? false, offline ?? false);
      return new HandleCommandResult(0, msg, '');
    });
  }

  /** List devices on a host */
  @CLIReadCommand('orch device ls', {
    args: z.object({
      hostname: z.array(z.string()).optional(),
      format,
      refresh: z.boolean().optional(),
      wide: z.boolean().optional(),
    }),
  })
  device_ls({ hostname, format: fmt, refresh }: { hostname?: string[]; format?: Format; refresh?: boolean }) {
    return this.guard('orch device ls', async () => {
      const filter = hostname === undefined || hostname.length === 0 ? undefined : { hosts: hostname };
      const inv = await this.oremote<InventoryHost[]>('get_inventory', filter, refresh ?? false);
      return answer(fmt, inv, () =>
        renderTable(
          ['HOST', 'PATH', 'TYPE', 'DEVICE ID', 'SIZE', 'AVAILABLE', 'REFRESHED', 'REJECT REASONS'],
          inv.flatMap((h) =>
            h.devices.map((d) => [
              h.name,
              d.path,
              d.human_readable_type,
              d.device_id,
              formatDimless(d.sys_api.size),
              d.available ? 'Yes' : 'No',
              '0s ago',
              d.rejected_reasons.join(', '),
            ]),
          ),
        ),
      );
    });
  }

  /** List services known to orchestrator */
  @CLIReadCommand('orch ls', {
    args: z.object({
      service_type: z.string().optional(),
      service_name: z.string().optional(),
      export: z.boolean().optional(),
      format,
      refresh: z.boolean().optional(),
    }),
  })
  orch_ls(a: { service_type?: string; service_name?: string; export?: boolean; format?: Format; refresh?: boolean }) {
    return this.guard('orch ls', async () => {
      const services = await this.oremote<ServiceDescription[]>(
        'describe_service',
        a.service_type,
        a.service_name,
        a.refresh ?? false,
      );
      services.sort((x, y) => x.service_name.localeCompare(y.service_name));
      if (a.export)
        return answer(
          a.format === 'plain' ? 'yaml' : (a.format ?? 'yaml'),
          services.map((s) => s.spec),
          () => '',
        );
      if (services.length === 0 && (a.format === undefined || a.format === 'plain')) {
        return new HandleCommandResult(0, 'No services reported', '');
      }
      const now = Date.now();
      return answer(a.format, services, () =>
        renderTable(
          ['NAME', 'PORTS', 'RUNNING', 'REFRESHED', 'AGE', 'PLACEMENT'],
          services.map((s) => [
            s.service_name,
            (s.ports ?? []).map((p) => `*:${p}`).join(',') || '',
            `${s.running}/${s.size}`,
            prettyAge(s.last_refresh, now),
            prettyAge(s.created, now),
            s.spec.unmanaged ? '<unmanaged>' : placementText(s.spec.placement),
          ]),
        ),
      );
    });
  }

  /** List daemons known to orchestrator */
  @CLIReadCommand('orch ps', {
    args: z.object({
      hostname: z.string().optional(),
      service_name: z.string().optional(),
      daemon_type: z.string().optional(),
      daemon_id: z.string().optional(),
      format,
      refresh: z.boolean().optional(),
    }),
  })
  orch_ps(a: {
    hostname?: string;
    service_name?: string;
    daemon_type?: string;
    daemon_id?: string;
    format?: Format;
    refresh?: boolean;
  }) {
    return this.guard('orch ps', async () => {
      const daemons = await this.oremote<DaemonDescription[]>(
        'list_daemons',
        a.service_name,
        a.daemon_type,
        a.daemon_id,
        a.hostname,
        a.refresh ?? false,
      );
      daemons.sort((x, y) => x.daemon_name.localeCompare(y.daemon_name, 'en', { numeric: true }));
      if (daemons.length === 0 && (a.format === undefined || a.format === 'plain')) {
        return new HandleCommandResult(0, 'No daemons reported', '');
      }
      const now = Date.now();
      const mib = (n: number | undefined) => (n === undefined ? '-' : `${Math.round(n / 2 ** 20)}M`);
      return answer(a.format, daemons, () =>
        renderTable(
          [
            'NAME',
            'HOST',
            'PORTS',
            'STATUS',
            'REFRESHED',
            'AGE',
            'MEM USE',
            'MEM LIM',
            'VERSION',
            'IMAGE ID',
            'CONTAINER ID',
          ],
          daemons.map((d) => [
            d.daemon_name,
            d.hostname,
            (d.ports ?? []).map((p) => `*:${p}`).join(','),
            daemonStatus(d, now),
            prettyAge(d.last_refresh, now),
            prettyAge(d.created, now),
            mib(d.memory_usage),
            mib(d.memory_request),
            d.version ?? '',
            d.container_image_id?.slice(0, 12) ?? '',
            d.container_id?.slice(0, 12) ?? '',
          ]),
        ),
      );
    });
  }

  /** Update the size or placement for a service or apply a large yaml spec */
  @CLICommand('orch apply', {
    perm: 'rw',
    args: z.object({
      service_type: z.enum(SERVICE_TYPES).optional(),
      placement: z.string().optional(),
      all_available_devices: z.boolean().optional(),
      dry_run: z.boolean().optional(),
      unmanaged: z.boolean().optional(),
      format,
    }),
  })
  apply(
    a: {
      service_type?: ServiceType;
      placement?: string;
      all_available_devices?: boolean;
      dry_run?: boolean;
      unmanaged?: boolean;
      format?: Format;
    },
    inbuf?: string,
  ) {
    return this.guard('orch apply', async () => {
      let specs: ServiceSpec[];
      if (inbuf) {
        let data: unknown;
        try {
          data = JSON.parse(inbuf);
        } catch (e) {
          throw new OrchestratorError(`-i: the spec is not JSON: ${(e as Error).message}`);
        }
        specs = (Array.isArray(data) ? data : [data]).map(parseServiceSpec);
      } else {
        if (a.service_type === undefined) {
          throw new OrchestratorError('orch apply: give a service type or a spec with -i', EINVAL);
        }
        const osdAll = a.service_type === 'osd' && a.all_available_devices === true;
        if (a.service_type === 'osd' && !osdAll && a.placement === undefined) {
          throw new OrchestratorError(
            'Usage: ceph orch apply osd --all-available-devices, or ceph orch apply osd --placement=<host>',
            EINVAL,
          );
        }
        specs = [
          parseServiceSpec({
            service_type: a.service_type,
            service_id: osdAll ? 'all-available-devices' : a.service_type === 'osd' ? 'default_drive_group' : undefined,
            placement: osdAll && a.placement === undefined ? { host_pattern: '*' } : parsePlacement(a.placement),
            unmanaged: a.unmanaged ?? false,
            data_devices: a.service_type === 'osd' ? { all: true } : undefined,
          }),
        ];
      }
      if (a.dry_run) {
        return answer(a.format, specs, () => specs.map((s) => `Would apply ${serviceName(s)}`).join('\n'));
      }
      const messages = await this.oremote<string[]>('apply', specs);
      return answer(a.format, messages, () => messages.join('\n'));
    });
  }

  /** Remove a service */
  @CLIWriteCommand('orch rm', { args: z.object({ service_name: z.string(), force: z.boolean().optional() }) })
  service_rm({ service_name, force }: { service_name: string; force?: boolean }) {
    return this.guard('orch rm', async () => {
      const msg = await this.oremote<string>('remove_service', service_name, force ?? false);
      return new HandleCommandResult(0, msg, '');
    });
  }

  /** Start, stop, restart, redeploy, or reconfig an entire service (i.e. all daemons) */
  @CLIWriteCommand('orch', {
    args: z.object({ action: z.enum(DAEMON_ACTIONS), service_name: z.string() }),
  })
  service_action({ action, service_name }: { action: DaemonAction; service_name: string }) {
    return this.guard(`orch ${action}`, async () => {
      const messages = await this.oremote<string[]>('service_action', action, service_name);
      return new HandleCommandResult(0, messages.join('\n'), '');
    });
  }

  /** Start, stop, restart, (redeploy,) or reconfig a specific daemon */
  @CLIWriteCommand('orch daemon', { args: z.object({ action: z.enum(DAEMON_ACTIONS), name: z.string() }) })
  daemon_action({ action, name }: { action: DaemonAction; name: string }) {
    return this.guard('orch daemon', async () => {
      if (!name.includes('.')) {
        throw new OrchestratorError(`${name} is not a valid daemon name`, EINVAL);
      }
      return new HandleCommandResult(0, await this.oremote<string>('daemon_action', action, name), '');
    });
  }
}
