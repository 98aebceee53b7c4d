import { MgrModule } from '../module/mgr-module.ts';
import type { DaemonDescription, InventoryHost, ServiceDescription } from './descriptions.ts';
import type { HostSpec } from './host-spec.ts';
import { type OrchResult, orchFailed } from './orch-result.ts';
import { OrchNotImplemented } from './orchestrator-error.ts';
import type { ServiceSpec } from './service-spec.ts';

/** `orch daemon <action>` and `orch <action> <service>`, as Ceph's. */
export const DAEMON_ACTIONS = ['start', 'stop', 'restart', 'reconfig', 'redeploy'] as const;
/** One of {@link DAEMON_ACTIONS}. */
export type DaemonAction = (typeof DAEMON_ACTIONS)[number];

/** Which hosts `get_inventory` covers: all, or those named. */
export interface InventoryFilter {
  readonly hosts?: readonly string[];
}

/** What `available()` answers: whether the backend can work, why not, and anything it wants to show. */
export type Availability = [available: boolean, reason: string, extra: Record<string, unknown>];

/**
 * The base of an orchestrator backend, as Ceph's `orchestrator.Orchestrator`: a module that deploys and manages
 * daemons on hosts. The `orch` commands (the `orchestrator` module) call the backend chosen with
 * `orch set backend <module>` through `remote()`. Each method answers an {@link OrchResult} (wrap the work in
 * `handleOrchError`); what a backend does not override answers a `MGR_ERR_ORCH_NOT_IMPLEMENTED` error, which the CLI
 * reports as Ceph does: "This Orchestrator does not support `orch ...`", -ENOENT.
 *
 * @example
 * ```ts
 * import { type Availability, handleOrchError, Orchestrator } from 'mgrkit';
 * export class Module extends Orchestrator {
 *   available() { return handleOrchError((): Availability => [true, '', {}]); }
 *   get_hosts() { return handleOrchError(() => [{ hostname: 'node01', addr: '10.0.0.1', labels: [], status: '' }]); }
 * }
 * ```
 */
export abstract class Orchestrator extends MgrModule {
  /** A failed result for an interface method this backend does not provide. */
  protected notImplemented<T>(method: string): Promise<OrchResult<T>> {
    return Promise.resolve(orchFailed<T>(new OrchNotImplemented(method)));
  }

  /** What `orch set backend` asks a module before taking it as the backend (Ceph's `is_orchestrator_module`). */
  is_orchestrator_module(): boolean {
    return true;
  }

  /** Whether the backend can work now: `[available, reason, extra]`. */
  available(): Promise<OrchResult<Availability>> {
    return this.notImplemented('available');
  }

  /** The hosts the orchestrator manages. */
  get_hosts(): Promise<OrchResult<HostSpec[]>> {
    return this.notImplemented('get_hosts');
  }

  /** Adds a host; answers a message. */
  add_host(_spec: HostSpec): Promise<OrchResult<string>> {
    return this.notImplemented('add_host');
  }

  /** Removes a host; answers a message. */
  remove_host(_hostname: string, _force?: boolean, _offline?: boolean): Promise<OrchResult<string>> {
    return this.notImplemented('remove_host');
  }

  /** The storage devices of the hosts, and whether each is free for an OSD. */
  get_inventory(_host_filter?: InventoryFilter, _refresh?: boolean): Promise<OrchResult<InventoryHost[]>> {
    return this.notImplemented('get_inventory');
  }

  /** The services, optionally of one type or one name. */
  describe_service(
    _service_type?: string,
    _service_name?: string,
    _refresh?: boolean,
  ): Promise<OrchResult<ServiceDescription[]>> {
    return this.notImplemented('describe_service');
  }

  /** The daemons, optionally of one service, one type, one id, or on one host. */
  list_daemons(
    _service_name?: string,
    _daemon_type?: string,
    _daemon_id?: string,
    _host?: string,
    _refresh?: boolean,
  ): Promise<OrchResult<DaemonDescription[]>> {
    return this.notImplemented('list_daemons');
  }

  /** Applies service specs (creating or updating services); answers a message per spec. */
  apply(_specs: ServiceSpec[]): Promise<OrchResult<string[]>> {
    return this.notImplemented('apply');
  }

  /** Removes a service and its daemons. */
  remove_service(_service_name: string, _force?: boolean): Promise<OrchResult<string>> {
    return this.notImplemented('remove_service');
  }

  /** Starts, stops or restarts every daemon of a service; answers a message per daemon. */
  service_action(_action: DaemonAction, _service_name: string): Promise<OrchResult<string[]>> {
    return this.notImplemented('service_action');
  }

  /** Starts, stops or restarts one daemon (`osd.3`). */
  daemon_action(_action: DaemonAction, _daemon_name: string): Promise<OrchResult<string>> {
    return this.notImplemented('daemon_action');
  }
}
