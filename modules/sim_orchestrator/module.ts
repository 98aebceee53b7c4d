import { constants } from 'node:os';
import {
  type Availability,
  type DaemonAction,
  type DaemonDescription,
  DaemonStatus,
  type Device,
  type HostSpec,
  handleOrchError,
  type InventoryFilter,
  type InventoryHost,
  type NotifyType,
  Orchestrator,
  OrchestratorError,
  placementMatches,
  type ServiceDescription,
  type ServiceSpec,
  serviceName,
} from 'mgrkit';

const { ENOENT, EINVAL, ENOSPC } = constants.errno;

/** A host of the simulated cluster as its host agent (`sim host ls`) lists it. */
interface SimHost {
  hostname: string;
  addr: string;
  drives: Array<{ path: string; size: number; rotational: boolean; osd: number | null }>;
}

/** Used devices are refused with the reasons ceph-volume gives for a device that holds an OSD. */
const IN_USE = ['Insufficient space (<10 extents) on vgs', 'LVM detected', 'locked'];

const ipOf = (addr: string | undefined) => /(\d+\.\d+\.\d+\.\d+)/.exec(addr ?? '')?.[1];

/**
 * An orchestrator backend for the simulated cluster, as Ceph's `test_orchestrator` but acting on a live cluster: hosts
 * and their drives come from the simulator's host agent; `orch apply osd` creates OSDs on free drives (they join the
 * OSD map up and in); `orch daemon stop osd.N` stops the OSD's process (the monitors mark it down and its PGs
 * degrade) until `start`; daemons and their status come from the cluster's maps and metadata.
 *
 * It reaches the cluster only through `mon_command`: the `sim ...` commands stand in for what cephadm does on the
 * hosts over ssh.
 */
export class Module extends Orchestrator {
  static NOTIFY_TYPES: NotifyType[] = [];

  private async agent<T>(cmd: Record<string, unknown>): Promise<T> {
    const [r, outb, outs] = await this.mon_command(cmd);
    if (r !== 0) throw new OrchestratorError(outs || `${String(cmd.prefix)} failed`, -r);
    return JSON.parse(outb) as T;
  }

  private async simHosts(): Promise<SimHost[]> {
    const removed = this.removedHosts();
    return (await this.agent<SimHost[]>({ prefix: 'sim host ls' })).filter((h) => !removed.has(h.hostname));
  }

  private removedHosts(): Set<string> {
    return new Set(JSON.parse(this.get_store('removed_hosts', '[]')) as string[]);
  }

  /** Specs applied here, by service name. */
  private specs(): Record<string, ServiceSpec> {
    return JSON.parse(this.get_store('specs', '{}')) as Record<string, ServiceSpec>;
  }

  /** Which service each OSD this backend created belongs to. */
  private osdServices(): Record<string, string> {
    return JSON.parse(this.get_store('osd_services', '{}')) as Record<string, string>;
  }

  available() {
    return handleOrchError(async (): Promise<Availability> => {
      const [r, , outs] = await this.mon_command({ prefix: 'sim host ls' });
      return r === 0 ? [true, '', {}] : [false, `the cluster is not a simulated one: ${outs}`, {}];
    });
  }

  get_hosts() {
    return handleOrchError(
      async (): Promise<HostSpec[]> =>
        (await this.simHosts()).map((h, i) => ({
          hostname: h.hostname,
          addr: h.addr,
          labels: i === 0 ? ['_admin'] : [],
          status: '',
        })),
    );
  }

  add_host(spec: HostSpec) {
    return handleOrchError(async () => {
      const all = await this.agent<SimHost[]>({ prefix: 'sim host ls' });
      const host = all.find((h) => h.hostname === spec.hostname);
      if (host === undefined) {
        throw new OrchestratorError(`Failed to connect to ${spec.hostname} (${spec.addr ?? spec.hostname}).`, EINVAL);
      }
      const removed = this.removedHosts();
      removed.delete(spec.hostname);
      await this.set_store('removed_hosts', JSON.stringify([...removed]));
      return `Added host '${spec.hostname}' with addr '${spec.addr ?? host.addr}'`;
    });
  }

  remove_host(hostname: string, force = false) {
    return handleOrchError(async () => {
      const host = (await this.simHosts()).find((h) => h.hostname === hostname);
      if (host === undefined) throw new OrchestratorError(`Cannot remove host ${hostname}: not found`, ENOENT);
      const daemons = await this.daemons();
      const on = daemons.filter((d) => d.hostname === hostname).map((d) => d.daemon_name);
      if (on.length > 0 && !force) {
        throw new OrchestratorError(
          `Not allowed to remove ${hostname} from cluster. The following daemons are running in the host:\n${on.join('\n')}`,
          EINVAL,
        );
      }
      const removed = this.removedHosts();
      removed.add(hostname);
      await this.set_store('removed_hosts', JSON.stringify([...removed]));
      return `Removed host '${hostname}'`;
    });
  }

  get_inventory(filter?: InventoryFilter) {
    return handleOrchError(async (): Promise<InventoryHost[]> => {
      const hosts = (await this.simHosts()).filter(
        (h) => filter?.hosts === undefined || filter.hosts.includes(h.hostname),
      );
      return hosts.map((h) => ({
        name: h.hostname,
        addr: h.addr,
        devices: h.drives.map((d): Device => {
          const meta = d.osd === null ? null : this.get_metadata('osd', String(d.osd));
          const id = meta?.device_ids?.split('=')[1];
          return {
            path: d.path,
            device_id: id ?? `SIM_${h.hostname}_${d.path.slice(5)}`,
            human_readable_type: d.rotational ? 'hdd' : 'ssd',
            sys_api: { size: d.size, rotational: d.rotational },
            available: d.osd === null,
            rejected_reasons: d.osd === null ? [] : IN_USE,
            ...(d.osd === null ? {} : { osd_ids: [d.osd] }),
          };
        }),
      }));
    });
  }

  /** Every daemon of the cluster: monitors, the manager, OSDs (running when up in the OSD map). */
  private async daemons(): Promise<DaemonDescription[]> {
    const hosts = await this.agent<SimHost[]>({ prefix: 'sim host ls' });
    const hostByIp = new Map(hosts.map((h) => [h.addr, h.hostname]));
    const now = new Date().toISOString();
    const out: DaemonDescription[] = [];
    const owners = this.osdServices();
    for (const mon of this.get('mon_map')?.mons ?? []) {
      out.push({
        daemon_type: 'mon',
        daemon_id: mon.name,
        daemon_name: `mon.${mon.name}`,
        hostname: hostByIp.get(ipOf(mon.public_addr) ?? '') ?? '',
        service_name: 'mon',
        status: DaemonStatus.running,
        status_desc: 'running',
        version: this.version.split(' ')[2],
        ports: [3300, 6789],
        last_refresh: now,
      });
    }
    const mgr = this.get('mgr_map');
    if (mgr?.active_name) {
      out.push({
        daemon_type: 'mgr',
        daemon_id: mgr.active_name,
        daemon_name: `mgr.${mgr.active_name}`,
        hostname: hostByIp.get(ipOf(mgr.active_addr) ?? '') ?? hosts[0]?.hostname ?? '',
        service_name: 'mgr',
        status: DaemonStatus.running,
        status_desc: 'running',
        version: this.version.split(' ')[2],
        last_refresh: now,
      });
    }
    for (const osd of this.get('osd_map')?.osds ?? []) {
      const id = String(osd.osd);
      const meta = this.get_metadata('osd', id);
      const running = osd.up === 1;
      out.push({
        daemon_type: 'osd',
        daemon_id: id,
        daemon_name: `osd.${id}`,
        hostname: meta?.hostname ?? '',
        service_name: owners[id] ?? 'osd',
        status: running ? DaemonStatus.running : DaemonStatus.stopped,
        status_desc: running ? 'running' : 'stopped',
        version: meta?.ceph_version_short,
        created: meta?.created_at,
        memory_request: 4 * 2 ** 30,
        last_refresh: now,
      });
    }
    return out;
  }

  list_daemons(service_name?: string, daemon_type?: string, daemon_id?: string, host?: string) {
    return handleOrchError(async () =>
      (await this.daemons()).filter(
        (d) =>
          (service_name === undefined || d.service_name === service_name) &&
          (daemon_type === undefined || d.daemon_type === daemon_type) &&
          (daemon_id === undefined || d.daemon_id === daemon_id) &&
          (host === undefined || d.hostname === host),
      ),
    );
  }

  describe_service(service_type?: string, service_name?: string) {
    return handleOrchError(async (): Promise<ServiceDescription[]> => {
      const daemons = await this.daemons();
      const specs = this.specs();
      const names = new Set([...daemons.map((d) => d.service_name), ...Object.keys(specs)]);
      const now = new Date().toISOString();
      const out: ServiceDescription[] = [];
      for (const name of names) {
        const own = daemons.filter((d) => d.service_name === name);
        const type = name.split('.')[0]!;
        // Daemons nobody applied a spec for (the cluster's first OSDs, its mons) show as unmanaged, as in cephadm.
        const spec: ServiceSpec = specs[name] ?? {
          service_type: type as ServiceSpec['service_type'],
          placement: type === 'osd' ? {} : { count: own.length },
          unmanaged: type === 'osd',
        };
        if (service_type !== undefined && spec.service_type !== service_type) continue;
        if (service_name !== undefined && name !== service_name) continue;
        out.push({
          service_name: name,
          spec,
          running: own.filter((d) => d.status === DaemonStatus.running).length,
          size: own.length,
          ...(type === 'mon' ? { ports: [3300, 6789] } : {}),
          last_refresh: now,
          created: own.map((d) => d.created).find((c) => c !== undefined),
        });
      }
      return out;
    });
  }

  apply(specs: ServiceSpec[]) {
    return handleOrchError(async () => {
      const messages: string[] = [];
      for (const spec of specs) {
        if (spec.service_type !== 'osd') {
          throw new OrchestratorError(`sim_orchestrator deploys OSDs only, not ${spec.service_type}`, EINVAL);
        }
        const name = serviceName(spec);
        const all = await this.simHosts();
        const hosts = all.filter((h, i) => placementMatches(spec.placement, h.hostname, i === 0 ? ['_admin'] : []));
        if (spec.placement.hosts !== undefined) {
          const unknown = spec.placement.hosts.filter((h) => !all.some((x) => x.hostname === h));
          if (unknown.length > 0) throw new OrchestratorError(`Unknown hosts: ${unknown.join(', ')}`, ENOENT);
        }
        const stored = this.specs();
        stored[name] = spec;
        await this.set_store('specs', JSON.stringify(stored));
        if (!spec.unmanaged) {
          const owners = this.osdServices();
          const limit = spec.data_devices?.limit;
          for (const h of hosts) {
            if (!h.drives.some((d) => d.osd === null)) continue;
            const [r, outb, outs] = await this.mon_command({
              prefix: 'sim osd create',
              host: h.hostname,
              ...(limit === undefined ? {} : { count: limit }),
            });
            if (r === -ENOSPC) continue;
            if (r !== 0) throw new OrchestratorError(outs, -r);
            for (const id of JSON.parse(outb) as number[]) owners[String(id)] = name;
            this.log.info({ host: h.hostname, outs }, 'deployed OSDs');
          }
          await this.set_store('osd_services', JSON.stringify(owners));
        }
        messages.push(`Scheduled ${name} update...`);
      }
      return messages;
    });
  }

  remove_service(service_name: string) {
    return handleOrchError(async () => {
      const stored = this.specs();
      if (stored[service_name] === undefined) {
        throw new OrchestratorError(
          `Invalid service '${service_name}'. Use 'ceph orch ls' to list available services.`,
          ENOENT,
        );
      }
      delete stored[service_name];
      await this.set_store('specs', JSON.stringify(stored));
      return `Removed service ${service_name}`;
    });
  }

  service_action(action: DaemonAction, service_name: string) {
    return handleOrchError(async () => {
      const own = (await this.daemons()).filter((d) => d.service_name === service_name);
      if (own.length === 0) throw new OrchestratorError(`Invalid service name '${service_name}'.`, ENOENT);
      const out: string[] = [];
      for (const d of own) out.push(await this.act(action, d));
      return out;
    });
  }

  daemon_action(action: DaemonAction, daemon_name: string) {
    return handleOrchError(async () => {
      const d = (await this.daemons()).find((x) => x.daemon_name === daemon_name);
      if (d === undefined) throw new OrchestratorError(`Unable to find ${daemon_name} daemon(s)`, ENOENT);
      return this.act(action, d);
    });
  }

  private async act(action: DaemonAction, d: DaemonDescription): Promise<string> {
    if (d.daemon_type !== 'osd') {
      throw new OrchestratorError(`sim_orchestrator manages OSD daemons only, not ${d.daemon_name}`, EINVAL);
    }
    if (action === 'reconfig' || action === 'redeploy') {
      throw new OrchestratorError(`sim_orchestrator cannot ${action} daemons`, EINVAL);
    }
    if (action === 'stop' || action === 'restart') await this.agent({ prefix: 'sim daemon stop', name: d.daemon_name });
    if (action === 'start' || action === 'restart')
      await this.agent({ prefix: 'sim daemon start', name: d.daemon_name });
    return `Scheduled to ${action} ${d.daemon_name} on host '${d.hostname}'`;
  }
}
